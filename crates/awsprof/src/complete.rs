//! Live completion values: read from the files at completion time, so a profile added a
//! second ago completes without restarting the shell.
//!
//! Profile names do not go through clap_complete one candidate each: for bash, zsh and
//! fish (nushell asks as fish does) the profile argument's completer gives one placeholder
//! candidate holding the typed prefix, and [`Fast`] writes, where clap_complete puts it in
//! the list, the names that start with that prefix, straight from the text of the files.
//! At 10,000 profiles making, tagging, sorting, formatting and freeing a candidate per name
//! cost more than reading the names (docs/benchmarks.md). The output is what
//! clap_complete's own adapters write, byte for byte; elvish and powershell use those
//! adapters and get real candidates.

use awsprof_core::model::ProfileNames;
use awsprof_core::store::Texts;
use awsprof_core::Paths;
use clap::builder::StyledStr;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Shells, Zsh};
use std::cell::Cell;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;

/// The shells completion answers: clap_complete's, with the fast path for the three whose
/// output format [`Fast`] knows.
pub const SHELLS: Shells<'static> = Shells(&[
    &Fast(Format::Bash, Sink::Stdout),
    &Elvish,
    &Fast(Format::Fish, Sink::Stdout),
    &Powershell,
    &Fast(Format::Zsh, Sink::Stdout),
]);

thread_local! {
    /// Set by [`Fast`] while it runs clap_complete's engine: the profile completer then
    /// gives the placeholder instead of a candidate per name.
    static NAMES_WRITTEN_LATER: Cell<bool> = const { Cell::new(false) };
}

/// The id of the placeholder candidate (ids are only used to drop repeats).
const PROFILES: &str = "awsprof:profile-names";

/// The group every profile candidate belongs to. Untagged candidates get a tag made by
/// formatting the argument once per candidate, which made completion at 10,000 profiles
/// cost twice what reading the names did (docs/benchmarks.md).
fn tag() -> Option<StyledStr> {
    Some(StyledStr::from("PROFILE"))
}

/// Profile names that start with what is typed, sorted; nothing when the files cannot be
/// read (completion must not print errors into the command line).
pub fn profile_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    if NAMES_WRITTEN_LATER.get() {
        // The id keeps what was typed: clap_complete may put text before the value
        // (`--profile=`), and the names are written after that text.
        return vec![CompletionCandidate::new(current)
            .id(Some(format!("{PROFILES}{prefix}")))
            .tag(tag())];
    }
    let tag = tag();
    with_names(&prefix, |names| {
        names
            .iter()
            .map(|&name| CompletionCandidate::new(name).tag(tag.clone()))
            .collect()
    })
    .unwrap_or_default()
}

/// Calls `f` with the profile names that start with `prefix`, or gives `None` when the
/// files cannot be read or parsed.
fn with_names<T>(prefix: &str, f: impl FnOnce(&[&str]) -> T) -> Option<T> {
    let paths = Paths::from_env();
    let texts = Texts::read(&paths).ok()?;
    let names = texts.profile_names_starting(&paths, prefix).ok()?;
    Some(f(&names))
}

/// Profile names, and `-` for `use -`.
pub fn profile_names_or_previous(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut out = profile_names(current);
    use awsprof_core::env::{previous, Previous};
    if !current.as_encoded_bytes().is_empty() && current != "-" {
        return out;
    }
    if let Some(prev) = previous(&|k| std::env::var(k).ok()) {
        let to = match prev {
            Previous::Profile(p) => p,
            Previous::NoProfile => "no profile".to_string(),
        };
        out.push(
            CompletionCandidate::new("-")
                .help(Some(format!("back to {to}").into()))
                .tag(tag()),
        );
    }
    out
}

