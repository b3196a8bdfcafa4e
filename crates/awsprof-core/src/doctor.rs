//! Health checks of the shared files and the environment: what `awsprof doctor` reports.
//!
//! Each check yields [`Finding`]s. Nothing here changes a file. Paths in the messages are
//! written out in full; the binary shows the home directory as `~` when it prints them.

use crate::cache::{self, Cache};
use crate::chain::{self, Base, Chain};
use crate::model::{Filter, ProfileSet};
use crate::parse::{self, FileKind, SectionKey, Token, Tokenizer};
use crate::store::{self, Paths};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fine; said so the user sees what was checked.
    Ok,
    /// Works, but something will surprise someone.
    Warning,
    /// Broken: a tool will fail or use the wrong identity.
    Error,
}

/// One thing doctor found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// How serious.
    pub level: Level,
    /// Which check (`files`, `permissions`, `syntax`, `compat`, `chains`, `environment`).
    pub check: &'static str,
    /// What, where, and what to do.
    pub message: String,
    /// A command that fixes it, as its words (the program first); the executable renders
    /// it quoted for the shell after the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Vec<String>>,
}

impl Finding {
    fn new(level: Level, check: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            level,
            check,
            message: message.into(),
            fix: None,
        }
    }

    fn fixed_by(mut self, words: &[&str]) -> Finding {
        self.fix = Some(words.iter().map(|w| w.to_string()).collect());
        self
    }
}

/// Runs every check on the files at `paths` and the environment `env`.
pub fn diagnose(paths: &Paths, env: &dyn Fn(&str) -> Option<String>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut texts: HashMap<FileKind, String> = HashMap::new();
    // Whether each file is missing or parses: only then does "no profiles" mean none.
    let mut all_read = true;
    for kind in [FileKind::Config, FileKind::Credentials] {
        let path = paths.get(kind);
        let shown = path.display().to_string();
        match store::read_file(path) {
            Ok(None) => out.push(Finding::new(
                Level::Ok,
                "files",
                format!("{shown}: does not exist (no {} profiles)", kind.as_str()),
            )),
            Ok(Some(text)) => {
                let secrets = match kind {
                    FileKind::Config => sections_with_secrets(&text),
                    FileKind::Credentials => Vec::new(),
                };
                match Tokenizer::new(&text).find_map(Result::err) {
                    Some(e) => {
                        all_read = false;
                        out.push(Finding::new(
                            Level::Error,
                            "syntax",
                            format!(
                                "{shown}:{}: {}{}",
                                e.line,
                                e.kind.message(),
                                colon_hint(&text, e)
                            ),
                        ));
                    }
                    None => {
                        out.push(Finding::new(Level::Ok, "files", format!("{shown}: parses")));
                        compat(kind, &shown, &text, &mut out);
                        spec_deviations(kind, &shown, &text, &mut out);
                        texts.insert(kind, text);
                    }
                }
                permissions(kind, path, &secrets, &mut out);
            }
            Err(e) => {
                all_read = false;
                out.push(Finding::new(Level::Error, "files", e.to_string()))
            }
        }
    }
    let parsed = ProfileSet::from_texts(
        texts.get(&FileKind::Config).map(String::as_str),
        texts.get(&FileKind::Credentials).map(String::as_str),
        Filter::All,
    );
    let all_read = all_read && parsed.is_ok();
    let set = parsed.unwrap_or_default();
    if all_read && set.profiles.is_empty() {
        // A first run (no files, or files with no profile yet): what `list` says.
        out.push(Finding::new(
            Level::Ok,
            "files",
            crate::model::no_profiles(paths.config.display(), paths.credentials.display()),
        ));
    }
    for w in &set.warnings {
        let shown = paths.get(w.file).display().to_string();
        let at = if w.line > 0 {
            format!("{shown}:{}", w.line)
        } else {
            shown
        };
        out.push(Finding::new(
            Level::Warning,
            "syntax",
            format!("{at}: {}", w.message),
        ));
    }
    references(&set, &mut out);
    plain_text_keys(&set, paths, &mut out);
    programs_and_caches(&set, env, &mut out);
    environment(&set, env, &mut out);
    out
}

