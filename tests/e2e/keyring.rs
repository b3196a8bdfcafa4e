//! Long-term keys in the OS keyring, against a real Secret Service: gnome-keyring-daemon,
//! unlocked, on a private D-Bus session bus started for each test (support's
//! [`SecretService`]), its keyring files under the test's home. The keyring is read back
//! independently with libsecret's `secret-tool`; the files are compared byte for byte; and
//! the real AWS CLI signs a call to moto (through a proxy that records the key id it signs
//! with) using the profile's credential_process line.

use crate::support::{self, files_containing, AwsHome, CountingProxy, Moto, SecretService};
use std::process::{Command, Output};

const CONFIG: &str = "[default]\nregion = us-east-1\n\n[profile dev]\n# dev goes to Ireland\nregion = eu-west-1\noutput = json\n\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = dev\n";

/// Comments, a CRLF line, blank lines and three profiles: one to move, one to keep, one
/// with temporary keys.
const CREDS: &str = "# Keys for the team\r\n[default]\naws_access_key_id = AKIADEFAULTKEY000001\naws_secret_access_key = defaultSECRETstaysINtheFILE\n\n; the dev account, rotated in May\n[dev]\naws_access_key_id = AKIADEVKEYRING000001\naws_secret_access_key = devSECRETgoesTOtheKEYRING01\n# after dev\n\n[ci]\naws_access_key_id = ASIACI00000000000001\naws_secret_access_key = ciSECRET\naws_session_token = ciTOKEN\n";

const DEV_ID: &str = "AKIADEVKEYRING000001";
const DEV_SECRET: &str = "devSECRETgoesTOtheKEYRING01";

/// What a moved `dev` leaves in the credentials file: its two key lines gone, nothing else.
fn creds_without_dev_keys() -> String {
    CREDS
        .replace(&format!("aws_access_key_id = {DEV_ID}\n"), "")
        .replace(&format!("aws_secret_access_key = {DEV_SECRET}\n"), "")
}

/// A scratch directory for awsprof's temporary files (TMPDIR), to grep afterwards.
struct Lab {
    home: AwsHome,
    ss: SecretService,
    tmp: tempfile::TempDir,
}

