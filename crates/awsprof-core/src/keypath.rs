//! Dotted keys as `aws configure get/set` takes them.
//!
//! - `region`: a key of the selected profile;
//! - `s3.max_concurrent_requests`: a sub-property of the selected profile's `s3` block;
//! - `default.region`, `profile.NAME.region[.SUB]`: a key of a named profile;
//! - `sso-session.NAME.KEY`: a key of an `[sso-session NAME]` section;
//! - `services.NAME.SERVICE.KEY`: a sub-property of a `[services NAME]` section.
//!
//! Profile names may hold dots, so `profile.a.b.region` reads two ways: `b.region` of
//! profile `a` (the AWS CLI's only reading) and `region` of profile `a.b`.
//! [`KeyPath::choose`] takes the one whose profile exists, and refuses when both do.

use crate::model::{ProfileSet, Section};

/// Which kind of section a key lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// A profile.
    Profile,
    /// An `[sso-session NAME]` section.
    SsoSession,
    /// A `[services NAME]` section.
    Services,
}

/// A parsed dotted key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    /// The kind of section.
    pub section: SectionKind,
    /// The section's name; `None` means the selected profile.
    pub name: Option<String>,
    /// The key (lower-case).
    pub key: String,
    /// The sub-property inside a `key =` block, if any.
    pub sub: Option<String>,
}

/// Why a dotted key could not be understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a key: use KEY, KEY.SUBKEY, profile.NAME.KEY, sso-session.NAME.KEY or services.NAME.SERVICE.KEY", crate::text::quoted(.0))]
pub struct BadKey(pub String);

/// Why a dotted key names no one key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// It is not a key at all.
    #[error(transparent)]
    Bad(#[from] BadKey),
    /// It reads as keys of two profiles that both exist.
    #[error("{} names a key of profile `{}` and a key of profile `{}`, which both exist: say which with --profile, `{}` or `{}`", crate::text::quoted(.key), .readings[0].0, .readings[1].0, .readings[0].1, .readings[1].1)]
    Ambiguous {
        /// The key as given.
        key: String,
        /// Each reading: the profile, and the key with `--profile` that names it alone.
        readings: Vec<(String, String)>,
    },
}

impl KeyPath {
    /// Every reading of `input`: one, or two for `profile.NAME...` keys whose profile
    /// name could hold a dot (the AWS CLI's reading first, where it has one).
    pub fn readings(input: &str) -> Result<Vec<KeyPath>, BadKey> {
        let parts: Vec<&str> = input.split('.').collect();
        let dotted =
            parts.len() >= 4 && parts[0] == "profile" && !parts.iter().any(|p| p.is_empty());
        if !dotted {
            return Ok(vec![KeyPath::parse(input)?]);
        }
        let n = parts.len();
        let key = |k: &str| k.to_ascii_lowercase();
        Ok(vec![
            KeyPath {
                section: SectionKind::Profile,
                name: Some(parts[1..n - 2].join(".")),
                key: key(parts[n - 2]),
                sub: Some(key(parts[n - 1])),
            },
            KeyPath {
                section: SectionKind::Profile,
                name: Some(parts[1..n - 1].join(".")),
                key: key(parts[n - 1]),
                sub: None,
            },
        ])
    }

    /// The reading of `input` to use, given which profiles exist: the only one, the one
    /// whose profile exists, or, when none does, the first (so `set` creates what the AWS
    /// CLI would). Both existing is [`KeyError::Ambiguous`].
    pub fn choose(input: &str, exists: &dyn Fn(&str) -> bool) -> Result<KeyPath, KeyError> {
        let mut all = KeyPath::readings(input)?;
        if all.len() == 1 {
            return Ok(all.remove(0));
        }
        let present: Vec<&KeyPath> = all
            .iter()
            .filter(|p| p.name.as_deref().is_some_and(exists))
            .collect();
        match present[..] {
            [] => Ok(all.remove(0)),
            [one] => Ok(one.clone()),
            _ => Err(KeyError::Ambiguous {
                key: input.to_string(),
                readings: all
                    .iter()
                    .map(|p| {
                        let name = p.name.clone().unwrap_or_default();
                        let key = match &p.sub {
                            Some(sub) => format!("{}.{sub} --profile {name}", p.key),
                            None => format!("{} --profile {name}", p.key),
                        };
                        (name, key)
                    })
                    .collect(),
            }),
        }
    }

