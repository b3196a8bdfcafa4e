//! `awsprof env PROFILE --server -- CMD`: CMD gets its credentials from a local server
//! over the container credential protocol, as boto3, the AWS CLI and every SDK read it;
//! the server renews them before they expire and stops when CMD exits. Against moto
//! behind the request-counting proxy; the real AWS CLI and boto3 are the commands.

use crate::credentials_sts::{lab, Lab};
use crate::support::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROLE_ARN: &str = "arn:aws:sts::123456789012:assumed-role/RoleA/awsprof-test";

/// Writes an executable script into the lab's home.
fn script(lab: &Lab, name: &str, body: &str) -> PathBuf {
    let path = lab.home.path().join(name);
    write_executable(&path, body);
    path
}

/// `awsprof env PROFILE --server -- CMD...` with awsprof (and so CMD) talking to STS
/// through the proxy, started with identity variables that CMD must not see.
fn server(lab: &Lab, profile: &str, cmd: &[&str]) -> Command {
    let mut c = lab.home.cmd();
    c.args(["env", profile, "--server", "--"])
        .args(cmd)
        .env("AWS_ENDPOINT_URL_STS", lab.proxy.url())
        .env("AWS_PROFILE", "base")
        .env("AWS_DEFAULT_PROFILE", "base")
        .env("AWS_ACCESS_KEY_ID", "AKIALEAKEDINTOCMD000")
        .env("AWS_SECRET_ACCESS_KEY", "leaked")
        .env("AWS_SESSION_TOKEN", "leaked")
        .env("OUT", lab.home.path());
    c
}