impl Lab {
    fn new(config: &str, creds: &str) -> Lab {
        let home = AwsHome::with(config, creds);
        let ss = SecretService::start(&home);
        Lab {
            home,
            ss,
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self) -> Command {
        let mut cmd = self.ss.awsprof(&self.home);
        cmd.env("TMPDIR", self.tmp.path());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// The real AWS CLI, on this bus, calling moto through `proxy`.
    fn aws_whoami(&self, profile: &str, proxy: &CountingProxy) -> Output {
        let mut cmd = Command::new(support::aws());
        self.ss.isolate(&self.home, &mut cmd);
        cmd.env("TMPDIR", self.tmp.path())
            .env("AWS_ENDPOINT_URL_STS", proxy.url())
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .args(["sts", "get-caller-identity", "--output", "json"])
            .args(["--profile", profile])
            .output()
            .unwrap()
    }

    /// Every file under the home (the keyring's own files included), the temporary
    /// directory and the bus's runtime directory that holds `secret`.
    fn files_with(&self, secret: &str) -> Vec<std::path::PathBuf> {
        files_containing(
            &[self.home.path(), self.tmp.path(), self.ss.runtime.path()],
            secret,
        )
    }

    /// The keys of `profile` are in the keyring (read by secret-tool), in no file, and
    /// `export` prints them; returns what it printed.
    #[track_caller]
    fn in_the_keyring_only(&self, profile: &str, id: &str, secret: &str) -> String {
        assert_eq!(
            self.ss.lookup(&self.home, profile),
            Some(stored(id, secret))
        );
        let files = self.files_with(secret);
        assert!(files.is_empty(), "the secret is in {files:?}");
        let export = support::stdout_ok(&self.run(&["export", profile]));
        assert!(
            export.contains(&format!("AWS_ACCESS_KEY_ID='{id}'")),
            "{export}"
        );
        assert!(export.contains(&format!("AWS_SECRET_ACCESS_KEY='{secret}'")));
        export
    }

    fn files(&self) -> (String, String) {
        (
            support::read(self.home.config()),
            support::read(self.home.credentials()),
        )
    }
}

#[track_caller]
fn fails_with(out: &Output, needles: &[&str]) {
    let err = support::stderr(out);
    assert_eq!(out.status.code(), Some(1), "exit status; stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    for n in needles {
        assert!(err.contains(n), "stderr should say {n:?}: {err}");
    }
}

fn stored(id: &str, secret: &str) -> String {
    format!(r#"{{"Version":1,"AccessKeyId":"{id}","SecretAccessKey":"{secret}"}}"#)
}

#[test]
fn a_csv_import_puts_the_secret_in_the_keyring_only_and_the_aws_cli_signs_with_it() {
    let lab = Lab::new(CONFIG, CREDS);
    let (id, secret) = (
        "AKIAIMPORTKEYRING001",
        "impSECRETfromTheCSVnowINtheKEYRING99",
    );
    // The download, outside the home: the person deletes it afterwards.
    let download = tempfile::tempdir().unwrap();
    let csv = download.path().join("imported_accessKeys.csv");
    std::fs::write(
        &csv,
        format!("Access key ID,Secret access key\r\n{id},{secret}\r\n"),
    )
    .unwrap();
    let out = lab
        .cmd()
        .args(["import", "--csv"])
        .arg(&csv)
        .args(["--profile", "imported", "--keyring"])
        .output()
        .unwrap();
    support::assert_ok(&out, "import --keyring");
    drop(download);
    let (config, creds) = lab.files();
    assert_eq!(creds, CREDS, "the credentials file is not touched");
    assert_eq!(
        config,
        format!("{CONFIG}\n[profile imported]\ncredential_process = awsprof keyring credentials imported\n")
    );
    lab.in_the_keyring_only("imported", id, secret);

    let proxy = CountingProxy::to(Moto::shared().port);
    let aws = lab.aws_whoami("imported", &proxy);
    support::assert_ok(&aws, "aws sts get-caller-identity --profile imported");
    assert!(
        proxy.sent().contains(&format!("Credential={id}/")),
        "the AWS CLI signed with another key: {}",
        proxy.sent()
    );
    assert!(lab.files_with(secret).is_empty());
}

#[test]
fn moving_a_profile_changes_only_its_key_lines_and_every_consumer_still_works() {
    let lab = Lab::new(CONFIG, CREDS);
    let out = lab.run(&["keyring", "move", "dev"]);
    support::assert_ok(&out, "keyring move dev");
    assert!(
        support::stderr(&out).contains(&format!("moved access key {DEV_ID} of profile `dev`")),
        "{}",
        support::stderr(&out)
    );
    let (config, creds) = lab.files();
    assert_eq!(creds, creds_without_dev_keys());
    assert_eq!(
        config,
        CONFIG.replace(
            "output = json\n",
            "output = json\ncredential_process = awsprof keyring credentials dev\n"
        )
    );
    let export = lab.in_the_keyring_only("dev", DEV_ID, DEV_SECRET);
    assert!(export.contains("AWS_REGION='eu-west-1'"), "{export}");

    // The AWS CLI through the credential_process line, and a role whose source is dev.
    let proxy = CountingProxy::to(Moto::shared().port);
    support::assert_ok(&lab.aws_whoami("dev", &proxy), "aws --profile dev");
    assert!(proxy.sent().contains(&format!("Credential={DEV_ID}/")));
    let role = CountingProxy::to(Moto::shared().port);
    let out = lab
        .cmd()
        .args(["export", "role", "--no-cache"])
        .env("AWS_ENDPOINT_URL_STS", role.url())
        .output()
        .unwrap();
    support::assert_ok(&out, "export role");
    assert_eq!(role.count("Action=AssumeRole"), 1);
    assert!(role.sent().contains(&format!("Credential={DEV_ID}/")));

    let list = support::stdout_ok(&lab.run(&["list", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let kind = |n: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .map(|p| p["kind"].as_str().unwrap().to_string())
    };
    assert_eq!(kind("dev").as_deref(), Some("keyring"));
    assert_eq!(kind("default").as_deref(), Some("static"));
    let listed = support::stdout_ok(&lab.run(&["keyring", "list"]));
    assert_eq!(listed, "dev  ****************0001  ok\n");

    let doctor = lab.run(&["doctor"]);
    let report = support::stderr(&doctor) + &String::from_utf8_lossy(&doctor.stdout);
    assert!(!report.contains("profile `dev`: the secret"), "{report}");
    assert!(
        report.contains("; run: awsprof keyring move default"),
        "doctor still names the keys left in the file: {report}"
    );

    // Again: refused, nothing changes.
    fails_with(
        &lab.run(&["keyring", "move", "dev"]),
        &["in the keyring already"],
    );
    assert_eq!(lab.files(), (config, creds));
}

/// A profile `mfa` with `mfa_serial` whose keys (`id`, `secret`) are in the keyring.
fn mfa_lab(id: &str, secret: &str) -> Lab {
    let lab = Lab::new(
        "[profile mfa]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\ncredential_process = awsprof keyring credentials mfa\nregion = us-east-1\n",
        "",
    );
    lab.ss.store(&lab.home, "mfa", &stored(id, secret));
    lab
}

#[test]
fn an_mfa_keyring_profile_gives_out_a_cached_session_and_never_its_keys() {
    let (id, secret) = ("AKIAMFAKEYRING000001", "mfaSECRETneverLEAVEStheKEYRING");
    let lab = mfa_lab(id, secret);
    let list = support::stdout_ok(&lab.run(&["list", "--json"]));
    assert!(list.contains("\"kind\": \"keyring-mfa\""), "{list}");
    let proxy = CountingProxy::to(Moto::shared().port);
    let out = lab
        .cmd()
        .args(["export", "mfa", "--mfa-code", "123456"])
        .env("AWS_ENDPOINT_URL_STS", proxy.url())
        .output()
        .unwrap();
    let export = support::stdout_ok(&out);
    assert_eq!(proxy.count("Action=GetSessionToken"), 1);
    let sent = proxy.sent();
    assert!(
        sent.contains(&format!("Credential={id}/")),
        "signed with the keys"
    );
    assert!(sent.contains("TokenCode=123456"), "{sent}");
    assert!(!export.contains(id) && !export.contains(secret), "{export}");
    assert!(export.contains("AWS_SESSION_TOKEN="), "{export}");
    let session_id = export
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_ACCESS_KEY_ID='"))
        .map(|v| v.trim_end_matches('\'').to_string())
        .unwrap();

    // The credential_process line prints the cached session: no call, no prompt.
    let process = support::stdout_ok(&lab.run(&["keyring", "credentials", "mfa"]));
    let json: serde_json::Value = serde_json::from_str(&process).unwrap();
    assert_eq!(json["Version"], 1);
    assert_eq!(json["AccessKeyId"], session_id.as_str());
    assert!(json["SessionToken"].is_string() && json["Expiration"].is_string());
    assert!(!process.contains(secret));
    assert_eq!(proxy.count("Action=GetSessionToken"), 1);

    let aws = CountingProxy::to(Moto::shared().port);
    support::assert_ok(&lab.aws_whoami("mfa", &aws), "aws --profile mfa");
    assert!(aws.sent().contains(&format!("Credential={session_id}/")));
    assert_eq!(aws.count("Action=GetSessionToken"), 0);
    assert!(lab.files_with(secret).is_empty());
}

#[cfg(unix)]
#[test]
fn the_aws_cli_running_the_line_asks_for_the_mfa_code_on_the_terminal() {
    let (id, secret) = ("AKIAMFATTYKEYRING001", "ttySECRETstaysINtheKEYRING");
    let lab = mfa_lab(id, secret);
    let proxy = CountingProxy::to(Moto::shared().port);
    let mut cmd = Command::new(support::aws());
    lab.ss.isolate(&lab.home, &mut cmd);
    cmd.env("AWS_ENDPOINT_URL_STS", proxy.url()).args([
        "sts",
        "get-caller-identity",
        "--output",
        "json",
        "--profile",
        "mfa",
    ]);
    // The AWS CLI keeps the process's stderr to itself; the prompt must reach the person.
    let mut pty = support::PtyChild::spawn(cmd);
    pty.expect("Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ");
    assert!(!pty.echo_on(), "the code is read without echo");
    pty.send("246810\r");
    let (status, screen) = pty.finish();
    assert!(status.success(), "{screen}");
    assert!(screen.contains("\"Arn\""), "{screen}");
    assert!(!screen.contains("246810"), "the code was echoed: {screen}");
    assert!(proxy.sent().contains("TokenCode=246810"));
    assert!(!screen.contains(secret));
}

/// An access-key CSV for a new key, in a directory of its own (kept while the first is).
fn new_key_csv() -> (tempfile::TempDir, std::path::PathBuf) {
    let download = tempfile::tempdir().unwrap();
    let csv = download.path().join("k.csv");
    std::fs::write(
        &csv,
        "Access key ID,Secret access key\nAKIANEWKEY0000000001,newSECRET\n",
    )
    .unwrap();
    (download, csv)
}

/// Runs every keyring command that writes, and a read, checking each fails with `needles`
/// and leaves both files as they were.
fn every_command_fails_and_writes_nothing(
    cmd: &dyn Fn() -> Command,
    home: &AwsHome,
    needles: &[&str],
) {
    let before = (
        support::read(home.config()),
        support::read(home.credentials()),
    );
    let (_download, csv) = new_key_csv();
    let runs: Vec<(&str, Output)> = vec![
        (
            "keyring move dev",
            cmd().args(["keyring", "move", "dev"]).output().unwrap(),
        ),
        (
            "import --keyring",
            cmd()
                .args(["import", "--csv"])
                .arg(&csv)
                .args(["--profile", "new", "--keyring"])
                .output()
                .unwrap(),
        ),
        ("configure --keyring", {
            let mut c = cmd();
            c.args(["configure", "--profile", "new", "--keyring"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut child = c.spawn().unwrap();
            use std::io::Write;
            // A closed pipe is fine: it should fail before reading.
            let _ = child
                .stdin
                .take()
                .unwrap()
                .write_all(b"AKIANEWKEY0000000001\nnewSECRET\neu-west-1\njson\n");
            child.wait_with_output().unwrap()
        }),
        (
            "keyring list",
            cmd().args(["keyring", "list"]).output().unwrap(),
        ),
        (
            "keyring remove kr --yes",
            cmd()
                .args(["keyring", "remove", "kr", "--yes"])
                .output()
                .unwrap(),
        ),
        ("export kr", cmd().args(["export", "kr"]).output().unwrap()),
        (
            "keyring credentials kr",
            cmd()
                .args(["keyring", "credentials", "kr"])
                .output()
                .unwrap(),
        ),
    ];
    for (what, out) in runs {
        let err = support::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what} printed {:?}", out.stdout);
        for n in needles {
            assert!(err.contains(n), "{what} should say {n:?}: {err}");
        }
        assert_eq!(
            (
                support::read(home.config()),
                support::read(home.credentials())
            ),
            before,
            "{what} changed a file"
        );
    }
}

const KR: &str = "\n[profile kr]\ncredential_process = awsprof keyring credentials kr\n";

#[test]
fn without_a_session_bus_every_keyring_command_says_so_and_writes_nothing() {
    let home = AwsHome::with(&format!("{CONFIG}{KR}"), CREDS);
    let runtime = tempfile::tempdir().unwrap();
    let cmd = || {
        let mut c = home.cmd();
        c.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", runtime.path());
        c
    };
    every_command_fails_and_writes_nothing(
        &cmd,
        &home,
        &["no OS keyring is available", "the Secret Service"],
    );
}

#[test]
fn a_bus_without_a_secret_service_is_no_keyring_and_nothing_is_written() {
    let home = AwsHome::with(&format!("{CONFIG}{KR}"), CREDS);
    let ss = SecretService::bus_only(&home);
    let cmd = || ss.awsprof(&home);
    every_command_fails_and_writes_nothing(
        &cmd,
        &home,
        &[
            "no OS keyring is available",
            "org.freedesktop.secrets was not provided",
        ],
    );
}

#[test]
fn a_locked_keyring_is_a_clear_error_and_neither_the_files_nor_the_keyring_change() {
    let lab = Lab::new(&format!("{CONFIG}{KR}"), CREDS);
    lab.ss
        .store(&lab.home, "kr", &stored("AKIAKRKEYRING0000001", "krSECRET"));
    lab.ss.lock();
    let cmd = || lab.cmd();
    every_command_fails_and_writes_nothing(&cmd, &lab.home, &["is locked", "unlock it"]);
    assert_eq!(lab.ss.item_paths().len(), 1, "only the entry there before");
}

#[test]
fn moving_a_profile_without_long_term_keys_is_refused() {
    let config = format!(
        "{CONFIG}{KR}\n[profile settings]\nregion = eu-west-2\n\n[profile sso]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = R\n\n[profile proc]\ncredential_process = /bin/false\n"
    );
    let lab = Lab::new(&config, CREDS);
    let cases = [
        ("role", "no static keys to move"),
        ("settings", "no static keys to move"),
        ("sso", "no static keys to move"),
        ("proc", "no static keys to move"),
        ("ci", "temporary keys"),
        ("kr", "in the keyring already"),
        ("nope", "`nope`"),
    ];
    for (profile, message) in cases {
        fails_with(&lab.run(&["keyring", "move", profile]), &[message]);
        assert_eq!(
            lab.files(),
            (config.clone(), CREDS.to_string()),
            "{profile}"
        );
    }
    assert!(
        lab.ss.item_paths().is_empty(),
        "nothing was written to the keyring"
    );
}

#[test]
fn other_keys_already_in_the_keyring_are_replaced_only_with_force() {
    let lab = Lab::new(CONFIG, CREDS);
    let old = stored("AKIAOLDDEVKEY0000001", "oldSECRET");
    lab.ss.store(&lab.home, "dev", &old);
    fails_with(
        &lab.run(&["keyring", "move", "dev"]),
        &[
            "already holds other keys for `dev`",
            "****************0001",
            "--force",
        ],
    );
    assert_eq!(lab.files(), (CONFIG.to_string(), CREDS.to_string()));
    assert_eq!(lab.ss.lookup(&lab.home, "dev"), Some(old));
    support::assert_ok(
        &lab.run(&["keyring", "move", "dev", "--force"]),
        "move --force",
    );
    assert_eq!(
        lab.ss.lookup(&lab.home, "dev"),
        Some(stored(DEV_ID, DEV_SECRET))
    );
}

/// Runs `awsprof ARGS` with the config file on a tmpfs that is full, in a mount namespace
/// of its own (as root: `unshare -m`): the credentials file is written, then the config
/// file cannot be. Returns the run and the config file as it was left on the tmpfs.
#[cfg(target_os = "linux")]
fn with_a_full_config_disk(lab: &Lab, args: &[&str]) -> (Output, String) {
    let mount = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let script = r#"set -e
mount -t tmpfs -o size=64k tmpfs "$MNT"
cp "$CONFIG_SRC" "$MNT/config"
: > "$MNT/.config.lock"
dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null || true
set +e
"$@"
rc=$?
cp "$MNT/config" "$OUT/config"
exit $rc"#;
    let mut cmd = Command::new("unshare");
    lab.ss.isolate(&lab.home, &mut cmd);
    let out = cmd
        .env("TMPDIR", lab.tmp.path())
        .env("MNT", mount.path())
        .env("OUT", out_dir.path())
        .env("CONFIG_SRC", lab.home.config())
        .env("AWS_CONFIG_FILE", mount.path().join("config"))
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(support::bin())
        .args(args)
        .output()
        .expect("run unshare (util-linux)");
    let left = std::fs::read_to_string(out_dir.path().join("config")).unwrap_or_else(|e| {
        panic!(
            "the full-disk stand-in did not run ({e}): it needs root (or user namespaces) for `unshare -m` and `mount -t tmpfs`: {}",
            support::stderr(&out)
        )
    });
    (out, left)
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_half_way_leaves_the_files_and_the_keyring_as_they_were() {
    let lab = Lab::new(CONFIG, CREDS);
    // No entry before: none after.
    let (out, config) = with_a_full_config_disk(&lab, &["keyring", "move", "dev"]);
    fails_with(&out, &["No space left on device"]);
    assert_eq!(config, CONFIG);
    assert_eq!(
        support::read(lab.home.credentials()),
        CREDS,
        "the credentials file, written first, has its old bytes back"
    );
    assert_eq!(lab.ss.lookup(&lab.home, "dev"), None);
    assert!(lab.ss.item_paths().is_empty());

    // Other keys before (replaced with --force): the same keys after.
    let old = stored("AKIAOLDDEVKEY0000001", "oldSECRET");
    lab.ss.store(&lab.home, "dev", &old);
    let (out, config) = with_a_full_config_disk(&lab, &["keyring", "move", "dev", "--force"]);
    fails_with(&out, &["No space left on device"]);
    assert_eq!(config, CONFIG);
    assert_eq!(support::read(lab.home.credentials()), CREDS);
    assert_eq!(lab.ss.lookup(&lab.home, "dev"), Some(old));

    // The same import, half-way.
    let (_download, csv) = new_key_csv();
    let csv = csv.to_str().unwrap();
    let (out, config) = with_a_full_config_disk(
        &lab,
        &["import", "--csv", csv, "--profile", "new", "--keyring"],
    );
    fails_with(&out, &["No space left on device"]);
    assert_eq!(config, CONFIG);
    assert_eq!(lab.ss.lookup(&lab.home, "new"), None);
}

#[cfg(unix)]
#[test]
fn keyring_remove_asks_at_the_terminal_and_deletes_the_keys_and_the_line() {
    let lab = Lab::new(CONFIG, CREDS);
    support::assert_ok(&lab.run(&["keyring", "move", "dev"]), "move");
    let moved = lab.files();
    let ask = || {
        let mut c = lab.cmd();
        c.args(["keyring", "remove", "dev"]);
        let mut pty = support::PtyChild::spawn(c);
        pty.expect("Delete access key ****************0001 of `dev` from the Secret Service and its credential_process line from ~/.aws/config?");
        pty
    };
    let mut pty = ask();
    pty.send("n\r");
    let (status, screen) = pty.finish();
    assert_eq!(status.code(), Some(1), "{screen}");
    assert!(screen.contains("not confirmed"), "{screen}");
    assert_eq!(lab.files(), moved);
    assert!(lab.ss.lookup(&lab.home, "dev").is_some());

    let mut pty = ask();
    pty.send("y\r");
    let (status, screen) = pty.finish();
    assert!(status.success(), "{screen}");
    assert_eq!(lab.ss.lookup(&lab.home, "dev"), None);
    assert_eq!(lab.files(), (CONFIG.to_string(), creds_without_dev_keys()));
    fails_with(
        &lab.run(&["keyring", "remove", "dev", "--yes"]),
        &["holds no keys for `dev`"],
    );
}

#[cfg(unix)]
#[test]
fn configure_keyring_at_the_terminal_keeps_the_typed_secret_out_of_every_file() {
    let lab = Lab::new(CONFIG, CREDS);
    let (id, secret) = ("AKIATYPEDKEYRING0001", "typedSECRETatTHEterminal");
    let mut pty = support::PtyChild::spawn({
        let mut c = lab.cmd();
        c.args(["configure", "--profile", "typed", "--keyring"]);
        c
    });
    pty.expect("AWS Access Key ID [None]: ");
    pty.send(&format!("{id}\r"));
    pty.expect("AWS Secret Access Key [None]: ");
    assert!(!pty.echo_on());
    pty.send(&format!("{secret}\r"));
    pty.expect("Default region name [None]: ");
    pty.send("eu-central-1\r");
    pty.expect("Default output format [None]: ");
    pty.send("\r");
    let (status, screen) = pty.finish();
    assert!(status.success(), "{screen}");
    assert!(!screen.contains(secret), "{screen}");
    assert_eq!(lab.ss.lookup(&lab.home, "typed"), Some(stored(id, secret)));
    let (config, creds) = lab.files();
    assert_eq!(creds, CREDS);
    assert!(
        config.ends_with("\n[profile typed]\ncredential_process = awsprof keyring credentials typed\nregion = eu-central-1\n"),
        "{config}"
    );
    assert!(lab.files_with(secret).is_empty());

    // Again: the defaults shown come from the keyring; Enter keeps them.
    let mut pty = support::PtyChild::spawn({
        let mut c = lab.cmd();
        c.args(["configure", "--profile", "typed"]);
        c
    });
    pty.expect("AWS Access Key ID [****************0001]: ");
    pty.send("\r");
    pty.expect("AWS Secret Access Key [****************inal]: ");
    pty.send("\r");
    pty.expect("Default region name [eu-central-1]: ");
    pty.send("\r");
    pty.expect("Default output format [None]: ");
    pty.send("\r");
    let (status, screen) = pty.finish();
    assert!(status.success(), "{screen}");
    assert_eq!(lab.files(), (config, creds));
    assert_eq!(lab.ss.lookup(&lab.home, "typed"), Some(stored(id, secret)));
}

#[test]
fn keyring_list_names_entries_no_profile_reads_and_profiles_whose_entry_is_gone() {
    let lab = Lab::new(&format!("{CONFIG}{KR}"), CREDS);
    lab.ss
        .store(&lab.home, "orphan", &stored("AKIAORPHANKEY0000009", "x"));
    let out = support::stdout_ok(&lab.run(&["keyring", "list"]));
    assert_eq!(
        out,
        "kr      -                     missing: no entry in the keyring\norphan  ****************0009  unused: no profile reads it\n"
    );
    let json: serde_json::Value = serde_json::from_str(&support::stdout_ok(
        &lab.run(&["keyring", "list", "--json"]),
    ))
    .unwrap();
    assert_eq!(json[0]["state"], "missing");
    assert_eq!(json[1]["profile"], serde_json::Value::Null);
    assert_eq!(json[1]["account"], "orphan");
    fails_with(
        &lab.run(&["export", "kr"]),
        &[
            "profile `kr` reads its keys from the Secret Service",
            "none there",
        ],
    );
}
