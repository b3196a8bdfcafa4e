//! Offline checks of what users paste into their files: each returns a warning to show,
//! never a refusal. The shapes are AWS's documented ones; a value that fails them may
//! still work (AWS may add shapes), so callers warn and write.

use crate::model::Section;

/// AWS Regions (commercial, GovCloud, China, ISO and the European Sovereign Cloud), as
/// published in AWS's region list. An unknown name only warns: new Regions appear.
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/// The warning for keys that belong to the account's root user.
pub const ROOT_KEYS: &str = "these are root access keys: AWS recommends deleting them and using an IAM user or IAM Identity Center instead";

/// The output formats the AWS CLI accepts.
pub const OUTPUT_FORMATS: &[&str] = &["json", "yaml", "yaml-stream", "text", "table"];

/// Trims whitespace (including pasted line breaks and no-break spaces) from both ends.
/// Returns the trimmed value and whether anything was removed.
pub fn trim_pasted(value: &str) -> (&str, bool) {
    let trimmed = value.trim();
    (trimmed, trimmed.len() != value.len())
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// Checks an access key id: `AKIA` (long-term) or `ASIA` (temporary) and 16 more
/// upper-case letters or digits.
pub fn access_key_id(value: &str) -> Option<String> {
    if value.chars().any(char::is_whitespace) {
        return Some("the access key id contains whitespace; was something pasted with it?".into());
    }
    let shape = value.len() == 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && value.chars().all(is_key_char);
    (!shape).then(|| {
        format!(
            "{} does not look like an access key id (AKIA or ASIA and 16 more upper-case letters or digits, 20 in all; this one has {})",
            crate::text::quoted(value),
            value.chars().count()
        )
    })
}

/// Checks a secret access key: 40 characters of letters, digits, `/` and `+`. The
/// message never repeats the secret.
pub fn secret_access_key(value: &str) -> Option<String> {
    if value.chars().any(char::is_whitespace) {
        return Some(
            "the secret access key contains whitespace; was something pasted with it?".into(),
        );
    }
    let n = value.chars().count();
    if n != 40 {
        return Some(format!(
            "the secret access key has {n} characters; AWS secret keys have 40"
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
    {
        return Some(
            "the secret access key has characters other than letters, digits, `/` and `+`".into(),
        );
    }
    None
}

/// The region that `value`, which is not one, was most likely meant to be: the region of
/// an availability zone (`us-east-1a`), or the closest name of [`REGIONS`].
pub fn region_meant(value: &str) -> Option<&'static str> {
    if REGIONS.contains(&value) {
        return None;
    }
    if let Some(r) = value.strip_suffix(|c: char| c.is_ascii_lowercase()) {
        if let Some(&r) = REGIONS.iter().find(|&&known| known == r) {
            return Some(r);
        }
    }
    crate::model::suggest(&value.to_ascii_lowercase(), REGIONS.iter().copied())
}

/// Checks a region name against [`REGIONS`], suggesting the closest one.
pub fn region(value: &str) -> Option<String> {
    if REGIONS.contains(&value) {
        return None;
    }
    // An availability zone (us-east-1a) pasted for its region.
    if let Some(r) = value
        .strip_suffix(|c: char| c.is_ascii_lowercase())
        .filter(|r| REGIONS.contains(r))
    {
        return Some(format!(
            "{} is an availability zone, not a region; did you mean `{r}`?",
            crate::text::quoted(value)
        ));
    }
    let hint = crate::model::suggest(&value.to_ascii_lowercase(), REGIONS.iter().copied())
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    Some(format!(
        "{} is not a known AWS region name{hint}",
        crate::text::quoted(value)
    ))
}

/// Checks an output format against [`OUTPUT_FORMATS`].
pub fn output(value: &str) -> Option<String> {
    (!OUTPUT_FORMATS.contains(&value)).then(|| {
        format!(
            "{} is not an AWS CLI output format ({})",
            crate::text::quoted(value),
            OUTPUT_FORMATS.join(", ")
        )
    })
}

/// The check for one property's value, by key (none for keys without a known shape).
pub fn property(key: &str, value: &str) -> Option<String> {
    match key.to_ascii_lowercase().as_str() {
        "aws_access_key_id" => access_key_id(value),
        "aws_secret_access_key" => secret_access_key(value),
        "region" | "sso_region" => region(value),
        "output" => output(value),
        _ => None,
    }
}

/// Checks a whole profile after an edit: keys that only work together.
pub fn profile(section: &Section) -> Vec<String> {
    let mut out = Vec::new();
    let id = section.get("aws_access_key_id");
    let token = section.get("aws_session_token").filter(|t| !t.is_empty());
    match (id, token) {
        (Some(id), None) if id.starts_with("ASIA") => out.push(format!(
            "profile `{}`: the access key id starts with ASIA, a temporary key, but there is no aws_session_token; requests will fail without it",
            section.name
        )),
        (Some(id), Some(_)) if id.starts_with("AKIA") => out.push(format!(
            "profile `{}`: the access key id starts with AKIA, a long-term key, but an aws_session_token is set; requests will fail unless the token belongs to these keys",
            section.name
        )),
        _ => {}
    }
    if id.is_some() != section.get("aws_secret_access_key").is_some() {
        out.push(format!(
            "profile `{}`: has only one of aws_access_key_id and aws_secret_access_key; the SDKs need both",
            section.name
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shapes() {
        assert_eq!(access_key_id("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(access_key_id("ASIAIOSFODNN7EXAMPLE"), None);
        assert!(access_key_id("AKIAIOSFODNN7EXAMPL").is_some());
        assert!(access_key_id("akiaiosfodnn7example").is_some());
        assert!(access_key_id("AKIA IOSFODNN7EXAMPL").is_some());
        assert_eq!(
            secret_access_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            None
        );
        let short = secret_access_key("wJalrXUtnFEMI").unwrap();
        assert!(short.contains("13") && !short.contains("wJal"));
    }

    #[test]
    fn regions() {
        assert_eq!(region("eu-west-1"), None);
        assert!(region("us-east-1a").unwrap().contains("`us-east-1`"));
        assert!(region("eu-wset-1").unwrap().contains("did you mean"));
        assert!(region("mars").is_some());
        assert_eq!(region_meant("eu-wset-1"), Some("eu-west-1"));
        assert_eq!(region_meant("us-east-1a"), Some("us-east-1"));
        assert_eq!(region_meant("EU-WEST-1"), Some("eu-west-1"));
        assert_eq!(region_meant("eu-west-1"), None);
        assert_eq!(region_meant("mars"), None);
    }

    #[test]
    fn pasted_whitespace() {
        assert_eq!(trim_pasted(" AKIA\r\n"), ("AKIA", true));
        assert_eq!(trim_pasted("AKIA"), ("AKIA", false));
    }
}
