//! `keyring`: long-term access keys in the OS keyring instead of the credentials file, and
//! the `--keyring` paths of `import` and `configure`.
//!
//! The store is the backend's ([`crate::backend::Backend::keyring`]): `awsprof-net` links
//! the OS keyring, `awsprof` does not, so a command here asks for the store first and, in
//! `awsprof`, stops with [`NeedsKeyring`] before it has done anything; the entry point then
//! runs it again in `awsprof-net`. `keyring credentials` is the exception: it goes through
//! the resolve path, so a warm MFA session is served without starting `awsprof-net`.
//!
//! Every change is all-or-nothing across the keyring and the files: the keys are written
//! to the keyring and read back before the files change (under their write locks), and
//! when anything after that fails, the keyring gets back what it held.

use super::writing;
use crate::backend::NeedsKeyring;
use crate::cli::{KeyringAction, KeyringArgs, KeyringListArgs, KeyringMoveArgs};
use crate::cli::{KeyringCredentialsArgs, KeyringRemoveArgs};
use anyhow::{bail, Result};
use awsprof_core::accesskeys::AccessKey;
use awsprof_core::chain::{self, Position, Source};
use awsprof_core::edit::Target;
use awsprof_core::keyring::{self as kr, Store, StoredKeys};
use awsprof_core::store::Editor;
use awsprof_core::{FileKind, Filter, Section};
use std::process::ExitCode;

/// The keys of a profile that go with `credential_process`.
const KEY_LINES: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// What a keyring command found wrong, before anything changed.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// `keyring move` of a profile without static keys of its own.
    #[error("profile `{profile}` has no static keys to move: it gets its credentials {from}; nothing was changed")]
    NoKeys {
        /// The profile.
        profile: String,
        /// Where from, in words.
        from: String,
    },
    /// `keyring move` of temporary keys.
    #[error("profile `{0}` holds temporary keys (it has aws_session_token): they expire, so there is nothing to keep in the keyring; nothing was changed")]
    Temporary(String),
    /// The profile already reads the keyring.
    #[error("profile `{0}` keeps its keys in the keyring already (`awsprof keyring list`); nothing was changed")]
    Already(String),
    /// The keyring holds other keys under this name.
    #[error("{store} already holds other keys for `{account}` (access key {held}); pass --force to replace them, or `awsprof keyring remove {account}` first; nothing was changed")]
    Occupied {
        /// The store.
        store: &'static str,
        /// The account.
        account: String,
        /// The key id it holds.
        held: String,
    },
    /// What was read back is not what was written.
    #[error("{store} did not give back the keys just written for `{0}`; the keyring was restored and nothing was changed", store = .1)]
    ReadBack(String, &'static str),
    /// A credential_process of another program would be replaced.
    #[error("profile `{profile}` runs credential_process {command}; remove it first (`awsprof set credential_process --delete --profile {profile}`) to keep keys in the keyring; nothing was changed")]
    OtherProcess {
        /// The profile.
        profile: String,
        /// Its command, quoted.
        command: String,
    },
    /// Nothing to remove.
    #[error("{store} holds no keys for `{0}` and no profile reads them; nothing to remove", store = .1)]
    NothingToRemove(String, &'static str),
}

/// A keyring failure in a command that changes things: nothing was.
#[derive(Debug, thiserror::Error)]
#[error("{0}; nothing was changed")]
pub struct Unchanged(#[from] kr::StoreError);

/// The OS keyring, or [`NeedsKeyring`] on the side that does not link it.
pub fn store(ctx: &super::Ctx) -> Result<&'static dyn Store> {
    match ctx.backend.keyring() {
        Some(store) => Ok(store),
        None => Err(NeedsKeyring.into()),
    }
}

/// Runs `awsprof keyring ACTION`.
pub fn run(ctx: &super::Ctx, args: &KeyringArgs) -> Result<ExitCode> {
    match &args.action {
        KeyringAction::Move(a) => move_keys(ctx, a)?,
        KeyringAction::List(a) => list(ctx, a)?,
        KeyringAction::Remove(a) => remove(ctx, a)?,
        KeyringAction::Credentials(a) => credentials(ctx, a)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Entries written to the keyring in this command, with what each held before; dropped
/// without [`Written::keep`], it puts back what was there.
struct Written<'a> {
    store: &'a dyn Store,
    ui: &'a dyn awsprof_core::ui::Ui,
    undo: Vec<(String, Option<String>)>,
}

impl<'a> Written<'a> {
    fn new(ctx: &'a super::Ctx, store: &'a dyn Store) -> Written<'a> {
        Written {
            store,
            ui: ctx.ui,
            undo: Vec::new(),
        }
    }

    /// Writes `keys` for `account` and reads them back. Other keys already there are
    /// replaced only with `force`.
    fn put(&mut self, account: &str, keys: &StoredKeys, force: bool) -> Result<()> {
        let previous = self.store.get(account).map_err(Unchanged)?;
        if let Some(held) = previous.as_deref().map(StoredKeys::from_secret) {
            let same = held.as_ref().is_ok_and(|h| h == keys);
            if !same && !force {
                return Err(KeyringError::Occupied {
                    store: self.store.name(),
                    account: account.to_string(),
                    held: held.map_or_else(
                        |_| "unreadable".to_string(),
                        |h| super::mask(&h.access_key_id),
                    ),
                }
                .into());
            }
        }
        self.undo.push((account.to_string(), previous));
        self.store
            .set(account, &keys.to_secret())
            .map_err(Unchanged)?;
        if self.store.keys(account).map_err(Unchanged)?.as_ref() != Some(keys) {
            return Err(KeyringError::ReadBack(account.to_string(), self.store.name()).into());
        }
        Ok(())
    }

    /// Deletes the entry of `account`, remembering it.
    fn delete(&mut self, account: &str) -> Result<bool> {
        let previous = self.store.get(account).map_err(Unchanged)?;
        let had = previous.is_some();
        self.undo.push((account.to_string(), previous));
        self.store.delete(account).map_err(Unchanged)?;
        Ok(had)
    }

    /// The writes stand.
    fn keep(mut self) {
        self.undo.clear();
    }
}

impl Drop for Written<'_> {
    fn drop(&mut self) {
        for (account, previous) in self.undo.drain(..).rev() {
            let restored = match &previous {
                Some(secret) => self.store.set(&account, secret),
                None => self.store.delete(&account).map(|_| ()),
            };
            if let Err(e) = restored {
                self.ui.warn(&format!(
                    "could not restore the keyring entry `{}/{account}`: {e}",
                    kr::SERVICE
                ));
            }
        }
    }
}