/// The sections of a config file that hold secret keys (`[profile dev]`), in file order.
fn sections_with_secrets(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in Tokenizer::new(text).flatten() {
        match line.token {
            Token::Header { inner } => current = format!("[{}]", inner.trim()),
            Token::Property { key, .. }
                if ["aws_secret_access_key", "aws_session_token"]
                    .iter()
                    .any(|k| key.eq_ignore_ascii_case(k))
                    && !out.contains(&current) =>
            {
                out.push(current.clone())
            }
            _ => {}
        }
    }
    out
}

/// Places where botocore (the AWS CLI, boto3) reads the file differently from the SDKs.
fn compat(kind: FileKind, shown: &str, text: &str, out: &mut Vec<Finding>) {
    let mut sections: HashMap<String, usize> = HashMap::new();
    let mut keys: HashSet<String> = HashSet::new();
    let mut current = String::new();
    let mut last_was_property = false;
    for line in Tokenizer::new(text).flatten() {
        match line.token {
            Token::Header { inner } => {
                last_was_property = false;
                keys.clear();
                current = inner.trim().to_string();
                if let Some(first) = sections.insert(current.clone(), line.number) {
                    out.push(Finding::new(
                        Level::Warning,
                        "compat",
                        format!(
                            "{shown}:{}: [{current}] repeats line {first}; the SDKs merge the two, but the AWS CLI and boto3 refuse the whole file",
                            line.number
                        ),
                    ));
                }
                if let SectionKey::Profile { .. } = parse::section_key(kind, inner) {
                    if inner != inner.trim_matches([' ', '\t']) {
                        out.push(Finding::new(
                            Level::Warning,
                            "compat",
                            format!("{shown}:{}: spaces inside the brackets of [{current}]: the AWS CLI and boto3 do not see this profile", line.number),
                        ));
                    }
                }
            }
            Token::Property { key, value } => {
                last_was_property = true;
                let lower = key.to_ascii_lowercase();
                if !keys.insert(lower) {
                    out.push(Finding::new(
                        Level::Warning,
                        "compat",
                        format!("{shown}:{}: `{key}` is set twice in [{current}]; the last one wins in the SDKs, but the AWS CLI and boto3 refuse the whole file", line.number),
                    ));
                }
                let written = line.content.split_once('=').map_or("", |(_, v)| v.trim());
                if written != value {
                    out.push(Finding::new(
                        Level::Warning,
                        "compat",
                        format!("{shown}:{}: the SDKs read `{key}` as {}, but the AWS CLI and boto3 read {} (they have no inline comments); put the comment on its own line", line.number, crate::text::quoted(value), crate::text::quoted(written)),
                    ));
                }
            }
            Token::Continuation { text } if last_was_property && text.starts_with(['#', ';']) => {
                out.push(Finding::new(
                    Level::Warning,
                    "compat",
                    format!("{shown}:{}: this indented comment continues the value above in the SDKs, but is a comment for the AWS CLI; start comments in the first column", line.number),
                ));
            }
            _ => {}
        }
    }
}

/// The AWS SDKs that refuse a file botocore reads (docs/divergences.md): the SDK for Rust
/// (checked by tests/differential.rs) and the SDKs that share its conformance suite.
const SPEC_SDKS: &str = "the AWS SDKs that follow the shared config-file spec (the SDK for Rust, Java 2.x, Kotlin, and the tools built on them) refuse the whole file";

