//! `awsprof configure` driven through a real pseudo-terminal and through a pipe; the AWS
//! CLI reads back what it wrote.

use crate::support;
use crate::support::{AwsHome, PtyChild};

const ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn configure_on_pty(home: &AwsHome, profile: &str) -> PtyChild {
    let mut cmd = home.cmd();
    cmd.args(["configure", "--profile", profile]);
    PtyChild::spawn(cmd)
}

#[test]
fn configure_on_a_terminal_hides_the_secret_and_the_aws_cli_reads_it_back() {
    let home = AwsHome::with("# mine\n[default]\nregion = us-east-1\n", "");
    let mut t = configure_on_pty(&home, "dev");
    t.expect("AWS Access Key ID [None]: ");
    t.send(&format!("{ID}\r"));
    t.expect("AWS Secret Access Key [None]: ");
    t.send(&format!("{SECRET}\r"));
    t.expect("Default region name [None]: ");
    t.send("eu-central-1\r");
    t.expect("Default output format [None]: ");
    t.send("\r");
    let (status, _) = t.finish();
    assert!(status.success(), "configure failed");
    // What the terminal showed: the key id echoed, the secret never.
    let shown = t.seen.clone();
    assert!(!shown.contains(SECRET), "secret was echoed: {shown:?}");

    assert_eq!(
        std::fs::read_to_string(home.credentials()).unwrap(),
        format!("[dev]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n")
    );
    assert_eq!(
        std::fs::read_to_string(home.config()).unwrap(),
        "# mine\n[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-central-1\n"
    );
    assert_eq!(home.aws_get("aws_access_key_id", "dev"), ID);
    assert_eq!(home.aws_get("aws_secret_access_key", "dev"), SECRET);
    assert_eq!(home.aws_get("region", "dev"), "eu-central-1");
    assert_eq!(home.aws_get("output", "dev"), "");

    // Second run: the current values are offered masked, and Enter keeps every one.
    let (config, creds) = (
        std::fs::read(home.config()).unwrap(),
        std::fs::read(home.credentials()).unwrap(),
    );
    let mut t = configure_on_pty(&home, "dev");
    t.expect("AWS Access Key ID [****************MPLE]: ");
    t.send("\r");
    t.expect("AWS Secret Access Key [****************EKEY]: ");
    t.send("\r");
    t.expect("Default region name [eu-central-1]: ");
    t.send("\r");
    t.expect("Default output format [None]: ");
    t.send("json\r");
    let (status, _) = t.finish();
    assert!(status.success());
    assert_eq!(
        std::fs::read(home.credentials()).unwrap(),
        creds,
        "Enter keeps"
    );
    let config_after = String::from_utf8(std::fs::read(home.config()).unwrap()).unwrap();
    assert_eq!(
        config_after,
        format!("{}output = json\n", String::from_utf8(config).unwrap())
    );
}

#[test]
fn ctrl_c_at_the_secret_prompt_writes_nothing_and_restores_echo() {
    let home = AwsHome::with(
        "[default]\nregion = us-east-1\n",
        "[default]\naws_access_key_id = AKIAOLDOLDOLDEXAMPLE\n",
    );
    let before = (
        std::fs::read(home.config()).unwrap(),
        std::fs::read(home.credentials()).unwrap(),
    );
    let mut t = configure_on_pty(&home, "default");
    t.expect("AWS Access Key ID [****************MPLE]: ");
    t.send(&format!("{ID}\r"));
    t.expect("AWS Secret Access Key [None]: ");
    t.send("half-typed-secret\x03");
    let (status, out) = t.finish();
    assert!(!status.success(), "Ctrl-C must not succeed");
    assert!(!out.contains("half-typed"), "no echo: {out:?}");
    assert!(t.echo_on(), "the terminal must get its echo back");
    assert_eq!(std::fs::read(home.config()).unwrap(), before.0);
    assert_eq!(std::fs::read(home.credentials()).unwrap(), before.1);

    // Ctrl-C at an echoed prompt (a signal) and Ctrl-D (end of input) write nothing either.
    // Each answer waits for the next prompt: type-ahead would reach the hidden prompt.
    let prompts = ["AWS Secret Access Key", "Default region name"];
    for (answers, key) in [(&[][..], "\x03"), (&[ID, SECRET][..], "\x04")] {
        let mut t = configure_on_pty(&home, "default");
        t.expect("AWS Access Key ID");
        for (a, next) in answers.iter().zip(prompts) {
            t.send(&format!("{a}\r"));
            t.expect(next);
        }
        t.send(key);
        let (status, _) = t.finish();
        assert!(!status.success(), "{key:?} must not succeed");
        assert_eq!(std::fs::read(home.config()).unwrap(), before.0);
        assert_eq!(std::fs::read(home.credentials()).unwrap(), before.1);
    }
}