/// The line for `profile`, or why it cannot have one.
fn line_for(profile: &str) -> Result<String> {
    Ok(kr::process_line(profile)?)
}

/// Refuses a profile whose credential_process is another program's.
fn check_no_other_process(section: Option<&Section>) -> Result<()> {
    let Some(s) = section else { return Ok(()) };
    match s.get("credential_process") {
        Some(command) if kr::account_of(command).is_none() => Err(KeyringError::OtherProcess {
            profile: s.name.clone(),
            command: awsprof_core::text::quoted(command),
        }
        .into()),
        _ => Ok(()),
    }
}

/// The edit that makes `name` read the keyring: its key lines gone from both files, the
/// credential_process line in the config file. Nothing else changes.
fn point_at_keyring(editor: &mut Editor, name: &str, line: &str) -> Result<()> {
    let target = Target::Profile(name);
    for kind in [FileKind::Config, FileKind::Credentials] {
        for key in KEY_LINES {
            editor
                .doc(kind)
                .delete(target, key, None)
                .map_err(|e| editor.error(kind, e))?;
        }
        if kind == FileKind::Credentials {
            // A credential_process in the credentials file would win over the config's.
            editor
                .doc(kind)
                .delete(target, "credential_process", None)
                .map_err(|e| editor.error(kind, e))?;
        }
    }
    let config = FileKind::Config;
    editor
        .doc(config)
        .set(target, "credential_process", None, line)
        .map_err(|e| editor.error(config, e))?;
    Ok(())
}

/// Forgets the cached MFA session of keys that were just replaced or deleted.
fn forget_session(ctx: &super::Ctx, name: &str) {
    let Ok(texts) = ctx.texts() else { return };
    let Ok(index) = texts.index(&ctx.paths) else {
        return;
    };
    let settings = awsprof_core::settings::Settings::new(&index, name, &|k| std::env::var(k).ok());
    let Some(profile) = index.profile(name) else {
        return;
    };
    if let Ok(chain) = chain::keyring_chain(&profile) {
        if let Some(s) = &chain.mfa_session {
            let cache = awsprof_core::cache::Cache::new(settings.cache_dir);
            cache.remove(&awsprof_core::cache::keyring_session_key(
                name,
                &s.serial,
                s.duration_seconds,
            ));
        }
    }
}

