//! The recursion guard of `credential_process`: which profiles' programs started this
//! process, so that a program that runs awsprof (or the AWS CLI) for a profile already on
//! the way fails at once instead of starting itself without end.
//!
//! Every program awsprof starts for a profile gets the profiles so far, plus that one, in
//! [`VAR`] and in the AWS CLI's own [`AWS_CLI_VAR`] (which `aws configure
//! export-credentials` reads and extends the same way): a comma-separated list, quoted as
//! CSV where a name holds a comma or a quote, as the AWS CLI writes it. Both are read and
//! the longer list is taken, since each tool extends only its own, and a tool in between
//! may clear the other's.

/// awsprof's variable: the profiles whose programs started this one, outermost first.
pub const VAR: &str = "AWSPROF_PROFILE_CHAIN";

/// The AWS CLI's variable, read and extended by `aws configure export-credentials`.
pub const AWS_CLI_VAR: &str = "_AWS_CLI_PROFILE_CHAIN";

/// How many programs may be nested before awsprof stops: deep enough for a program that
/// wraps a program that wraps awsprof, and far from the thousands of processes an
/// unguarded loop makes.
pub const MAX_DEPTH: usize = 8;

/// The profiles whose programs started this process, outermost first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nesting {
    profiles: Vec<String>,
}

/// This process was started, through `credential_process`, for a profile it must not
/// resolve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NestingError {
    /// The profile is already on the way: resolving it would start the same program again.
    #[error("profile `{profile}` forms a loop through credential_process: {}", path.join(" -> "))]
    Loop {
        /// The profile asked for.
        profile: String,
        /// The profiles on the way, ending with it again.
        path: Vec<String>,
    },
    /// Too many programs are nested already.
    #[error("profile `{profile}`: credential_process programs are nested {} deep ({}); awsprof stops at {MAX_DEPTH}, as the chain probably never ends", path.len() - 1, path.join(" -> "))]
    TooDeep {
        /// The profile asked for.
        profile: String,
        /// The profiles on the way, then it.
        path: Vec<String>,
    },
}

impl Nesting {
    /// The nesting this process was started with, from its environment.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Nesting {
        let ours = env(VAR).map(|v| parse(&v)).unwrap_or_default();
        let theirs = env(AWS_CLI_VAR).map(|v| parse(&v)).unwrap_or_default();
        Nesting {
            profiles: if theirs.len() > ours.len() {
                theirs
            } else {
                ours
            },
        }
    }

    /// The profiles on the way, outermost first.
    pub fn profiles(&self) -> &[String] {
        &self.profiles
    }

    /// Whether `profile` may be resolved here: not on the way already, and not too deep.
    pub fn check(&self, profile: &str) -> Result<(), NestingError> {
        let path = || {
            let mut p = self.profiles.clone();
            p.push(profile.to_string());
            p
        };
        if self.profiles.iter().any(|p| p == profile) {
            return Err(NestingError::Loop {
                profile: profile.to_string(),
                path: path(),
            });
        }
        if self.profiles.len() >= MAX_DEPTH {
            return Err(NestingError::TooDeep {
                profile: profile.to_string(),
                path: path(),
            });
        }
        Ok(())
    }

    /// The variables a program started for `profiles` (the selected one, and the one whose
    /// program it is, when another) gets: both lists, extended.
    pub fn child_env(&self, profiles: &[&str]) -> [(&'static str, String); 2] {
        let mut all: Vec<&str> = self.profiles.iter().map(String::as_str).collect();
        for p in profiles {
            if all.last() != Some(p) {
                all.push(p);
            }
        }
        let value = write(&all);
        [(VAR, value.clone()), (AWS_CLI_VAR, value)]
    }
}

/// One CSV record, as Python's `csv.reader` reads it (the AWS CLI's own parser).
fn parse(value: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(value.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| {
            r.iter()
                .map(str::to_string)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// One CSV record without its line ending, as Python's `csv.writer` writes it.
fn write(profiles: &[&str]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    if writer.write_record(profiles).is_err() {
        return profiles.join(",");
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(vars: &[(&str, &str)]) -> Nesting {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Nesting::from_env(&move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn a_profile_on_the_way_is_a_loop_named_in_order() {
        let n = nesting(&[(VAR, "a,b")]);
        assert_eq!(
            n.check("a").unwrap_err().to_string(),
            "profile `a` forms a loop through credential_process: a -> b -> a"
        );
        assert!(n.check("c").is_ok());
        assert!(nesting(&[]).check("self").is_ok());
    }

    #[test]
    fn the_longer_of_both_lists_counts_and_both_are_extended() {
        // The AWS CLI extended its own list after awsprof set both.
        let n = nesting(&[(VAR, "a"), (AWS_CLI_VAR, "a,b")]);
        assert_eq!(n.profiles(), ["a", "b"]);
        assert_eq!(
            n.child_env(&["c", "d"]),
            [
                (VAR, "a,b,c,d".to_string()),
                (AWS_CLI_VAR, "a,b,c,d".to_string())
            ]
        );
        assert_eq!(n.child_env(&["b"])[0].1, "a,b", "not twice in a row");
    }

    #[test]
    fn names_with_commas_and_quotes_round_trip_as_csv() {
        let n = nesting(&[]);
        let value = n.child_env(&["x,y", "q\"t"])[0].1.clone();
        assert_eq!(value, r#""x,y","q""t""#);
        assert_eq!(nesting(&[(VAR, &value)]).profiles(), ["x,y", "q\"t"]);
    }

    #[test]
    fn too_deep_stops_at_the_bound() {
        let deep: Vec<String> = (0..MAX_DEPTH).map(|i| format!("p{i}")).collect();
        let n = nesting(&[(VAR, &deep.join(","))]);
        let err = n.check("next").unwrap_err().to_string();
        assert!(err.contains("nested 8 deep"), "{err}");
        assert!(err.contains("p0 -> p1"), "{err}");
    }
}
