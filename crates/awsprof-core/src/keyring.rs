//! Long-term access keys kept in the OS keyring instead of the credentials file: what an
//! entry holds, how a profile names it, and the interface to the store. No platform code
//! lives here: the `awsprof-net` executable implements [`Store`] with the OS keyring
//! (the macOS Keychain, Windows Credential Manager, the Secret Service on Linux).
//!
//! One entry per profile: service [`SERVICE`], account the profile's name, and as its
//! secret both halves of the key pair as one small JSON object ([`StoredKeys`]), so the
//! pair is written and read in one call and can never be half there.
//!
//! A profile whose keys are in the keyring keeps working for every other tool through its
//! `credential_process` line ([`process_line`]): the AWS CLI, boto3, Terraform and the
//! SDKs run `awsprof keyring credentials NAME`, which prints the keys (or, with
//! `mfa_serial`, an MFA session made from them). awsprof itself recognises the line
//! ([`account_of`]) and reads the keyring without running it.

/// The service name of every entry awsprof writes.
pub const SERVICE: &str = "awsprof";

/// The program, subcommand and action of the `credential_process` line.
const PROGRAM: &str = "awsprof";
const ACTION: [&str; 2] = ["keyring", "credentials"];

/// Why the keyring could not be used. The messages say what to do; `store` names it
/// ("the Secret Service", "the macOS Keychain").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// There is no keyring service to talk to (no D-Bus session, no Secret Service).
    #[error("no OS keyring is available: {store} could not be reached ({detail}). On Linux the keyring is the Secret Service (gnome-keyring or KeePassXC) on the D-Bus session bus; a headless machine or an ssh session may have neither")]
    Unavailable {
        /// The store.
        store: &'static str,
        /// What the platform said.
        detail: String,
    },
    /// The keyring is locked and was not unlocked (the prompt was dismissed or could not
    /// be shown).
    #[error("{store} is locked and was not unlocked ({detail}); unlock it (log in to the desktop, or `gnome-keyring-daemon --unlock`) and try again")]
    Locked {
        /// The store.
        store: &'static str,
        /// What the platform said.
        detail: String,
    },
    /// Another failure of the platform.
    #[error("{store} failed: {detail}")]
    Failed {
        /// The store.
        store: &'static str,
        /// What the platform said.
        detail: String,
    },
    /// A profile reads its keys from the keyring, and there are none.
    #[error("profile `{profile}` reads its keys from {store} (entry `{SERVICE}/{account}`), and there are none there: put them there with `awsprof keyring move {account}` or `awsprof import --csv FILE --profile {account} --keyring`")]
    Missing {
        /// The store.
        store: &'static str,
        /// The profile.
        profile: String,
        /// The account its line names.
        account: String,
    },
    /// An entry exists but does not hold what awsprof writes.
    #[error("the {store} entry `{SERVICE}/{account}` does not hold awsprof's keys ({problem}); replace it with `awsprof keyring move` or `awsprof import --keyring`")]
    BadEntry {
        /// The store.
        store: &'static str,
        /// The account of the entry.
        account: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// A keyring: entries of service [`SERVICE`] by account (the profile name).
pub trait Store: Sync {
    /// Its name in messages: "the Secret Service", "the macOS Keychain".
    fn name(&self) -> &'static str;

    /// The secret of `account`, `None` when there is no entry.
    fn get(&self, account: &str) -> Result<Option<String>, StoreError>;

    /// Stores `secret` for `account`, replacing what was there.
    fn set(&self, account: &str, secret: &str) -> Result<(), StoreError>;

    /// Deletes the entry of `account`; whether there was one.
    fn delete(&self, account: &str) -> Result<bool, StoreError>;

    /// Every account stored under [`SERVICE`], when the platform can list them (the
    /// Secret Service can; the Keychain and Credential Manager are asked by name only).
    fn accounts(&self) -> Result<Option<Vec<String>>, StoreError>;

    /// The keys stored for `account`, checked.
    fn keys(&self, account: &str) -> Result<Option<StoredKeys>, StoreError> {
        match self.get(account)? {
            None => Ok(None),
            Some(secret) => StoredKeys::from_secret(&secret)
                .map(Some)
                .map_err(|problem| StoreError::BadEntry {
                    store: self.name(),
                    account: account.to_string(),
                    problem,
                }),
        }
    }
}

/// The long-term keys of `profile`, from the entry of `account`: the base step of a
/// keyring profile's chain.
pub fn credentials(
    store: &dyn Store,
    profile: &str,
    account: &str,
) -> Result<crate::creds::Credentials, StoreError> {
    match store.keys(account)? {
        Some(keys) => Ok(keys.credentials()),
        None => Err(StoreError::Missing {
            store: store.name(),
            profile: profile.to_string(),
            account: account.to_string(),
        }),
    }
}

/// A long-term key pair, as one keyring entry holds it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StoredKeys {
    /// The format of the entry; [`StoredKeys::VERSION`].
    pub version: u32,
    /// `aws_access_key_id`.
    pub access_key_id: String,
    /// `aws_secret_access_key`.
    pub secret_access_key: String,
}