/// Lines the spec refuses but botocore (and awsprof) read: which SDKs would refuse the
/// file, and how to fix it. One finding for each kind of line, at its first line.
fn spec_deviations(kind: FileKind, shown: &str, text: &str, out: &mut Vec<Finding>) {
    let mut seen: Vec<(parse::Deviation, usize, usize)> = Vec::new();
    for (line, deviation) in parse::deviations(text) {
        match seen.iter_mut().find(|(d, _, _)| *d == deviation) {
            Some((_, _, count)) => *count += 1,
            None => seen.push((deviation, line, 1)),
        }
    }
    for (deviation, line, count) in seen {
        let more = match count {
            1 => String::new(),
            n => format!(" (and {} more lines like it)", n - 1),
        };
        out.push(Finding::new(
            Level::Warning,
            "compat",
            format!(
                "{shown}:{line}: {}{more}: the AWS CLI and boto3 read it, and so does awsprof, but {SPEC_SDKS}; to fix: {}",
                deviation.what(),
                deviation.fix()
            ),
        ));
    }
    if kind == FileKind::Credentials {
        for line in Tokenizer::new(text).map_while(Result::ok) {
            if let Token::Header { inner } = line.token {
                let inner = inner.trim();
                if let Some((prefix @ ("sso-session" | "services"), _)) =
                    inner.split_once([' ', '\t'])
                {
                    out.push(Finding::new(
                        Level::Warning,
                        "compat",
                        format!(
                            "{shown}:{}: [{inner}] in the credentials file: awsprof and the SDK for Rust ignore it, the SDK for Kotlin refuses the whole file, and the AWS CLI reads it as a profile named '{inner}'; move the {prefix} section to the config file",
                            line.number
                        ),
                    ));
                }
            }
        }
    }
}

/// For `key: value`, which botocore reads and the SDKs refuse (their conformance suite
/// requires it), a hint to write `=`.
fn colon_hint(text: &str, e: parse::ParseError) -> &'static str {
    let eol = if parse::breaks_lines_at_cr(text) {
        '\r'
    } else {
        '\n'
    };
    match text.split(eol).nth(e.line - 1) {
        Some(line) if e.kind == parse::ParseErrorKind::PropertyNoEquals && line.contains(':') => {
            " (the AWS CLI reads ':' as '=', the AWS SDKs refuse the file: write key = value)"
        }
        _ => "",
    }
}

#[cfg(unix)]
fn permissions(kind: FileKind, path: &Path, secrets: &[String], out: &mut Vec<Finding>) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o777;
    let shown = path.display();
    let chmod = |f: Finding| f.fixed_by(&["chmod", "600", &path.to_string_lossy()]);
    if kind == FileKind::Credentials && mode & 0o077 != 0 {
        out.push(chmod(Finding::new(
            Level::Warning,
            "permissions",
            format!("{shown}: mode {mode:o} lets other users read your keys"),
        )));
    } else if kind == FileKind::Config && !secrets.is_empty() && mode & 0o044 != 0 {
        out.push(chmod(Finding::new(
            Level::Warning,
            "permissions",
            format!(
                "{shown}: mode {mode:o} lets other users read the secret keys in {} (the AWS CLI keeps them in the credentials file, mode 600)",
                secrets.join(", ")
            ),
        )));
    } else if mode & 0o022 != 0 {
        out.push(chmod(Finding::new(
            Level::Warning,
            "permissions",
            format!("{shown}: mode {mode:o} lets other users change it"),
        )));
    }
}

#[cfg(not(unix))]
fn permissions(_: FileKind, _: &Path, _: &[String], _: &mut Vec<Finding>) {}