    /// Parses a dotted key.
    pub fn parse(input: &str) -> Result<KeyPath, BadKey> {
        let bad = || BadKey(input.to_string());
        let parts: Vec<&str> = input.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        let key = |k: &str| k.to_ascii_lowercase();
        let (section, name, rest): (SectionKind, Option<String>, &[&str]) = match parts[..] {
            ["default", ref rest @ ..] if !rest.is_empty() => {
                (SectionKind::Profile, Some("default".into()), rest)
            }
            ["profile", name, ref rest @ ..] if !rest.is_empty() => {
                (SectionKind::Profile, Some(name.into()), rest)
            }
            ["sso-session", name, ref rest @ ..] if rest.len() == 1 => {
                (SectionKind::SsoSession, Some(name.into()), rest)
            }
            ["services", name, ref rest @ ..] if rest.len() == 2 => {
                (SectionKind::Services, Some(name.into()), rest)
            }
            ["profile" | "sso-session" | "services", ..] => return Err(bad()),
            _ => (SectionKind::Profile, None, &parts[..]),
        };
        match rest {
            [k] => Ok(KeyPath {
                section,
                name,
                key: key(k),
                sub: None,
            }),
            [k, s] => Ok(KeyPath {
                section,
                name,
                key: key(k),
                sub: Some(key(s)),
            }),
            _ => Err(bad()),
        }
    }

    /// The section this key lives in, with `selected` standing for an unnamed profile.
    pub fn section<'s>(&self, set: &'s ProfileSet, selected: &str) -> Option<&'s Section> {
        let name = self.name.as_deref().unwrap_or(selected);
        match self.section {
            SectionKind::Profile => set.profiles.get(name),
            SectionKind::SsoSession => set.sso_sessions.get(name),
            SectionKind::Services => set.services.get(name),
        }
    }

    /// The value this key has in `section`, if set.
    pub fn lookup(&self, section: &Section) -> Option<String> {
        let prop = section.property(&self.key)?;
        match &self.sub {
            None => Some(prop.value.clone()),
            Some(sub) => prop
                .sub_properties()
                .into_iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(sub))
                .map(|(_, v)| v.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Filter;

    #[test]
    fn forms() {
        let p = KeyPath::parse("region").unwrap();
        assert_eq!((p.name, p.key, p.sub), (None, "region".into(), None));
        let p = KeyPath::parse("s3.Max_Concurrent_Requests").unwrap();
        assert_eq!(p.sub.as_deref(), Some("max_concurrent_requests"));
        let p = KeyPath::parse("profile.dev.region").unwrap();
        assert_eq!(p.name.as_deref(), Some("dev"));
        let p = KeyPath::parse("sso-session.corp.sso_region").unwrap();
        assert_eq!(p.section, SectionKind::SsoSession);
        let p = KeyPath::parse("services.mine.s3.endpoint_url").unwrap();
        assert_eq!(
            (p.key.as_str(), p.sub.as_deref()),
            ("s3", Some("endpoint_url"))
        );
        assert!(KeyPath::parse("a.b.c").is_err());
        assert!(KeyPath::parse("profile.x").is_err());
        assert!(KeyPath::parse("").is_err());
    }

    #[test]
    fn a_dotted_profile_name_is_chosen_when_it_alone_exists() {
        let only = |names: &'static [&'static str]| move |n: &str| names.contains(&n);
        let p = KeyPath::choose("profile.a.b.region", &only(&["a.b"])).unwrap();
        assert_eq!(
            (p.name.as_deref(), p.key.as_str(), p.sub),
            (Some("a.b"), "region", None)
        );
        let p = KeyPath::choose("profile.a.b.region", &only(&["a"])).unwrap();
        assert_eq!(
            (p.name.as_deref(), p.sub.as_deref()),
            (Some("a"), Some("region"))
        );
        let p = KeyPath::choose("profile.a.b.region", &only(&[])).unwrap();
        assert_eq!(p.name.as_deref(), Some("a"), "the AWS CLI's reading");
        let p = KeyPath::choose("profile.x.y.z.region", &only(&["x.y.z"])).unwrap();
        assert_eq!(
            (p.name.as_deref(), p.key.as_str()),
            (Some("x.y.z"), "region")
        );
        let e = KeyPath::choose("profile.a.b.region", &only(&["a", "a.b"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`profile.a.b.region` names a key of profile `a` and a key of profile `a.b`, which both exist: say which with --profile, `b.region --profile a` or `region --profile a.b`"
        );
        let p = KeyPath::choose("profile.dev.region", &only(&["dev"])).unwrap();
        assert_eq!(p.name.as_deref(), Some("dev"));
    }

    #[test]
    fn lookup_sub_property() {
        let set = ProfileSet::from_texts(
            Some("[default]\ns3 =\n  max_concurrent_requests = 20\nregion = eu-west-1"),
            None,
            Filter::All,
        )
        .unwrap();
        let s = set.profile("default").unwrap();
        let p = KeyPath::parse("s3.max_concurrent_requests").unwrap();
        assert_eq!(p.lookup(s).as_deref(), Some("20"));
        assert_eq!(
            KeyPath::parse("region").unwrap().lookup(s).as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(KeyPath::parse("s3.nope").unwrap().lookup(s), None);
    }
}