impl std::fmt::Debug for StoredKeys {
    // Never print a secret by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKeys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .finish()
    }
}

impl StoredKeys {
    /// The entry format written now.
    pub const VERSION: u32 = 1;

    /// A key pair to store.
    pub fn new(access_key_id: &str, secret_access_key: &str) -> StoredKeys {
        StoredKeys {
            version: Self::VERSION,
            access_key_id: access_key_id.to_string(),
            secret_access_key: secret_access_key.to_string(),
        }
    }

    /// The entry's secret: compact JSON.
    pub fn to_secret(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads an entry's secret; the error says what is wrong (never what it holds).
    pub fn from_secret(secret: &str) -> Result<StoredKeys, String> {
        let keys: StoredKeys = serde_json::from_str(secret)
            .map_err(|e| format!("not the JSON awsprof writes: {}", e.classify_name()))?;
        if keys.version != Self::VERSION {
            return Err(format!(
                "format version {}, and this awsprof reads {}",
                keys.version,
                Self::VERSION
            ));
        }
        if keys.access_key_id.is_empty() || keys.secret_access_key.is_empty() {
            return Err("an empty key".into());
        }
        Ok(keys)
    }

    /// As credentials: long-term, no token, no expiry.
    pub fn credentials(&self) -> crate::creds::Credentials {
        crate::creds::Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: None,
            expiration: None,
            account_id: None,
        }
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    // serde_json's message may quote the input, which is a secret: say only what kind of
    // problem it is.
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "other fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}

/// A profile name that the `credential_process` line cannot carry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("profile name {} cannot be written into a credential_process line that every tool reads the same way; rename the profile (`awsprof rename`) to letters, digits and _ - / . % @ : +", crate::text::quoted(.0))]
pub struct UnwritableName(pub String);

/// The `credential_process` value that reads the keys of `profile` from the keyring:
/// `awsprof keyring credentials NAME`, the name quoted for a POSIX shell (the AWS CLI
/// splits the line with `shlex`, the SDKs run it with `sh -c`) when it is not plain.
/// `awsprof` is found on PATH, as `aws-vault` and `granted` lines find theirs: an absolute
/// path would break when the program moves (a package upgrade, another machine sharing
/// the file).
pub fn process_line(profile: &str) -> Result<String, UnwritableName> {
    let quoted = shell_word(profile).ok_or_else(|| UnwritableName(profile.to_string()))?;
    let line = format!("{PROGRAM} {} {} {quoted}", ACTION[0], ACTION[1]);
    // The config file strips an inline comment (` #`, ` ;`) from a value: the line must
    // read back whole.
    let back = crate::parse::Tokenizer::new(&format!("[default]\ncredential_process = {line}\n"))
        .flatten()
        .find_map(|l| match l.token {
            crate::parse::Token::Property { value, .. } => Some(value.to_string()),
            _ => None,
        });
    if back.as_deref() != Some(line.as_str()) || account_of(&line).as_deref() != Some(profile) {
        return Err(UnwritableName(profile.to_string()));
    }
    Ok(line)
}

/// `name` as one word for a POSIX shell (and `shlex`): as it is when plain, else in single
/// quotes; `None` for what no quoting carries to every tool (control characters, an empty
/// name, anything needing quotes on Windows, where cmd.exe has no quoting that every tool
/// undoes the same way).
pub fn shell_word(name: &str) -> Option<String> {
    if crate::parse::is_identifier(name) {
        Some(name.to_string())
    } else if cfg!(windows) || name.chars().any(char::is_control) || name.is_empty() {
        None
    } else {
        Some(format!("'{}'", name.replace('\'', r"'\''")))
    }
}

/// The keyring account a `credential_process` value reads, when it is awsprof's own line
/// (`awsprof keyring credentials NAME`, the program by name or by a path to it); `None`
/// for any other command.
pub fn account_of(command: &str) -> Option<String> {
    let words = shell_words(command)?;
    let [program, a, b, name] = words.as_slice() else {
        return None;
    };
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    (base == PROGRAM && a == ACTION[0] && b == ACTION[1] && !name.is_empty()).then(|| name.clone())
}

/// Splits `command` into words as a POSIX shell would (quotes and backslashes); `None`
/// when it holds anything a shell would treat as more than words (`;`, `|`, `$`, ...),
/// which makes it someone else's command.
fn shell_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => w.push(c),
                            c => {
                                w.push('\\');
                                w.push(c);
                            }
                        },
                        '$' | '`' => return None,
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            ';' | '|' | '&' | '$' | '`' | '<' | '>' | '(' | ')' | '#' | '*' | '?' | '[' | '~'
            | '\n' => return None,
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_written_bare_and_read_back() {
        let line = process_line("dev").unwrap();
        assert_eq!(line, "awsprof keyring credentials dev");
        assert_eq!(account_of(&line).as_deref(), Some("dev"));
        let line = process_line("team/dev@acme:1+x%").unwrap();
        assert_eq!(account_of(&line).as_deref(), Some("team/dev@acme:1+x%"));
    }

