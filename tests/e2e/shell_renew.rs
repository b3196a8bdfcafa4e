//! Credentials that renew themselves: four interactive shells (bash, zsh, fish, nushell, in
//! tmux panes) hold the same role's temporary credentials from `use --credentials`, issued by
//! moto's STS with a short lifetime (`duration_seconds = 330`, so they are within the
//! five-minute renewal window 30 seconds after they were issued). A prompt after that renews
//! them. awsprof reaches moto through a proxy that counts AssumeRole calls.

use crate::shell_terminal::{Setup, Term};
use crate::support;
use std::time::{Duration, Instant};

const LIFETIME: u64 = 330;
/// The shells renew this long before expiry (the cache's refresh window).
const WINDOW: u64 = 300;

const SETUPS: [Setup; 4] = [Setup::Bash, Setup::Zsh, Setup::Fish, Setup::Nu];

fn config() -> String {
    format!(
        "[profile base]\nregion = us-east-1\n\
         [profile role]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/Renew\n\
         source_profile = base\nrole_session_name = renew\nduration_seconds = {LIFETIME}\n"
    )
}

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// The user's lines: STS through the counting proxy; `key N` writes the key id to ~/key-N.
fn user_rc(setup: Setup, sts: &str) -> String {
    match setup.shell() {
        "bash" | "zsh" => format!(
            "export AWS_ENDPOINT_URL_STS={sts}\n\
             key() {{ builtin printf '%s\\n' \"${{AWS_ACCESS_KEY_ID-}}\" >\"$HOME/key-$1\"; }}\n"
        ),
        "fish" => format!(
            "set -gx AWS_ENDPOINT_URL_STS {sts}\n\
             function key; builtin printf '%s\\n' \"$AWS_ACCESS_KEY_ID\" >$HOME/key-$argv[1]; end\n"
        ),
        _ => format!(
            "$env.AWS_ENDPOINT_URL_STS = '{sts}'\n\
             def key [n: string] {{ $\"($env.AWS_ACCESS_KEY_ID? | default '')\\n\" | save -f ($env.HOME | path join $\"key-($n)\") }}\n"
        ),
    }
}

struct Lab {
    terms: Vec<Term>,
    proxy: support::CountingProxy,
    n: std::cell::Cell<usize>,
}

impl Lab {
    /// The four shells, each sharing one credential cache (one HOME's ~/.aws/cli/cache is
    /// linked into the others), with the role's credentials exported by `use --credentials`.
    /// Returns when every shell holds them; the first shell's call was the only one.
    fn start() -> (Lab, Instant) {
        support::aws();
        let moto = support::Moto::shared();
        let proxy = support::CountingProxy::to(moto.port);
        let terms: Vec<Term> = SETUPS
            .iter()
            .map(|s| Term::start_with(*s, "awsprof", &config(), &user_rc(*s, &proxy.url())))
            .collect();
        for t in &terms {
            std::fs::write(t.home.credentials(), CREDENTIALS).unwrap();
        }
        // One user, four shells: one cache.
        let cache = terms[0].home.aws_dir().join("cli/cache");
        std::fs::create_dir_all(&cache).unwrap();
        #[cfg(unix)]
        for t in &terms[1..] {
            std::fs::create_dir_all(t.home.aws_dir().join("cli")).unwrap();
            std::os::unix::fs::symlink(&cache, t.home.aws_dir().join("cli/cache")).unwrap();
        }
        let issued = Instant::now();
        for t in &terms {
            t.prompt_after("awsprof use --credentials role", "role eu-west-1 5m");
        }
        assert_eq!(
            proxy.count("Action=AssumeRole"),
            1,
            "the first shell assumed the role, the others took it from the cache"
        );
        (
            Lab {
                terms,
                proxy,
                n: std::cell::Cell::new(0),
            },
            issued,
        )
    }

    /// Each shell's key id now.
    fn keys(&self) -> Vec<String> {
        let n = self.n.get() + 1;
        self.n.set(n);
        self.terms
            .iter()
            .map(|t| {
                let file = t.home.path().join(format!("key-{n}"));
                t.fresh_line();
                t.type_text(&format!("key {n}"));
                t.keys(&["Enter"]);
                t.wait("the key id", |_| file.exists());
                support::read(&file).trim().to_string()
            })
            .collect()
    }
}

/// Waits until credentials issued at `issued` are inside the renewal window.
fn wait_for_window(issued: Instant) {
    let due = issued + Duration::from_secs(LIFETIME - WINDOW + 2);
    std::thread::sleep(due.saturating_duration_since(Instant::now()));
}

#[test]
fn shells_renew_near_expiry_one_after_another_with_one_call_between_them() {
    let (lab, issued) = Lab::start();
    let before = lab.keys();
    assert!(
        before
            .iter()
            .all(|k| k == &before[0] && k.starts_with("ASIA")),
        "{before:?}"
    );
    wait_for_window(issued);
    // One prompt each, a shell at a time: the first renews from STS, the others find its
    // credentials in the cache.
    for t in &lab.terms {
        t.prompt_after("", "role eu-west-1 5m");
    }
    let after = lab.keys();
    assert!(
        after.iter().all(|k| k == &after[0] && *k != before[0]),
        "every shell holds the renewed credentials: before {before:?}, after {after:?}"
    );
    // More prompts: nothing near expiry any more, nothing runs.
    for t in &lab.terms {
        t.prompt_after("", "role eu-west-1 5m");
    }
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 2, "one renewal");
}

/// Rests on the single-flight lock on the credential cache (issue 11): without it each
/// shell that renews at the same moment finds the cache stale and calls STS itself.
#[test]
fn shells_renewing_at_once_make_one_call_between_them() {
    let (lab, issued) = Lab::start();
    let before = lab.keys();
    wait_for_window(issued);
    // Enter in every shell at once: four renewals race.
    for t in &lab.terms {
        t.keys(&["Enter"]);
    }
    let after = lab.keys();
    assert!(
        after.iter().all(|k| k == &after[0] && *k != before[0]),
        "every shell holds the same renewed credentials: before {before:?}, after {after:?}"
    );
    assert_eq!(
        lab.proxy.count("Action=AssumeRole"),
        2,
        "four shells renewing at once made one call"
    );
}