fn shown(ctx: &super::Ctx, kind: FileKind) -> String {
    crate::term::shown_path(ctx.paths.get(kind))
}

/// `keyring move P`.
fn move_keys(ctx: &super::Ctx, args: &KeyringMoveArgs) -> Result<()> {
    let store = store(ctx)?;
    let name = args.profile.as_str();
    let mut editor = Editor::open(&ctx.paths)?;
    let Some(section) = editor.profile(name)? else {
        return Err(ctx.unknown(name)?.into());
    };
    match chain::source(&section, Position::Selected) {
        // Half a pair: reading the keys below says which half is missing.
        Source::Keys | Source::PartialKeys => {}
        Source::Keyring => return Err(KeyringError::Already(name.to_string()).into()),
        Source::Nothing => {
            return Err(KeyringError::NoKeys {
                profile: name.to_string(),
                from: "from nowhere (it has settings only)".into(),
            }
            .into())
        }
        _ => {
            return Err(KeyringError::NoKeys {
                profile: name.to_string(),
                from: format!("as a `{}` profile", section.kind().as_str()),
            }
            .into())
        }
    }
    let creds = awsprof_core::creds::Credentials::from_profile(&section)?;
    if creds.session_token.is_some() {
        return Err(KeyringError::Temporary(name.to_string()).into());
    }
    let line = line_for(name)?;
    let from: Vec<FileKind> = ["aws_access_key_id", "aws_secret_access_key"]
        .iter()
        .filter_map(|k| section.property(k).map(|p| p.file))
        .fold(Vec::new(), |mut v, f| {
            if !v.contains(&f) {
                v.push(f);
            }
            v
        });
    let keys = StoredKeys::new(&creds.access_key_id, &creds.secret_access_key);
    let mut written = Written::new(ctx, store);
    written.put(name, &keys, args.force)?;
    point_at_keyring(&mut editor, name, &line)?;
    writing::commit(ctx, editor, &[name])?;
    written.keep();
    forget_session(ctx, name);
    let from: Vec<String> = from.iter().map(|k| shown(ctx, *k)).collect();
    ctx.ui.note(&format!(
        "moved access key {} of profile `{name}` from {} to {}; the AWS CLI and the SDKs read it through `credential_process = {line}` in {}",
        creds.access_key_id,
        from.join(" and "),
        store.name(),
        shown(ctx, FileKind::Config)
    ));
    Ok(())
}

/// One row of `keyring list`.
#[derive(serde::Serialize)]
struct Row {
    /// The profile that reads the entry (`None` for an entry no profile reads).
    profile: Option<String>,
    /// The keyring account.
    account: String,
    /// The key id, masked.
    access_key_id: Option<String>,
    /// `ok`, `missing` (the profile reads an entry that is not there), `unused` (no
    /// profile reads it) or `unreadable`.
    state: &'static str,
}