/// The `[sso-session]` names of the config file, in file order; nothing when it cannot be
/// read.
pub fn sso_session_names() -> Vec<CompletionCandidate> {
    let paths = Paths::from_env();
    match awsprof_core::store::load(&paths, awsprof_core::Filter::All) {
        Ok(set) => set
            .sso_sessions
            .keys()
            .map(|name| CompletionCandidate::new(name.as_str()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// How a shell wants its candidates written: what clap_complete's adapter of that shell
/// writes.
#[derive(Clone, Copy)]
enum Format {
    Bash,
    Zsh,
    Fish,
}

/// Where [`Fast`] writes.
#[derive(Clone, Copy)]
enum Sink {
    /// Straight to stdout, leaving clap_complete's buffer empty: it is a `Vec` that grows
    /// as it is written and is written to stdout after, which at 100,000 names was a
    /// second copy of the answer, 540 pages to fault in.
    Stdout,
    /// Into the buffer clap_complete gives (what the unit tests read).
    #[cfg_attr(not(test), allow(dead_code))]
    Given,
}

/// clap_complete's adapter for a shell, writing profile names itself.
struct Fast(Format, Sink);

impl Fast {
    fn builtin(&self) -> &'static dyn EnvCompleter {
        match self.0 {
            Format::Bash => &Bash,
            Format::Zsh => &Zsh,
            Format::Fish => &Fish,
        }
    }

    /// Writes one candidate: `first` says whether one was written before it.
    fn write_one(
        &self,
        buf: &mut Vec<u8>,
        ifs: &str,
        first: &mut bool,
        value: &str,
        help: Option<&StyledStr>,
    ) {
        if !std::mem::take(first) && !matches!(self.0, Format::Fish) {
            buf.extend_from_slice(ifs.as_bytes());
        }
        let help = help.map(|h| h.to_string());
        let help = help
            .as_deref()
            .map(|h| h.lines().next().unwrap_or_default());
        match self.0 {
            Format::Bash => buf.extend_from_slice(value.as_bytes()),
            Format::Zsh => {
                zsh_escape(buf, value.as_bytes(), true);
                if let Some(help) = help {
                    buf.push(b':');
                    zsh_escape(buf, help.as_bytes(), false);
                }
            }
            Format::Fish => {
                buf.extend_from_slice(value.as_bytes());
                if let Some(help) = help {
                    buf.push(b'\t');
                    buf.extend_from_slice(help.as_bytes());
                }
                buf.push(b'\n');
            }
        }
    }
}

impl Fast {
    /// Writes `before` followed by each of `names` as [`Fast::write_one`] would write
    /// each (names carry no help), through [`ProfileNames::write_each`]'s buffer: at
    /// 10,000 names a candidate assembled and written one call each cost more than the
    /// names' sort.
    fn write_names(
        &self,
        out: &mut dyn Write,
        ifs: &str,
        first: &mut bool,
        before: &str,
        names: &ProfileNames<'_>,
    ) -> std::io::Result<()> {
        let (ifs, before_bytes) = (ifs.as_bytes(), before.as_bytes());
        match self.0 {
            Format::Bash => names.write_each(out, |buf, name| {
                if !std::mem::take(first) {
                    buf.extend_from_slice(ifs);
                }
                buf.extend_from_slice(before_bytes);
                buf.extend_from_slice(name);
            }),
            Format::Zsh => {
                let mut escaped = Vec::new();
                zsh_escape(&mut escaped, before_bytes, true);
                names.write_each(out, |buf, name| {
                    if !std::mem::take(first) {
                        buf.extend_from_slice(ifs);
                    }
                    buf.extend_from_slice(&escaped);
                    zsh_escape(buf, name, true);
                })
            }
            Format::Fish => names.write_each(out, |buf, name| {
                *first = false;
                buf.extend_from_slice(before_bytes);
                buf.extend_from_slice(name);
                buf.push(b'\n');
            }),
        }
    }
}

/// zsh's escaping of a value (`\` and `:`) or of a help text (`\` only), as clap_complete's
/// zsh adapter does it.
fn zsh_escape(buf: &mut Vec<u8>, s: &[u8], colon: bool) {
    // Most values hold neither: one search, one copy.
    let found = if colon {
        memchr::memchr2(b'\\', b':', s)
    } else {
        memchr::memchr(b'\\', s)
    };
    if found.is_none() {
        buf.extend_from_slice(s);
        return;
    }
    for &b in s {
        if b == b'\\' || (colon && b == b':') {
            buf.push(b'\\');
        }
        buf.push(b);
    }
}

impl EnvCompleter for Fast {
    fn name(&self) -> &'static str {
        self.builtin().name()
    }

    fn is(&self, name: &str) -> bool {
        self.builtin().is(name)
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> Result<(), std::io::Error> {
        self.builtin()
            .write_registration(var, name, bin, completer, buf)
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        mut args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> Result<(), std::io::Error> {
        // The arguments and defaults of clap_complete's adapters (env/shells.rs).
        let env_index = || {
            std::env::var("_CLAP_COMPLETE_INDEX")
                .ok()
                .and_then(|i| i.parse().ok())
                .unwrap_or_default()
        };
        let index = match self.0 {
            Format::Fish => args.len() - 1,
            Format::Bash | Format::Zsh => env_index(),
        };
        if matches!(self.0, Format::Zsh) && args.len() == index {
            args.push("".into());
        }
        let ifs = std::env::var("_CLAP_IFS").ok();
        let ifs = ifs.as_deref().unwrap_or("\n");
        NAMES_WRITTEN_LATER.set(true);
        let completions = clap_complete::engine::complete(cmd, args, index, current_dir);
        NAMES_WRITTEN_LATER.set(false);
        let completions = completions?;
        let mut stdout;
        let buf: &mut dyn Write = match self.1 {
            Sink::Stdout => {
                stdout = std::io::stdout().lock();
                &mut stdout
            }
            Sink::Given => buf,
        };
        let mut out = Vec::new();
        let mut first = true;
        for candidate in &completions {
            let value = candidate.get_value().to_string_lossy();
            let typed = candidate.get_id().and_then(|id| id.strip_prefix(PROFILES));
            if let Some(typed) = typed {
                let before = value.strip_suffix(typed).unwrap_or_default();
                let paths = Paths::from_env();
                if let Ok(texts) = Texts::read(&paths) {
                    if let Ok(names) = texts.names_to_write(&paths, typed) {
                        buf.write_all(&out)?;
                        out.clear();
                        self.write_names(buf, ifs, &mut first, before, &names)?;
                    }
                }
            } else {
                self.write_one(&mut out, ifs, &mut first, &value, candidate.get_help());
            }
        }
        buf.write_all(&out)?;
        buf.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, Command};
    use clap_complete::{ArgValueCandidates, ArgValueCompleter};

    /// A command line shaped like awsprof's where profile names are completed: a
    /// positional name, `--profile`/`-p`, `use -`, options with help, a subcommand, names
    /// after `--`. (The real one is driven through the real shells in tests/e2e.)
    fn command() -> Command {
        let profile = || Arg::new("profile").add(ArgValueCompleter::new(profile_names));
        Command::new("awsprof")
            .subcommand(
                Command::new("use")
                    .about("Switch this shell to a profile")
                    .arg(Arg::new("profile").add(ArgValueCompleter::new(profile_names_or_previous)))
                    .arg(Arg::new("shell").long("shell").help("The shell: bash, zsh")),
            )
            .subcommand(Command::new("show").arg(profile()))
            .subcommand(Command::new("export").arg(profile()))
            .subcommand(
                Command::new("get").arg(Arg::new("key")).arg(
                    Arg::new("profile")
                        .long("profile")
                        .short('p')
                        .help("The profile to read")
                        .add(ArgValueCompleter::new(profile_names)),
                ),
            )
            .subcommand(
                Command::new("env")
                    .arg(profile())
                    .arg(Arg::new("command").num_args(0..).last(true)),
            )
            .subcommand(
                Command::new("sso").subcommand(
                    Command::new("sync").arg(
                        Arg::new("sso-session")
                            .long("sso-session")
                            .add(ArgValueCandidates::new(sso_session_names)),
                    ),
                ),
            )
    }

    /// What `adapter` writes for `words` (the current word last), as the shells ask.
    fn answer(adapter: &dyn EnvCompleter, words: &[&str]) -> String {
        std::env::set_var("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string());
        let mut cmd = command();
        cmd.build();
        let mut buf = Vec::new();
        let args = words.iter().map(OsString::from).collect();
        adapter
            .write_complete(&mut cmd, args, None, &mut buf)
            .unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// The fast path's answers are clap_complete's own adapters' answers (which make a
    /// candidate per name), byte for byte, in every place a profile name is completed and
    /// for names that zsh escapes or that look like options.
    #[test]
    fn fast_path_writes_what_clap_completes_adapters_write() {
        let dir = tempfile::tempdir().unwrap();
        let (config, credentials) = (dir.path().join("config"), dir.path().join("credentials"));
        std::fs::write(
            &config,
            "[default]\n[profile dev]\nregion = x\n[profile team:dev]\n[profile -odd]\n\
             [profile back\\slash]\n[profile d\u{e9}j\u{e0}]\n[sso-session s]\n",
        )
        .unwrap();
        std::fs::write(&credentials, "[prod]\n[dev]\n[team:prod]\n").unwrap();
        std::env::set_var("AWS_CONFIG_FILE", &config);
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &credentials);
        std::env::set_var("_CLAP_IFS", "\n");
        let lines: &[&[&str]] = &[
            &["awsprof", "use", ""],
            &["awsprof", "use", "d"],
            &["awsprof", "use", "-"],
            &["awsprof", "use", "team:"],
            &["awsprof", "use", "nothing"],
            &["awsprof", "show", "--", "-"],
            &["awsprof", "export", "p"],
            &["awsprof", "get", "region", "--profile", ""],
            &["awsprof", "get", "region", "--profile=te"],
            &["awsprof", "get", "region", "-p"],
            &["awsprof", "get", "region", "-pd"],
            &["awsprof", "env", "dev", "--", "x"],
            &["awsprof", "sso", "sync", "--sso-session", ""],
            &["awsprof", ""],
        ];
        for previous in [None, Some("dev"), Some("")] {
            match previous {
                Some(p) => std::env::set_var("AWSPROF_PREVIOUS_PROFILE", p),
                None => std::env::remove_var("AWSPROF_PREVIOUS_PROFILE"),
            }
            for (fast, builtin) in [
                (Fast(Format::Bash, Sink::Given), &Bash as &dyn EnvCompleter),
                (Fast(Format::Zsh, Sink::Given), &Zsh),
                (Fast(Format::Fish, Sink::Given), &Fish),
            ] {
                for words in lines {
                    let want = answer(builtin, words);
                    assert_eq!(
                        answer(&fast, words),
                        want,
                        "{} {words:?}, previous {previous:?}",
                        fast.name()
                    );
                }
            }
        }
        // The comparison means something: names were completed (names the SDKs do not
        // read as profiles, `back\\slash` and `d\u{e9}j\u{e0}`, are not), a `:` escaped for zsh.
        let bash = answer(&Fast(Format::Bash, Sink::Given), &["awsprof", "use", "d"]);
        assert_eq!(bash.lines().collect::<Vec<_>>(), ["default", "dev"]);
        assert!(
            answer(&Fast(Format::Zsh, Sink::Given), &["awsprof", "use", "t"])
                .contains("team\\:dev")
        );
    }
}