/// One HTTP/1.1 GET to the server, as an SDK sends it; the status and body.
fn get(port: u16, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    let auth = token.map_or_else(String::new, |t| format!("Authorization: {t}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The address a socket listening on `port` is bound to, from /proc/net/tcp (hex, as the
/// kernel writes it: 0100007F is 127.0.0.1).
fn listening_address(port: u16) -> Option<String> {
    let table = read("/proc/net/tcp") + &read("/proc/net/tcp6");
    table.lines().skip(1).find_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (addr, hex_port) = cols.get(1)?.split_once(':')?;
        (u16::from_str_radix(hex_port, 16).ok()? == port && cols.get(3) == Some(&"0A"))
            .then(|| addr.to_string())
    })
}

fn wait_exit(child: &mut Child, secs: u64) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "still running after {secs} s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn the_aws_cli_and_boto3_get_the_role_from_the_server_and_nothing_else() {
    require_python_module("boto3");
    let lab = lab();
    let cmd = script(
        &lab,
        "cmd.sh",
        r#"#!/bin/sh
env > "$OUT/env"
# The role names no region, so awsprof set none, as for plain `env`.
export AWS_DEFAULT_REGION=us-east-1
aws sts get-caller-identity --output json > "$OUT/cli.json" || exit 20
python3 -c 'import boto3, json; print(json.dumps(boto3.client("sts", region_name="us-east-1").get_caller_identity()))' > "$OUT/boto3.json" || exit 21
printf '%s\n%s\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" > "$OUT/endpoint.tmp"
mv "$OUT/endpoint.tmp" "$OUT/endpoint"
while [ ! -e "$OUT/probed" ]; do sleep 0.05; done
exit 0
"#,
    );
    let mut child = server(&lab, "role", &[cmd.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let endpoint = lab.home.path().join("endpoint");
    wait_for("CMD to have asked AWS who it is", 60, || {
        endpoint.exists() || child.try_wait().unwrap().is_some()
    });
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        panic!("CMD ended early ({status}): {err}");
    }
    let text = read(&endpoint);
    let mut lines = text.lines();
    let (uri, token) = (
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
    );
    assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");
    let rest = uri.trim_start_matches("http://127.0.0.1:");
    let (port, path) = rest.split_at(rest.find('/').unwrap());
    let port: u16 = port.parse().unwrap();
    assert!(
        path.len() > 20 && token.len() >= 32,
        "a random path and token: {path} {token}"
    );

    // The AWS CLI and boto3 ran as the role, through the server.
    assert_eq!(arn_of(&read(lab.home.path().join("cli.json"))), ROLE_ARN);
    assert_eq!(arn_of(&read(lab.home.path().join("boto3.json"))), ROLE_ARN);
    assert_eq!(lab.proxy.count("Action=AssumeRole"), 1);
    // CMD's environment held none of the identity it was started with.
    let env = read(lab.home.path().join("env"));
    for var in [
        "AWS_ACCESS_KEY_ID=",
        "AWS_SECRET_ACCESS_KEY=",
        "AWS_SESSION_TOKEN=",
        "AWS_PROFILE=",
        "AWS_DEFAULT_PROFILE=",
    ] {
        assert!(
            !env.lines().any(|l| l.starts_with(var)),
            "{var} in CMD's environment:\n{env}"
        );
    }
    assert!(env.contains(&format!("AWS_CONTAINER_CREDENTIALS_FULL_URI={uri}")));

    // Only with the token; only on loopback.
    assert_eq!(get(port, path, None).0, 401);
    assert_eq!(get(port, path, Some("not-the-token")).0, 401);
    assert_eq!(
        get(port, "/elsewhere", None).0,
        401,
        "nothing is told without the token"
    );
    assert_eq!(get(port, "/elsewhere", Some(token)).0, 404);
    let (status, body) = get(port, path, Some(token));
    assert_eq!(status, 200, "{body}");
    let served: serde_json::Value = serde_json::from_str(&body).unwrap();
    let key = served["AccessKeyId"].as_str().unwrap();
    assert!(served["Token"].is_string() && served["Expiration"].as_str().unwrap().ends_with('Z'));
    assert!(
        lab.proxy.sent().contains(&format!("Credential={key}/")),
        "CMD signed with the served key"
    );
    assert_eq!(
        listening_address(port).as_deref(),
        Some("0100007F"),
        "bound to 127.0.0.1 only"
    );

    std::fs::write(lab.home.path().join("probed"), "").unwrap();
    let status = wait_exit(&mut child, 20);
    assert!(status.success(), "{status}");
    // Nothing listens once CMD has exited.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    assert_eq!(listening_address(port), None);
}

#[test]
fn the_server_renews_the_credentials_before_they_expire() {
    require_python_module("boto3");
    let lab = lab();
    // moto takes any DurationSeconds (STS's least is 900): these expire 5 min 15 s after
    // they are issued, so 15 s later they are within the 5-minute refresh window.
    let mut config = read(lab.home.config());
    config.push_str("\n[profile short]\nrole_arn = arn:aws:iam::123456789012:role/Short\nsource_profile = base\nduration_seconds = 315\nrole_session_name = short\n");
    std::fs::write(lab.home.config(), config).unwrap();
    // One boto3 session, as a long job holds it: it asks the server again as the
    // credentials near their end, and must get new ones.
    let py = script(
        &lab,
        "renew.py",
        r#"import boto3, time
s = boto3.Session(region_name="us-east-1")
first = s.get_credentials().get_frozen_credentials().access_key
arn = s.client("sts").get_caller_identity()["Arn"]
deadline = time.time() + 60
while time.time() < deadline:
    now = s.get_credentials().get_frozen_credentials().access_key
    if now != first:
        arn = s.client("sts").get_caller_identity()["Arn"]
        print(first, now, arn)
        break
    time.sleep(0.5)
"#,
    );
    let out = server(&lab, "short", &["python3", py.to_str().unwrap()])
        .output()
        .unwrap();
    let text = stdout_ok(&out);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(
        words.len(),
        3,
        "renewed within a minute: {text:?} {}",
        stderr(&out)
    );
    assert_ne!(words[0], words[1]);
    assert_eq!(
        words[2],
        "arn:aws:sts::123456789012:assumed-role/Short/short"
    );
    assert_eq!(
        lab.proxy.count("Action=AssumeRole"),
        2,
        "one call at the start, one renewal"
    );
}

#[cfg(unix)]
#[test]
fn the_command_exit_status_and_signals_pass_through() {
    let lab = lab();
    let status = server(&lab, "role", &["sh", "-c", "exit 7"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(7));
    // Killed by a signal: awsprof ends by the same signal, as if CMD had replaced it.
    use std::os::unix::process::ExitStatusExt;
    let status = server(&lab, "role", &["sh", "-c", "kill -TERM $$"])
        .status()
        .unwrap();
    assert_eq!(status.signal(), Some(15), "{status}");
    // Not found: 127, as env(1) and plain `awsprof env`.
    let out = server(&lab, "role", &["/nonexistent/cmd"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot run `/nonexistent/cmd`"),
        "{}",
        stderr(&out)
    );

    // A SIGTERM sent to awsprof reaches CMD, once; awsprof ends as CMD then ends.
    let log = lab.home.path().join("signals");
    let trap = script(
        &lab,
        "trap.sh",
        &format!(
            "#!/bin/sh\ntrap 'echo TERM >> {0}; exit 3' TERM\ntouch {0}.ready\nwhile :; do sleep 0.05; done\n",
            log.display()
        ),
    );
    let mut child = server(&lab, "role", &[trap.to_str().unwrap()])
        .spawn()
        .unwrap();
    let ready = PathBuf::from(format!("{}.ready", log.display()));
    wait_for("CMD to start", 30, || ready.exists());
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    assert_eq!(wait_exit(&mut child, 10).code(), Some(3));
    assert_eq!(read(&log), "TERM\n");
}

#[cfg(unix)]
#[test]
fn ctrl_c_at_the_terminal_reaches_the_command_once() {
    let lab = lab();
    let log = lab.home.path().join("signals");
    let trap = script(
        &lab,
        "trap.sh",
        &format!(
            "#!/bin/sh\ntrap 'echo INT >> {0}' INT\ntouch {0}.ready\nwhile :; do sleep 0.05; done\n",
            log.display()
        ),
    );
    let mut pty = PtyChild::spawn(server(&lab, "role", &[trap.to_str().unwrap()]));
    let ready = PathBuf::from(format!("{}.ready", log.display()));
    wait_for("CMD to start", 30, || ready.exists());
    pty.send("\x03");
    wait_for("CMD's trap", 10, || read(&log).contains("INT"));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        read(&log),
        "INT\n",
        "the terminal's SIGINT went to CMD, and awsprof did not send it again"
    );
    assert!(
        pty.child.try_wait().unwrap().is_none(),
        "awsprof survives what CMD survives"
    );
    // And goes when CMD goes.
    let pid = rustix::process::Pid::from_raw(pty.child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let (status, _) = pty.finish();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(15));
}

#[test]
fn default_profile_keys_in_the_files_are_hidden_from_the_command() {
    let lab = lab();
    // [default] holds keys: the SDKs' chain would take them before the container endpoint.
    let mut creds = read(lab.home.credentials());
    creds.push_str(
        "\n[default]\naws_access_key_id = AKIADEFAULTUSER00000\naws_secret_access_key = d\n",
    );
    std::fs::write(lab.home.credentials(), &creds).unwrap();
    let mut config = read(lab.home.config());
    config.push_str("\n[default]\nregion = eu-central-1\n");
    std::fs::write(lab.home.config(), &config).unwrap();
    let cmd = script(
        &lab,
        "cmd.sh",
        r#"#!/bin/sh
aws --region us-east-1 sts get-caller-identity --output json > "$OUT/hidden.json" || exit 20
# The same command on the real files: [default]'s keys win over the server.
AWS_SHARED_CREDENTIALS_FILE="$OUT/.aws/credentials" aws --region us-east-1 sts get-caller-identity --output json > "$OUT/real.json" || exit 21
printf '%s\n%s\n' "$AWS_SHARED_CREDENTIALS_FILE" "$AWS_CONFIG_FILE" > "$OUT/files"
cat "$AWS_SHARED_CREDENTIALS_FILE" > "$OUT/copy"
aws configure get region > "$OUT/region"
"#,
    );
    let out = server(&lab, "role", &[cmd.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ok(&out, "env --server");
    assert_eq!(arn_of(&read(lab.home.path().join("hidden.json"))), ROLE_ARN);
    assert_ne!(
        arn_of(&read(lab.home.path().join("real.json"))),
        ROLE_ARN,
        "the caveat is real"
    );
    assert!(lab
        .proxy
        .sent()
        .contains("Credential=AKIADEFAULTUSER00000/"));
    let err = stderr(&out);
    assert!(
        err.contains(
            "[default] profile has credentials (aws_access_key_id, aws_secret_access_key)"
        ),
        "{err}"
    );
    let copy = read(lab.home.path().join("copy"));
    assert!(
        copy.contains("[default]") && !copy.contains("AKIADEFAULTUSER"),
        "{copy}"
    );
    assert!(copy.contains("[base]"), "the other profiles stay: {copy}");
    // [default]'s other settings stay (the role has no region, so none is set for CMD).
    assert_eq!(read(lab.home.path().join("region")).trim(), "eu-central-1");
    // Only the file that holds [default]'s keys is copied; the copy is gone once CMD has
    // exited. The config file holds none, so CMD reads the real one.
    let files = read(lab.home.path().join("files"));
    let mut lines = files.lines();
    let (credentials, config) = (lines.next().unwrap(), lines.next().unwrap_or_default());
    assert!(credentials.contains("awsprof-server-"), "{credentials}");
    assert!(!Path::new(credentials).exists(), "{credentials} removed");
    assert!(
        !config.contains("awsprof-server-"),
        "config not copied: {config}"
    );
}