    #[cfg(unix)]
    #[test]
    fn odd_names_are_single_quoted_and_read_back() {
        for name in [
            "my dev",
            "it's",
            "a\"b",
            "$HOME",
            "x;y",
            "back\\slash",
            "ünï",
        ] {
            let line = process_line(name).unwrap();
            assert!(line.ends_with('\''), "{line}");
            assert_eq!(account_of(&line).as_deref(), Some(name), "{line}");
        }
    }

    #[test]
    fn names_an_inline_comment_would_cut_are_refused() {
        assert!(process_line("a #b").is_err());
        assert!(process_line("a ;b").is_err());
        assert!(process_line("").is_err());
        assert!(process_line("a\tb\u{7}").is_err());
    }

    #[test]
    fn the_line_is_recognised_by_path_and_quotes_but_not_as_part_of_more() {
        let ok = [
            ("/usr/local/bin/awsprof keyring credentials p", "p"),
            ("awsprof  keyring credentials \"my p\"", "my p"),
            ("\"C:\\bin\\awsprof.exe\" keyring credentials p", "p"),
        ];
        for (line, name) in ok {
            assert_eq!(account_of(line).as_deref(), Some(name), "{line}");
        }
        for line in [
            "awsprof keyring credentials p; rm -rf x",
            "awsprof keyring credentials p extra",
            "awsprof keyring credentials",
            "awsprof export --format process p",
            "notawsprof keyring credentials p",
            "awsprof keyring credentials $P",
            "awsprof keyring credentials 'unterminated",
        ] {
            assert_eq!(account_of(line), None, "{line}");
        }
    }

    #[test]
    fn entries_are_checked_and_never_quoted_in_errors() {
        let keys = StoredKeys::new("AKIAEXAMPLE", "s3cr3t");
        let secret = keys.to_secret();
        assert_eq!(
            secret,
            r#"{"Version":1,"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"s3cr3t"}"#
        );
        assert_eq!(StoredKeys::from_secret(&secret).unwrap(), keys);
        assert!(!format!("{keys:?}").contains("s3cr3t"));
        let bad = [
            "s3cr3t-plain",
            r#"{"Version":2,"AccessKeyId":"a","SecretAccessKey":"s3cr3t"}"#,
            r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":""}"#,
            r#"{"Version":1,"AccessKeyId":"a","SecretAccessKey":"s3cr3t","X":1}"#,
        ];
        for b in bad {
            let e = StoredKeys::from_secret(b).unwrap_err();
            assert!(!e.contains("s3cr3t"), "{e}");
        }
    }
}