/// `keyring list`.
fn list(ctx: &super::Ctx, args: &KeyringListArgs) -> Result<()> {
    let store = store(ctx)?;
    let set = ctx.load(Filter::All)?;
    let mut rows: Vec<Row> = Vec::new();
    for name in set.names() {
        let profile = &set.profiles[name];
        if chain::source(profile, Position::Selected) != Source::Keyring {
            continue;
        }
        let account = profile
            .get("credential_process")
            .and_then(kr::account_of)
            .unwrap_or_else(|| name.to_string());
        let (access_key_id, state) = match store.keys(&account) {
            Ok(Some(k)) => (Some(super::mask(&k.access_key_id)), "ok"),
            Ok(None) => (None, "missing"),
            Err(kr::StoreError::BadEntry { .. }) => (None, "unreadable"),
            Err(e) => return Err(e.into()),
        };
        rows.push(Row {
            profile: Some(name.to_string()),
            account,
            access_key_id,
            state,
        });
    }
    let mut unused: Vec<String> = store
        .accounts()?
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !rows.iter().any(|r| &r.account == a))
        .collect();
    unused.sort();
    for account in unused {
        let (access_key_id, state) = match store.keys(&account) {
            Ok(Some(k)) => (Some(super::mask(&k.access_key_id)), "unused"),
            _ => (None, "unreadable"),
        };
        rows.push(Row {
            profile: None,
            account,
            access_key_id,
            state,
        });
    }
    if args.json {
        let mut text = serde_json::to_string_pretty(&rows)?;
        text.push('\n');
        super::emit(&text)?;
        return Ok(());
    }
    let label = |r: &Row| match &r.profile {
        Some(p) if *p == r.account => p.clone(),
        Some(p) => format!("{p} (entry {})", r.account),
        None => r.account.clone(),
    };
    let width = rows
        .iter()
        .map(|r| label(r).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for r in &rows {
        let key = r.access_key_id.as_deref().unwrap_or("-");
        let state = match r.state {
            "missing" => "missing: no entry in the keyring",
            "unused" => "unused: no profile reads it",
            s => s,
        };
        out.push_str(&format!("{:<width$}  {key:<20}  {state}\n", label(r)));
    }
    super::emit(&out)?;
    Ok(())
}

/// `keyring remove P`.
fn remove(ctx: &super::Ctx, args: &KeyringRemoveArgs) -> Result<()> {
    let store = store(ctx)?;
    let name = args.profile.as_str();
    let set = ctx.load(Filter::Profile(name))?;
    let reads = set.profile(name).is_some_and(|s| {
        s.get("credential_process")
            .and_then(kr::account_of)
            .is_some_and(|a| a == name)
    });
    let held = store.keys(name);
    let key = match &held {
        Ok(Some(k)) => Some(super::mask(&k.access_key_id)),
        Ok(None) => None,
        Err(kr::StoreError::BadEntry { .. }) => Some("an unreadable entry".to_string()),
        Err(e) => return Err(e.clone().into()),
    };
    if key.is_none() && !reads {
        return Err(KeyringError::NothingToRemove(name.to_string(), store.name()).into());
    }
    let what = match &key {
        Some(k) => format!("access key {k} of `{name}` from {}", store.name()),
        None => format!("the keyring line of profile `{name}`"),
    };
    let line = match reads {
        true => format!(
            " and its credential_process line from {}",
            shown(ctx, FileKind::Config)
        ),
        false => String::new(),
    };
    writing::confirm_removal(
        ctx,
        args.yes,
        &format!("refusing to delete the keys of `{name}` without confirmation: stdin is not a terminal; pass --yes"),
        &format!("Delete {what}{line}? The keys cannot be recovered from awsprof."),
    )?;
    let mut editor = Editor::open(&ctx.paths)?;
    if reads {
        for kind in [FileKind::Config, FileKind::Credentials] {
            editor
                .doc(kind)
                .delete(Target::Profile(name), "credential_process", None)
                .map_err(|e| editor.error(kind, e))?;
        }
    }
    let mut written = Written::new(ctx, store);
    let had = written.delete(name)?;
    writing::commit(ctx, editor, &[])?;
    written.keep();
    forget_session(ctx, name);
    let mut done = Vec::new();
    if had {
        done.push(format!(
            "deleted the keys of `{name}` from {}",
            store.name()
        ));
    }
    if reads {
        done.push(format!(
            "removed the credential_process line of profile `{name}` from {}; the profile has no credentials now",
            shown(ctx, FileKind::Config)
        ));
    }
    ctx.ui.note(&done.join("; "));
    Ok(())
}

/// `keyring credentials P`: the credential_process JSON of the keys (or of their MFA
/// session).
fn credentials(ctx: &super::Ctx, args: &KeyringCredentialsArgs) -> Result<()> {
    let plan = crate::resolve::keyring_plan(ctx, &args.profile)?;
    let creds = crate::resolve::credentials(ctx, &plan, &super::export::options(&args.creds))?;
    let plan = awsprof_core::env::export_plan(&creds, None);
    let text = awsprof_core::shell::Kind::Process.render(&plan)?;
    super::emit(&text)?;
    Ok(())
}