/// What a well-formed chain still needs from outside the files: the web identity token
/// file and the `credential_process` program of each profile's own base, and its cached
/// credentials, when they have expired.
fn programs_and_caches(
    set: &ProfileSet,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<Finding>,
) {
    let home = store::home_dir(env, store::Platform::current());
    for name in set.profiles.keys() {
        let profile = &set.profiles[name];
        if profile.kind() == crate::ProfileKind::Other {
            continue;
        }
        // A role through another profile has no base of its own to check, and its last
        // step is its own hop: its chain is resolved only when that step has a cache
        // entry, so a chain of 10,000 hops is not walked once per profile on it.
        if let chain::Source::Role(chain::RoleVia::Profile(_)) =
            chain::source(profile, chain::Position::Selected)
        {
            let Ok(hop) = chain::role_hop(profile) else {
                continue;
            };
            let key = cache::role_key(
                &hop.role_arn,
                hop.external_id.as_deref(),
                hop.mfa_serial.as_deref(),
                hop.duration_seconds,
            );
            let settings = crate::settings::Settings::new(set, name, env);
            let cached =
                settings.home_known && Cache::new(settings.cache_dir).stored(&key).is_some();
            if !cached {
                continue;
            }
        }
        let Ok(chain) = chain::resolve(set, name) else {
            continue;
        };
        // A source profile's base is reported under that profile's own name.
        if chain.base.profile() == name {
            match &chain.base {
                Base::WebIdentity { token_file, .. } => {
                    let path = store::expand_tilde(token_file, home.as_deref());
                    if std::fs::metadata(&path).is_err() {
                        out.push(Finding::new(
                            Level::Error,
                            "chains",
                            format!(
                                "profile `{name}`: web_identity_token_file {path} does not exist"
                            ),
                        ));
                    }
                }
                Base::Process { command, .. } => {
                    if let Some(problem) = program_problem(command, env, home.as_deref()) {
                        out.push(Finding::new(
                            Level::Error,
                            "chains",
                            format!(
                                "profile `{name}`: credential_process {}: {problem}",
                                crate::text::quoted(command)
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
        expired_cache(set, name, &chain, env, out);
    }
}

/// The cached credentials of the last step of `chain`, when they have expired.
fn expired_cache(
    set: &ProfileSet,
    name: &str,
    chain: &Chain,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<Finding>,
) {
    let settings = crate::settings::Settings::new(set, name, env);
    let Some(key) = chain.steps().last().and_then(|s| cache::key(s, chain)) else {
        return;
    };
    if !settings.home_known {
        return;
    }
    let Some(stored) = Cache::new(settings.cache_dir).stored(&key) else {
        return;
    };
    if stored.expiration > crate::clock::now() {
        return;
    }
    let mfa = chain.mfa_session.is_some() || chain.roles.iter().any(|r| r.mfa_serial.is_some());
    let (level, then) = if mfa {
        (Level::Warning, "getting new ones asks for an MFA code")
    } else {
        (Level::Ok, "the next export or AWS CLI call gets new ones")
    };
    out.push(Finding::new(
        level,
        "expiry",
        format!(
            "profile `{name}`: its cached credentials ({}) expired at {}; {then}",
            stored.path.display(),
            crate::clock::format(stored.expiration)
        ),
    ));
}

/// Commands of POSIX sh that no PATH lookup finds.
const SH_BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit",
    "export", "false", "getopts", "hash", "kill", "printf", "pwd", "read", "readonly", "return",
    "set", "shift", "test", "times", "trap", "true", "type", "ulimit", "umask", "unset", "wait",
];

/// Why the program that `sh -c command` would start cannot be started, found the way the
/// shell finds it: `~/` expanded, a name with a `/` taken as a path, a bare name looked up
/// on `PATH`, assignments before it (`A=b prog`) skipped. A command line with quotes,
/// variables, globs, redirections or several commands is left to the shell: `None`, as for
/// a program that is there.
fn program_problem(
    command: &str,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&str>,
) -> Option<String> {
    if command.contains(|c: char| "|&;<>()$`\\\"'*?[]{}#\n".contains(c)) {
        return None;
    }
    let is_assignment = |w: &str| {
        w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty()
                && !k.starts_with(|c: char| c.is_ascii_digit())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let word = command.split_whitespace().find(|w| !is_assignment(w))?;
    let program = store::expand_tilde(word, home);
    if program.contains('/') {
        return match std::fs::metadata(&program) {
            Err(_) => Some(format!("the program {program} does not exist")),
            Ok(meta) if !meta.is_file() || !executable(&meta) => {
                Some(format!("{program} is not an executable file"))
            }
            Ok(_) => None,
        };
    }
    if SH_BUILTINS.contains(&program.as_str()) {
        return None;
    }
    let path = env("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| {
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        std::fs::metadata(dir.join(&program)).is_ok_and(|m| m.is_file() && executable(&m))
    });
    (!found).then(|| format!("the program `{program}` is not on PATH"))
}

#[cfg(unix)]
fn executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &std::fs::Metadata) -> bool {
    true
}

/// Every profile with credentials resolves to a chain, by the same resolver that `export`
/// and `whoami` use: loops, missing source profiles or sso-sessions, half-set keys. A
/// profile that the SDKs themselves read differently is named with both readings.
///
/// The chains are checked together ([`crate::chain::check_all`]): a chain of 10,000 hops
/// is walked once, not once for each of its profiles.
fn references(set: &ProfileSet, out: &mut Vec<Finding>) {
    let with_credentials = set
        .profiles
        .iter()
        .filter(|(_, p)| p.kind() != crate::ProfileKind::Other)
        .map(|(n, _)| n.as_str());
    let mut verdicts: HashMap<&str, crate::chain::Verdict> =
        crate::chain::check_all(set, with_credentials)
            .into_iter()
            .collect();
    for (name, profile) in &set.profiles {
        if let Some(d) = crate::chain::divergence(profile) {
            out.push(Finding::new(
                Level::Warning,
                "compat",
                divergence_message(name, &d),
            ));
        }
        let Some(verdict) = verdicts.remove(name.as_str()) else {
            continue;
        };
        // Every finding about a profile starts with its name.
        let named = |e: &crate::chain::ChainError| {
            let text = e.to_string();
            if text.starts_with(&format!("profile `{name}`")) {
                text
            } else {
                format!("profile `{name}`: {text}")
            }
        };
        match verdict {
            Err(e) => out.push(Finding::new(Level::Error, "chains", named(&e))),
            Ok(Some(e)) => out.push(Finding::new(Level::Warning, "chains", named(&e))),
            Ok(None) => {}
        }
    }
}

/// Long-term access keys written in a file, where anything that reads the file has them;
/// `awsprof keyring move` puts them in the OS keyring instead. Temporary keys (with a
/// session token) expire and are left alone.
fn plain_text_keys(set: &ProfileSet, paths: &Paths, out: &mut Vec<Finding>) {
    for (name, profile) in &set.profiles {
        let (Some(id), Some(secret)) = (
            profile.property("aws_access_key_id"),
            profile.property("aws_secret_access_key"),
        ) else {
            continue;
        };
        if profile.get("aws_session_token").is_some() || secret.value.is_empty() {
            continue;
        }
        let at = format!(
            "profile `{name}`: the secret of long-term access key {} is kept in plain text at {}:{}",
            id.value,
            paths.get(secret.file).display(),
            secret.line
        );
        use crate::chain::{source, Position, Source};
        let movable = matches!(source(profile, Position::Selected), Source::Keys)
            && crate::keyring::process_line(name).is_ok();
        out.push(if movable {
            Finding::new(
                Level::Warning,
                "secrets",
                format!("{at}; move it to the OS keyring"),
            )
            .fixed_by(&["awsprof", "keyring", "move", name])
        } else {
            // The profile's own credentials come from elsewhere (a role, the keyring):
            // these keys serve only as another profile's source, or not at all.
            Finding::new(
                Level::Warning,
                "secrets",
                format!("{at}, though the profile's own credentials do not come from it; delete the keys if nothing uses them"),
            )
        });
    }
}

fn divergence_message(name: &str, d: &crate::chain::Divergence) -> String {
    use crate::chain::Divergence as D;
    match d {
        D::KeysBesideCredentialSource { source } => format!(
            "profile `{name}` has static keys and credential_source = {source} without role_arn: awsprof and the AWS CLI use the keys; the AWS SDK for Rust (and tools built on it) takes credentials from {source} instead. Remove credential_source, or add the role_arn it was meant for"
        ),
        D::CredentialSourceWithoutRole { source } => format!(
            "profile `{name}` has credential_source = {source} but no role_arn: awsprof and the AWS CLI ignore it and find no credentials; the AWS SDK for Rust takes them from {source}. Add the role_arn it was meant for, or remove it"
        ),
        D::KeysBesideStraySso { keys } => format!(
            "profile `{name}` has static keys and {} without sso_account_id and sso_role_name: awsprof and the AWS CLI use the keys; the AWS SDK for Rust reads an IAM Identity Center profile, which yields no credentials. Remove the sso_* keys, or the keys",
            keys.join(", ")
        ),
        D::ProcessBesideCredentialsFileKeys => format!(
            "profile `{name}` has credential_process and static keys in the credentials file: awsprof and the AWS SDKs run credential_process; the AWS CLI and boto3 use the keys. Remove one of them"
        ),
        D::LoginBesideCredentialsFileKeys => format!(
            "profile `{name}` has login_session and static keys in the credentials file: awsprof and the AWS SDK for Rust use the sign-in session; the AWS CLI and boto3 use the keys. Remove one of them"
        ),
    }
}

/// Whether keys in the environment are a profile's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ownership {
    /// The profile's static key id, or the key id cached for its chain's last step.
    TheProfiles,
    /// Neither.
    NotTheProfiles,
    /// The profile's credentials come from a program, which doctor does not run.
    Unknown,
}

/// Whether `key_id` belongs to `profile`, as `use --credentials` would have exported it:
/// its own static key, or the credentials cached for the last step of its chain (expired
/// or not: the shell may hold the ones from before a refresh only if the cache still does).
fn keys_of(
    set: &ProfileSet,
    profile: &str,
    key_id: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Ownership {
    let Ok(chain) = chain::resolve(set, profile) else {
        return Ownership::NotTheProfiles;
    };
    if let (Base::StaticKeys { credentials, .. }, [], None) =
        (&chain.base, chain.roles.as_slice(), &chain.mfa_session)
    {
        return if credentials.access_key_id == key_id {
            Ownership::TheProfiles
        } else {
            Ownership::NotTheProfiles
        };
    }
    let settings = crate::settings::Settings::new(set, profile, env);
    let cached = chain
        .steps()
        .last()
        .and_then(|s| cache::key(s, &chain))
        .and_then(|k| Cache::new(settings.cache_dir).stored(&k));
    match cached {
        Some(c) if c.access_key_id == key_id => Ownership::TheProfiles,
        None if matches!(chain.base, Base::Process { .. }) && chain.roles.is_empty() => {
            Ownership::Unknown
        }
        _ => Ownership::NotTheProfiles,
    }
}

/// What the current shell's variables mean for which identity tools will use.
fn environment(set: &ProfileSet, env: &dyn Fn(&str) -> Option<String>, out: &mut Vec<Finding>) {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    let profile = get("AWS_PROFILE");
    if let Some(p) = &profile {
        if !set.profiles.contains_key(p) {
            out.push(Finding::new(
                Level::Error,
                "environment",
                format!("AWS_PROFILE={p} names a profile that does not exist"),
            ));
        }
    }
    let key_id = get("AWS_ACCESS_KEY_ID");
    let own = match (&key_id, &profile) {
        (Some(id), Some(p)) => keys_of(set, p, id, env),
        _ => Ownership::NotTheProfiles,
    };
    match (&key_id, &profile, own) {
        (Some(_), Some(p), Ownership::TheProfiles) => out.push(Finding::new(
            Level::Ok,
            "environment",
            format!("AWS_ACCESS_KEY_ID holds profile `{p}`'s own credentials (as `awsprof use --credentials {p}` sets them)"),
        )),
        (Some(_), Some(p), own) => out.push(Finding::new(
            Level::Warning,
            "environment",
            format!(
                "AWS_ACCESS_KEY_ID is set and is not profile `{p}`'s: the SDKs and the AWS CLI use those keys and ignore AWS_PROFILE; run `awsprof use PROFILE` or `awsprof unset`{}",
                if own == Ownership::Unknown {
                    format!(" (if `awsprof use --credentials {p}` set them from its credential_process, ignore this: doctor runs no program to compare)")
                } else {
                    String::new()
                }
            ),
        )),
        _ => {}
    }
    if let (Some(_), Some(t)) = (&key_id, get("AWS_CREDENTIAL_EXPIRATION")) {
        if crate::clock::parse(&t).is_some_and(|t| t <= crate::clock::now()) {
            let again = match (&profile, own) {
                (Some(p), Ownership::TheProfiles | Ownership::Unknown) => {
                    format!("run `awsprof use --credentials {p}` again")
                }
                _ => "run `awsprof use PROFILE` or `awsprof unset`".to_string(),
            };
            out.push(Finding::new(
                Level::Warning,
                "expiry",
                format!("the credentials in this shell's AWS_ACCESS_KEY_ID expired at {t} (AWS_CREDENTIAL_EXPIRATION); {again}"),
            ));
        }
    }
    if let (Some(d), Some(p)) = (get("AWS_DEFAULT_PROFILE"), &profile) {
        if &d != p {
            out.push(Finding::new(
                Level::Warning,
                "environment",
                format!("AWS_DEFAULT_PROFILE={d} and AWS_PROFILE={p} disagree: the AWS CLI uses AWS_DEFAULT_PROFILE's profile, the SDKs AWS_PROFILE's"),
            ));
        }
    }
    if let (Some(r), Some(d)) = (get("AWS_REGION"), get("AWS_DEFAULT_REGION")) {
        if r != d {
            out.push(Finding::new(
                Level::Warning,
                "environment",
                format!("AWS_REGION={r} and AWS_DEFAULT_REGION={d} disagree: the SDKs use AWS_REGION, the AWS CLI AWS_DEFAULT_REGION"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compat_of(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        compat(FileKind::Config, "cfg", text, &mut out);
        out.into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn flags_what_botocore_reads_differently() {
        let m = compat_of(
            "[default]\nregion = us-east-1 # x\n  # indented\n[default]\nregion = a\nregion = b\n",
        );
        assert!(
            m[0].contains("cfg:2:") && m[0].contains("`us-east-1 # x`"),
            "{m:?}"
        );
        assert!(
            m[1].contains("cfg:3:") && m[1].contains("indented comment"),
            "{m:?}"
        );
        assert!(
            m[2].contains("cfg:4:") && m[2].contains("repeats line 1"),
            "{m:?}"
        );
        assert!(
            m[3].contains("cfg:6:") && m[3].contains("set twice"),
            "{m:?}"
        );
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn clean_file_has_no_compat_findings() {
        assert!(compat_of("# c\n[default]\nregion = us-east-1\nurl = a#b\n").is_empty());
    }

    #[test]
    fn says_which_sdks_refuse_what_botocore_reads() {
        let mut out = Vec::new();
        let text = "[default]\n  region = x\n  output = json\n[profile b] trailing\n";
        spec_deviations(FileKind::Config, "cfg", text, &mut out);
        let m: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].starts_with("cfg:2: indented property (and 1 more lines like it): the AWS CLI"),
            "{m:?}"
        );
        assert!(
            m[0].contains("SDK for Rust") && m[0].contains("remove the indentation"),
            "{m:?}"
        );
        assert!(m[1].starts_with("cfg:4: text after the ']'"), "{m:?}");
        let mut out = Vec::new();
        spec_deviations(
            FileKind::Credentials,
            "cred",
            "[sso-session s]\nk = v\n",
            &mut out,
        );
        assert!(
            out[0].message.contains("Kotlin refuses")
                && out[0].message.contains("move the sso-session section"),
            "{out:?}"
        );
        let mut out = Vec::new();
        spec_deviations(FileKind::Config, "cfg", "[default]\nregion = x\n", &mut out);
        assert!(out.is_empty(), "{out:?}");
        let e = parse::tokenize("[a]\nregion: x").unwrap_err();
        assert!(colon_hint("[a]\nregion: x", e).contains("write key = value"));
    }

    #[test]
    fn chains_of_ten_thousand_hops_are_walked_once() {
        let mut text =
            String::from("[profile p0]\naws_access_key_id = a\naws_secret_access_key = b\n");
        for i in 1..=10_000 {
            text.push_str(&format!(
                "[profile p{i}]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p{}\n",
                i - 1
            ));
        }
        // A second chain of 10,000 that ends nowhere: every profile on it is broken.
        for i in 0..10_000 {
            text.push_str(&format!(
                "[profile x{i}]\nrole_arn = r\nsource_profile = x{}\n",
                i + 1
            ));
        }
        text.push_str("[profile l0]\nrole_arn = r\nsource_profile = l1\n[profile l1]\nrole_arn = r\nsource_profile = l0\n");
        let set = ProfileSet::from_texts(Some(&text), None, Filter::All).unwrap();
        let chain = crate::chain::resolve(&set, "p10000").unwrap();
        assert_eq!(chain.roles.len(), 10_000);
        let mut out = Vec::new();
        references(&set, &mut out);
        let m: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert!(!m.iter().any(|f| f.contains("`p")), "{:?}", &m[..3]);
        let missing: Vec<&&str> = m.iter().filter(|f| f.contains("x10000")).collect();
        assert_eq!(
            missing.len(),
            10_000,
            "each profile of the broken chain, by name"
        );
        assert!(
            missing[0].starts_with("profile `x0`: ")
                && missing[9_999].starts_with("profile `x9999`: ")
        );
        assert!(m
            .iter()
            .any(|f| f.starts_with("profile `l0`: ") && f.contains("l0 -> l1 -> l0")));
        assert!(m
            .iter()
            .any(|f| f.starts_with("profile `l1`: ") && f.contains("l1 -> l0 -> l1")));
        // The same verdicts as resolving each profile on its own.
        let names: Vec<&str> = set.profiles.keys().map(String::as_str).collect();
        for (name, verdict) in crate::chain::check_all(&set, names.iter().copied().step_by(997)) {
            let alone = crate::chain::resolve(&set, name).map(|c| c.credentials_problem());
            assert_eq!(verdict, alone, "{name}");
        }
    }

    #[test]
    fn loops_and_missing_references() {
        let set = ProfileSet::from_texts(
            Some("[profile a]\nsource_profile = b\nrole_arn = x\n[profile b]\nsource_profile = a\nrole_arn = y\n[profile c]\nsource_profile = nope\nrole_arn = z\n[profile s]\nsource_profile = s\naws_access_key_id = k\naws_secret_access_key = v\n[profile h]\naws_access_key_id = k\n"),
            None,
            Filter::All,
        )
        .unwrap();
        let mut out = Vec::new();
        references(&set, &mut out);
        let m: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert!(
            m.iter()
                .any(|s| s.contains("`a`") && s.contains("a -> b -> a")),
            "{m:?}"
        );
        assert!(
            m.iter()
                .any(|s| s.contains("could not find source profile nope")),
            "{m:?}"
        );
        assert!(
            !m.iter().any(|s| s.contains("`s`")),
            "self reference is fine: {m:?}"
        );
        assert!(
            m.contains(&"profile `h`: profile missing aws_secret_access_key"),
            "half a key pair is an error: {m:?}"
        );
    }
}
