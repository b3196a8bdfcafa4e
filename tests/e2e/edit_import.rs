//! `awsprof import --csv`: the IAM console's access-key files, both layouts, the root
//! key file, and broken files that must leave everything as it was.

use crate::support;
use crate::support::{stderr, AwsHome};
use std::path::PathBuf;

const ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ID2: &str = "AKIAI44QH8DHBEXAMPLE";
const SECRET2: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";

fn csv(home: &AwsHome, name: &str, bytes: &[u8]) -> PathBuf {
    let path = home.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn import(home: &AwsHome, file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "--csv", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    home.run(&args)
}

#[test]
fn current_layout_with_bom_and_crlf_needs_a_profile_name() {
    let home = AwsHome::with("[default]\nregion = us-east-1\n", "");
    let file = csv(
        &home,
        "keys.csv",
        format!("\u{feff}Access key ID,Secret access key\r\n{ID},{SECRET}\r\n").as_bytes(),
    );
    let out = import(&home, &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--profile"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(home.credentials()).unwrap(), "");

    let out = import(&home, &file, &["--profile", "dev"]);
    support::assert_ok(&out, "awsprof");
    assert!(out.stdout.is_empty());
    assert!(!stderr(&out).contains(SECRET), "secret never printed");
    assert_eq!(
        std::fs::read_to_string(home.credentials()).unwrap(),
        format!("[dev]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n")
    );
    assert_eq!(home.aws_get("aws_secret_access_key", "dev"), SECRET);
}

#[test]
fn old_layout_names_profiles_by_user() {
    let home = AwsHome::new();
    let file = csv(
        &home,
        "credentials.csv",
        format!(
            "User name,Password,Access key ID,Secret access key,Console login link\r\nalice,,{ID},{SECRET},https://123456789012.signin.aws.amazon.com/console\r\n\"bob\",\"\",{ID2},{SECRET2},https://x\r\n"
        )
        .as_bytes(),
    );
    let out = import(&home, &file, &[]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(
        std::fs::read_to_string(home.credentials()).unwrap(),
        format!("[alice]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n\n[bob]\naws_access_key_id = {ID2}\naws_secret_access_key = {SECRET2}\n")
    );
    // --profile names them instead of the user names: x, then x-2.
    let out = import(&home, &file, &["--profile", "x"]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(home.aws_get("aws_access_key_id", "x"), ID);
    assert_eq!(home.aws_get("aws_access_key_id", "x-2"), ID2);
}

/// The IAM console saves a user's new key as `USERNAME_accessKeys.csv`, in the current
/// layout (no user name column): without --profile the profile is named after USERNAME,
/// and stderr says so and how to name it otherwise.
#[test]
fn the_console_file_name_names_the_profile_after_the_user() {
    let home = AwsHome::new();
    let file = csv(
        &home,
        "alice_accessKeys.csv",
        format!("\u{feff}Access key ID,Secret access key\r\n{ID},{SECRET}\r\n").as_bytes(),
    );
    let out = import(&home, &file, &[]);
    support::assert_ok(&out, "awsprof import");
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("into profile `alice`"), "{err}");
    assert!(
        err.contains(
            "named after the IAM user in the file's name; --profile NAME names it otherwise"
        ),
        "{err}"
    );
    assert_eq!(home.aws_get("aws_access_key_id", "alice"), ID);
    assert_eq!(home.aws_get("aws_secret_access_key", "alice"), SECRET);

    // Downloaded again, the browser's copy `alice_accessKeys (1).csv` names the same
    // profile, which exists now: refused without --force, replaced with it.
    let again = csv(
        &home,
        "alice_accessKeys (1).csv",
        format!("Access key ID,Secret access key\n{ID2},{SECRET2}\n").as_bytes(),
    );
    let out = import(&home, &again, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("profile `alice` already exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(home.aws_get("aws_access_key_id", "alice"), ID);
    support::assert_ok(
        &import(&home, &again, &["--force"]),
        "awsprof import --force",
    );
    assert_eq!(home.aws_get("aws_access_key_id", "alice"), ID2);

    // --profile still wins over the file's name.
    support::assert_ok(
        &import(&home, &file, &["--profile", "work"]),
        "awsprof import",
    );
    assert_eq!(home.aws_get("aws_access_key_id", "work"), ID);
    assert!(!stderr(&import(&home, &file, &["--profile", "w2"])).contains("named after"));
}

/// An IAM user name may hold characters no profile name can (`=`, `,`, a space from a
/// renamed download): then --profile is asked for, and nothing is written.
#[test]
fn a_file_name_user_that_is_no_profile_name_asks_for_a_profile() {
    let home = AwsHome::new();
    for name in ["team=ops_accessKeys.csv", "bob smith_accessKeys.csv"] {
        let file = csv(
            &home,
            name,
            format!("Access key ID,Secret access key\n{ID},{SECRET}\n").as_bytes(),
        );
        let out = import(&home, &file, &[]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert!(err.contains("is not a valid profile name"), "{err}");
        assert!(err.contains("--profile NAME"), "{err}");
        assert!(!home.credentials().exists(), "nothing written for {name}");
    }
}

/// A user name column wins over the file's name (the old layout names each row).
#[test]
fn a_user_name_column_wins_over_the_file_name() {
    let home = AwsHome::new();
    let file = csv(
        &home,
        "alice_accessKeys.csv",
        format!("User name,Password,Access key ID,Secret access key,Console login link\nbob,,{ID},{SECRET},https://x\n").as_bytes(),
    );
    support::assert_ok(&import(&home, &file, &[]), "awsprof import");
    assert_eq!(home.aws_get("aws_access_key_id", "bob"), ID);
    assert_eq!(home.aws_get("aws_access_key_id", "alice"), "");
}

/// The current layout has no user names: several keys are named from --profile (NAME,
/// NAME-2, ...), or one is picked with --row; without either the error says both.
#[test]
fn current_layout_with_several_keys_names_them_from_the_profile_or_takes_one_row() {
    const ID3: &str = "AKIAI44QH8DHBEXAMPLE";
    let home = AwsHome::new();
    let file = csv(
        &home,
        "keys.csv",
        format!(
            "Access key ID,Secret access key\n{ID},{SECRET}\n{ID2},{SECRET2}\n{ID3},{SECRET}\n"
        )
        .as_bytes(),
    );
    let out = import(&home, &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("keys.csv:2 (row 1): the file has no user name column"),
        "{err}"
    );
    assert!(
        err.contains("--profile NAME (several keys become NAME, NAME-2, ...)")
            && err.contains("--row N"),
        "{err}"
    );
    assert!(!home.credentials().exists());

    let out = import(&home, &file, &["--profile", "dev"]);
    support::assert_ok(&out, "awsprof");
    for (name, id) in [("dev", ID), ("dev-2", ID2), ("dev-3", ID3)] {
        assert_eq!(home.aws_get("aws_access_key_id", name), id, "{name}");
    }

    let out = import(&home, &file, &["--row", "2", "--profile", "second"]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(home.aws_get("aws_access_key_id", "second"), ID2);
    assert_eq!(home.aws_get("aws_access_key_id", "second-2"), "");

    let before = std::fs::read_to_string(home.credentials()).unwrap();
    let out = import(&home, &file, &["--row", "4", "--profile", "p"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("holds 3 access keys; --row 4 is not one of them"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(home.credentials()).unwrap(), before);
}

/// An old-layout user name that cannot be a profile name stops the import with the file,
/// line and row, and nothing written; --row and --profile map it to a name.
#[test]
fn old_layout_user_name_that_is_not_a_profile_name_is_named_by_line_and_can_be_mapped() {
    let home = AwsHome::new();
    let file = csv(
        &home,
        "users.csv",
        format!("User name,Password,Access key ID,Secret access key,Console login link\nalice,,{ID},{SECRET},x\nbob smith,,{ID2},{SECRET2},x\n").as_bytes(),
    );
    let out = import(&home, &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("users.csv:3 (row 2): user name `bob smith` is not a valid profile name"),
        "{err}"
    );
    assert!(err.contains("--row N"), "{err}");
    assert!(!home.credentials().exists(), "nothing written");

    support::assert_ok(&import(&home, &file, &["--row", "1"]), "--row 1");
    support::assert_ok(
        &import(&home, &file, &["--row", "2", "--profile", "bob"]),
        "--row 2",
    );
    assert_eq!(home.aws_get("aws_access_key_id", "alice"), ID);
    assert_eq!(home.aws_get("aws_access_key_id", "bob"), ID2);
}

/// --force over a profile whose section is in the file twice: the keys are changed where
/// the SDKs (and so the AWS CLI) read them, and the note names those lines.
#[test]
fn force_over_a_duplicated_section_says_which_lines_it_changed() {
    let home = AwsHome::with(
        "",
        "[alice]\naws_access_key_id = AKIAOLDOLDOLDOLD0001\n[bob]\nx = 1\n[alice]\nregion = eu-west-1\n",
    );
    let file = csv(
        &home,
        "users.csv",
        format!("User name,Password,Access key ID,Secret access key,Console login link\nalice,,{ID},{SECRET},x\n").as_bytes(),
    );
    let out = import(&home, &file, &["--force"]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(
        std::fs::read_to_string(home.credentials()).unwrap(),
        format!("[alice]\naws_access_key_id = {ID}\n[bob]\nx = 1\n[alice]\nregion = eu-west-1\naws_secret_access_key = {SECRET}\n")
    );
    let err = stderr(&out);
    assert!(
        err.contains("`aws_access_key_id` was changed where the SDKs read it, at line 2"),
        "{err}"
    );
    assert!(
        err.contains("`aws_secret_access_key` was added to the last one, at line 7"),
        "{err}"
    );
    assert!(!err.contains("last occurrence"), "{err}");
}

#[test]
fn an_existing_profile_is_kept_unless_forced() {
    let creds = "# mine\n[dev]\naws_access_key_id = AKIAOLDOLDOLDEXAMPLE\naws_secret_access_key = old\naws_session_token = stale\n";
    let home = AwsHome::with("[profile dev]\nregion = eu-west-1\n", creds);
    let file = csv(
        &home,
        "k.csv",
        format!("Access key ID,Secret access key\n{ID},{SECRET}\n").as_bytes(),
    );
    let out = import(&home, &file, &["--profile", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(home.credentials()).unwrap(), creds);

    let out = import(&home, &file, &["--profile", "dev", "--force"]);
    support::assert_ok(&out, "awsprof");
    assert_eq!(
        std::fs::read_to_string(home.credentials()).unwrap(),
        format!("# mine\n[dev]\naws_access_key_id = {ID}\naws_secret_access_key = {SECRET}\n")
    );
    assert!(
        stderr(&out).contains("aws_session_token"),
        "stale token removal is said"
    );
}

#[test]
fn root_key_file_imports_with_a_warning() {
    let home = AwsHome::new();
    let file = csv(
        &home,
        "rootkey.csv",
        format!("AWSAccessKeyId={ID}\r\nAWSSecretKey={SECRET}\r\n").as_bytes(),
    );
    let out = import(&home, &file, &["--profile", "root"]);
    support::assert_ok(&out, "awsprof");
    assert!(
        stderr(&out).contains("root access keys: AWS recommends deleting them"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read_to_string(home.credentials())
        .unwrap()
        .contains(SECRET));
}

#[test]
fn odd_looking_keys_warn_but_are_written() {
    let home = AwsHome::new();
    let file = csv(
        &home,
        "k.csv",
        b"Access key ID,Secret access key\nASIASHORT,tooshort\n",
    );
    let out = import(&home, &file, &["--profile", "odd"]);
    support::assert_ok(&out, "awsprof");
    let err = stderr(&out);
    assert!(err.contains("does not look like an access key id"), "{err}");
    assert!(
        err.contains("8 characters; AWS secret keys have 40"),
        "{err}"
    );
    assert!(err.contains("no aws_session_token"), "{err}");
    assert!(!err.contains("tooshort"), "secret never printed: {err}");
}

#[test]
fn broken_files_are_refused_and_nothing_is_written() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\r\n\r\n", "empty"),
        (
            "binary.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "not a text file",
        ),
        (
            "latin1.csv",
            b"Access key ID,Secret access key\nAKIA\xe9,x\n",
            "not a text file",
        ),
        (
            "no-secret.csv",
            b"Access key ID,Password\nAKIAIOSFODNN7EXAMPLE,x\n",
            "no `Secret access key` column",
        ),
        (
            "no-id.csv",
            b"User name,Secret access key\nbob,x\n",
            "no `Access key ID` column",
        ),
        (
            "short-row.csv",
            b"Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE\n",
            "line 2: no value in the `Secret access key` column",
        ),
        (
            "header-only.csv",
            b"Access key ID,Secret access key\n",
            "no access key rows",
        ),
        (
            "bad-quote.csv",
            b"Access key ID,Secret access key\n\"AKIA,x\n",
            "",
        ),
        (
            "root-half.csv",
            b"AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE\n",
            "AWSSecretKey",
        ),
    ];
    for (name, bytes, message) in cases {
        let home = AwsHome::with(
            "[default]\nregion = us-east-1\n",
            "[default]\naws_access_key_id = A\n",
        );
        let file = csv(&home, name, bytes);
        let out = import(&home, &file, &["--profile", "p"]);
        let err = stderr(&out);
        if *name == "bad-quote.csv" && out.status.success() {
            // A quote left open runs to the end of the file: one field, then a short row.
            panic!(
                "{name}: imported {:?}",
                std::fs::read_to_string(home.credentials())
            );
        }
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(name),
            "{name}: the error names the file: {err}"
        );
        assert!(err.contains(message), "{name}: {err}");
        assert_eq!(
            std::fs::read_to_string(home.config()).unwrap(),
            "[default]\nregion = us-east-1\n"
        );
        assert_eq!(
            std::fs::read_to_string(home.credentials()).unwrap(),
            "[default]\naws_access_key_id = A\n"
        );
    }
    let home = AwsHome::new();
    let out = import(&home, &home.path().join("missing.csv"), &["--profile", "p"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.csv"));
    assert!(!home.aws_dir().exists());
}