/// `import --keyring`: the CSV's keys into the keyring, each named profile pointed at
/// it. `editor` holds the files, locked; `names` were checked by `import`.
pub fn import(
    ctx: &super::Ctx,
    mut editor: Editor,
    keys: &[&AccessKey],
    names: &[String],
    force: bool,
) -> Result<()> {
    let store = store(ctx)?;
    let mut lines = Vec::with_capacity(names.len());
    for name in names {
        check_no_other_process(editor.profile(name)?.as_ref())?;
        lines.push(line_for(name)?);
    }
    let mut written = Written::new(ctx, store);
    for ((key, name), line) in keys.iter().zip(names).zip(&lines) {
        let stored = StoredKeys::new(&key.access_key_id, &key.secret_access_key);
        written.put(name, &stored, force)?;
        point_at_keyring(&mut editor, name, line)?;
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    writing::commit(ctx, editor, &refs)?;
    written.keep();
    for (key, name) in keys.iter().zip(names) {
        forget_session(ctx, name);
        ctx.ui.note(&format!(
            "imported access key {} into {} for profile `{name}`, which reads it through its credential_process line in {}",
            key.access_key_id,
            store.name(),
            shown(ctx, FileKind::Config)
        ));
    }
    Ok(())
}

/// The keys the keyring holds for `name`, for `configure`'s masked defaults; `None` when
/// the profile does not read the keyring.
pub fn current(ctx: &super::Ctx, section: Option<&Section>) -> Result<Option<StoredKeys>> {
    let store = store(ctx)?;
    let Some(s) = section else { return Ok(None) };
    match s.get("credential_process").and_then(kr::account_of) {
        Some(account) => Ok(store.keys(&account)?),
        None => Ok(None),
    }
}

/// Whether `configure` (or `import`) of `section` goes to the keyring: asked for, or the
/// profile reads it already (keys written to the file would be ignored beside its line).
/// Either way the store is asked for first, so in `awsprof` this stops before anything is
/// said or asked, and `awsprof-net` runs the command.
pub fn wanted(ctx: &super::Ctx, asked: bool, section: Option<&Section>) -> Result<bool> {
    let reads = section.is_some_and(|s| chain::source(s, Position::Selected) == Source::Keyring);
    if asked || reads {
        store(ctx)?;
    }
    if reads && !asked {
        ctx.ui.note(&format!(
            "profile `{}` keeps its keys in the keyring; they go there",
            section.map_or("", |s| s.name.as_str())
        ));
    }
    Ok(asked || reads)
}

/// `configure --keyring`: the answers given, with the keys into the keyring.
pub fn configure(
    ctx: &super::Ctx,
    name: &str,
    answers: &[(&'static str, String)],
    held: Option<StoredKeys>,
) -> Result<()> {
    let store = store(ctx)?;
    let mut editor = Editor::open(&ctx.paths)?;
    let now = editor.profile(name)?;
    check_no_other_process(now.as_ref())?;
    let answer = |k: &str| answers.iter().find(|(key, _)| *key == k).map(|(_, v)| v);
    let from_file = |k: &str| now.as_ref().and_then(|s| s.get(k)).map(str::to_string);
    let pick = |k: &str, held: Option<&String>| {
        answer(k)
            .cloned()
            .or_else(|| held.cloned())
            .or_else(|| from_file(k))
    };
    let id = pick("aws_access_key_id", held.as_ref().map(|h| &h.access_key_id));
    let secret = pick(
        "aws_secret_access_key",
        held.as_ref().map(|h| &h.secret_access_key),
    );
    let (Some(id), Some(secret)) = (id, secret) else {
        bail!("configure --keyring needs both an access key id and a secret access key for profile `{name}`; nothing written");
    };
    let line = line_for(name)?;
    let stored = StoredKeys::new(&id, &secret);
    let mut written = Written::new(ctx, store);
    // The person typed these keys for this profile: they replace what the entry held.
    written.put(name, &stored, true)?;
    point_at_keyring(&mut editor, name, &line)?;
    for (key, value) in answers {
        if KEY_LINES.contains(key) {
            continue;
        }
        let kind = writing::file_for(now.as_ref(), key);
        editor
            .doc(kind)
            .set(Target::Profile(name), key, None, value)
            .map_err(|e| editor.error(kind, e))?;
    }
    writing::commit(ctx, editor, &[name])?;
    written.keep();
    forget_session(ctx, name);
    ctx.ui.note(&format!(
        "access key {id} of profile `{name}` is in {}",
        store.name()
    ));
    Ok(())
}
