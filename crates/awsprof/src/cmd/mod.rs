//! One module per subcommand, plus what they share.

pub mod allow;
pub mod complete;
pub mod configure;
pub mod current;
pub mod doctor;
pub mod env;
pub mod export;
pub mod get;
pub mod import;
pub mod init;
pub mod list;
pub mod login;
pub mod man;
pub mod picker;
pub mod remove;
pub mod rename;
pub mod set;
pub mod show;
pub mod unset;
pub mod r#use;
pub mod whoami;
pub mod writing;

use anyhow::Result;
use awsprof_core::model::suggest;
use awsprof_core::{Error, Filter, Paths, ProfileSet, Section};
use std::io::{self, Write};

/// What every command that reads the files needs.
pub struct Ctx {
    pub paths: Paths,
    /// Who runs the steps that need the network.
    pub backend: &'static dyn crate::resolve::Backend,
}

impl Ctx {
    pub fn from_env(backend: &'static dyn crate::resolve::Backend) -> Ctx {
        Ctx {
            paths: Paths::from_env(),
            backend,
        }
    }

    /// Reads and parses both files, keeping what `filter` asks for.
    pub fn load(&self, filter: Filter<'_>) -> Result<ProfileSet> {
        Ok(awsprof_core::store::load(&self.paths, filter)?)
    }

    /// The profile to act on: the one named, else the active one.
    pub fn selected(&self, named: Option<&str>) -> String {
        match named {
            Some(n) => n.to_string(),
            None => awsprof_core::env::selected_profile(&|k| std::env::var(k).ok()),
        }
    }

    /// Loads just `name` and fails with a suggestion when it does not exist.
    pub fn profile(&self, name: &str) -> Result<Section> {
        let mut set = self.load(Filter::Profile(name))?;
        match set.profiles.swap_remove(name) {
            Some(p) => Ok(p),
            None => Err(self.unknown(name)?.into()),
        }
    }

    /// Both files' texts, read but not parsed.
    pub fn texts(&self) -> Result<awsprof_core::store::Texts> {
        Ok(awsprof_core::store::Texts::read(&self.paths)?)
    }

    /// The error for an unknown profile, with the closest existing name.
    pub fn unknown(&self, name: &str) -> Result<Error> {
        let texts = self.texts()?;
        let names = texts.profile_names(&self.paths)?;
        let suggestion = suggest(name, names).map(str::to_string);
        Ok(Error::UnknownProfile {
            name: name.to_string(),
            suggestion,
        })
    }
}

/// Writes `text` to stdout in one go.
pub fn emit(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Secrets that `show` masks unless `--reveal`.
pub const SECRET_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// Masks like `aws configure list`: sixteen stars and the last four characters.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("{}{tail}", "*".repeat(16))
}
