//! Timestamps as the AWS tools write them, and the current time.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The current time, UTC.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// RFC 3339 in UTC to the second (`2026-11-26T12:00:00Z`), the form `export` prints.
pub fn format(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

/// Parses the timestamps the AWS CLI, botocore and the SDKs write: RFC 3339 with `Z` or
/// an offset (`+00:00`), and the older `...UTC` suffix of the CLI's SSO token cache.
pub fn parse(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let fixed;
    let s = match s.strip_suffix("UTC") {
        Some(head) => {
            fixed = format!("{head}Z");
            fixed.as_str()
        }
        None => s,
    };
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// From Unix epoch milliseconds (the SSO portal's `expiration`).
pub fn from_millis(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// "59m", "2h05m", "expired": how long until `t`, for people.
pub fn until(t: OffsetDateTime) -> String {
    let secs = (t - now()).whole_seconds();
    if secs <= 0 {
        return "expired".into();
    }
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_the_aws_tools_write() {
        let z = parse("2026-11-26T12:00:00Z").unwrap();
        assert_eq!(parse("2026-11-26T12:00:00+00:00"), Some(z));
        assert_eq!(parse("2026-11-26T12:00:00UTC"), Some(z));
        assert_eq!(parse("2026-11-26T14:00:00+02:00"), Some(z));
        assert_eq!(format(z), "2026-11-26T12:00:00Z");
        assert_eq!(parse("tomorrow"), None);
    }
}
