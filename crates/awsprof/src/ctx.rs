//! What every command works with: where the files are, who talks to the person at the
//! terminal, and who runs the steps that need the AWS SDK.

use crate::backend::Backend;
use anyhow::Result;
use awsprof_core::model::UnknownProfile;
use awsprof_core::ui::Ui;
use awsprof_core::{Error, Filter, Paths, ProfileSet, Section};

/// What every command that reads the files needs.
pub struct Ctx {
    pub paths: Paths,
    /// The terminal: every message, question and picker goes through it.
    pub ui: &'static dyn Ui,
    /// Who runs the steps that need the network.
    pub backend: &'static dyn Backend,
}

impl Ctx {
    pub fn from_env(ui: &'static dyn Ui, backend: &'static dyn Backend) -> Ctx {
        Ctx {
            paths: Paths::from_env(),
            ui,
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

    /// Loads just `name` (one pass that keeps nothing else: the path of `use`) and fails
    /// with a suggestion when it does not exist.
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

    /// The key `get` and `set` act on: `profile.a.b.region` read with the profile that
    /// exists (`a` or `a.b`), the names read only for such a key.
    pub fn key_path(&self, key: &str) -> Result<awsprof_core::keypath::KeyPath> {
        let names: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
        let exists = |name: &str| {
            names
                .get_or_init(|| {
                    // A file that cannot be read is said by the load that follows.
                    self.texts()
                        .and_then(|t| {
                            Ok(t.profile_names(&self.paths)?
                                .iter()
                                .map(|n| n.to_string())
                                .collect())
                        })
                        .unwrap_or_default()
                })
                .iter()
                .any(|n| n == name)
        };
        Ok(awsprof_core::keypath::KeyPath::choose(key, &exists)?)
    }

    /// The error for an unknown profile, with the closest existing name.
    pub fn unknown(&self, name: &str) -> Result<Error> {
        let texts = self.texts()?;
        let names = texts.profile_names(&self.paths)?;
        Ok(unknown(name, names))
    }
}

/// The error for the unknown profile `name`, suggesting the closest of `names`.
pub fn unknown<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> Error {
    UnknownProfile::new(name, names).into()
}