fn configure_piped(home: &AwsHome, profile: &str, input: &str) -> std::process::Output {
    support::output_with_stdin(home.cmd().args(["configure", "--profile", profile]), input)
}

#[test]
fn configure_from_a_pipe_reads_one_answer_a_line() {
    let home = AwsHome::new();
    let out = configure_piped(
        &home,
        "ci",
        &format!("{ID}\r\n  {SECRET}  \nus-west-2\ntext\n"),
    );
    support::assert_ok(&out, "awsprof");
    assert!(out.stdout.is_empty(), "stdout is for data only");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("removed whitespace"),
        "pasted spaces warned: {err}"
    );
    assert!(!err.contains(SECRET), "secret never printed: {err}");
    assert_eq!(home.aws_get("aws_access_key_id", "ci"), ID);
    assert_eq!(home.aws_get("aws_secret_access_key", "ci"), SECRET);
    assert_eq!(home.aws_get("region", "ci"), "us-west-2");
    assert_eq!(home.aws_get("output", "ci"), "text");
    // Empty lines keep; a wrong-looking region warns but is written.
    let out = configure_piped(&home, "ci", "\n\nus-wset-2\n\n");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `us-west-2`"), "{err}");
    let config = std::fs::read_to_string(home.config()).unwrap();
    assert_eq!(config, "[profile ci]\nregion = us-wset-2\noutput = text\n");
}

#[test]
fn configure_from_a_pipe_that_ends_early_writes_nothing() {
    let home = AwsHome::new();
    let out = configure_piped(&home, "ci", &format!("{ID}\n{SECRET}\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing written"));
    assert!(!home.aws_dir().exists(), "nothing created");
}

/// A region typo at the terminal: asked `did you mean eu-west-1? [Y/n]` before anything is
/// written; Enter takes the suggestion, `n` keeps what was typed (with the warning).
#[test]
fn a_region_typo_on_a_terminal_asks_did_you_mean_and_enter_takes_it() {
    for (reply, written) in [("\r", "eu-west-1"), ("n\r", "eu-wset-1")] {
        let home = AwsHome::with("", "");
        let mut t = configure_on_pty(&home, "dev");
        t.expect("AWS Access Key ID [None]: ");
        t.send("\r");
        t.expect("AWS Secret Access Key [None]: ");
        t.send("\r");
        t.expect("Default region name [None]: ");
        t.send("eu-wset-1\r");
        t.expect("`eu-wset-1` is not a known AWS region; did you mean eu-west-1? [Y/n] ");
        // Anything but yes or no asks again.
        t.send("maybe\r");
        t.expect("did you mean eu-west-1? [Y/n] ");
        t.send(reply);
        if reply == "n\r" {
            t.expect("`eu-wset-1` is not a known AWS region name");
        }
        t.expect("Default output format [None]: ");
        t.send("\r");
        let (status, out) = t.finish();
        assert!(status.success(), "{out}");
        assert_eq!(
            std::fs::read_to_string(home.config()).unwrap(),
            format!("[profile dev]\nregion = {written}\n"),
            "reply {reply:?}"
        );
        assert_eq!(home.aws_get("region", "dev"), written);
    }
}

/// From a pipe nothing is asked: the typo is written as given, as the AWS CLI would, and a
/// warning names the closest region.
#[test]
fn a_region_typo_from_a_pipe_is_written_with_a_warning() {
    let home = AwsHome::with("", "");
    let out = configure_piped(&home, "dev", "\n\neu-wset-1\n\n");
    support::assert_ok(&out, "configure");
    assert_eq!(
        std::fs::read_to_string(home.config()).unwrap(),
        "[profile dev]\nregion = eu-wset-1\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`eu-wset-1` is not a known AWS region name; did you mean `eu-west-1`?"),
        "{err}"
    );
    assert!(!err.contains("[Y/n]"), "{err}");
}
