//! What the end-to-end tests share: the binaries under test, a throwaway AWS home, the tools
//! the tests drive, terminals and servers.
//!
//! Nothing here skips: a missing tool, a missing virtualenv or a stale binary fails the test
//! with the command that fixes it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The command that builds the binaries these tests run: scripts/test's, plus the profile
/// when the tests were built with another (`cargo test --release`).
pub fn build_command() -> String {
    let build = "cargo build --workspace --bins --locked";
    match profile_dir().file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => build.to_string(),
        Some(profile) => format!("{build} --profile {profile}"),
    }
}

/// The command that makes the Python tools' virtualenv.
pub const VENV_SETUP: &str =
    "scripts/test (it runs: python3 -m venv target/venv && target/venv/bin/pip install -r tests/requirements.txt)";

/// The workspace root (this package is its `tests/` member).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The tests' data files (`tests/data`).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The directory of cargo's build profile this test binary belongs to (`target/debug` for
/// `target/debug/deps/e2e-HASH`): `cargo build --bins` puts the programs there.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the test binary's directory");
    deps.parent().unwrap_or(deps).to_path_buf()
}

/// The target directory: where `CACHEDIR.TAG` is (`target/`, or two levels up under
/// `--target TRIPLE`).
pub fn target_dir() -> PathBuf {
    let profile = profile_dir();
    profile
        .ancestors()
        .skip(1)
        .take(2)
        .find(|d| d.join("CACHEDIR.TAG").is_file())
        .or_else(|| profile.parent())
        .unwrap_or(&profile)
        .to_path_buf()
}

/// The program `name` built in [`profile_dir`], checked once per run to be newer than every
/// source file cargo's dep-info says it was built from. A package cannot name another's
/// binaries (`CARGO_BIN_EXE_*` is for its own), so the tests take what the last `cargo build`
/// left and refuse it when it is missing or older than its sources.
pub fn binary(name: &str) -> PathBuf {
    static CHECKED: Mutex<Vec<(String, Result<PathBuf, String>)>> = Mutex::new(Vec::new());
    let found = {
        let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
        match checked.iter().find(|(n, _)| n == name) {
            Some((_, r)) => r.clone(),
            None => {
                let r = fresh_binary(name);
                checked.push((name.to_string(), r.clone()));
                r
            }
        }
    };
    found.unwrap_or_else(|why| panic!("{why}"))
}

fn fresh_binary(name: &str) -> Result<PathBuf, String> {
    let build = build_command();
    let exe = profile_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let built = std::fs::metadata(&exe)
        .and_then(|m| m.modified())
        .map_err(|e| {
            format!(
                "{} is missing ({e}): run `{build}` before the tests (scripts/test does)",
                exe.display()
            )
        })?;
    let dep_info = profile_dir().join(format!("{name}.d"));
    let text = std::fs::read_to_string(&dep_info).map_err(|e| {
        format!(
            "{} ({e}): cannot tell whether {} is up to date; run `{build}`",
            dep_info.display(),
            exe.display()
        )
    })?;
    for source in dep_info_sources(&text) {
        let newer = match std::fs::metadata(&source).and_then(|m| m.modified()) {
            Ok(changed) => changed > built,
            Err(_) => true,
        };
        if newer {
            return Err(format!(
                "{} is older than {} (changed or gone since the last build): run `{build}` \
                 before the tests (scripts/test does)",
                exe.display(),
                source.display()
            ));
        }
    }
    Ok(exe)
}

/// The prerequisites of a Makefile rule as cargo writes dep-info (`target: a b\ c`).
fn dep_info_sources(text: &str) -> Vec<PathBuf> {
    let Some((_, deps)) = text.lines().find_map(|l| l.split_once(": ")) else {
        return Vec::new();
    };
    let mut sources = Vec::new();
    let mut word = String::new();
    let mut chars = deps.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            ' ' => {
                if !word.is_empty() {
                    sources.push(PathBuf::from(std::mem::take(&mut word)));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        sources.push(PathBuf::from(word));
    }
    sources
}

/// The `awsprof` binary under test.
pub fn bin() -> PathBuf {
    binary("awsprof")
}

/// The `awsprof-net` binary under test (beside [`bin`], where `awsprof` looks for it).
pub fn net_bin() -> PathBuf {
    binary("awsprof-net")
}

/// The virtualenv that holds the Python tools (moto, boto3, the AWS CLI) at the versions
/// `tests/requirements.txt` pins; scripts/test makes it.
pub fn venv() -> PathBuf {
    target_dir().join("venv")
}

/// A program of the virtualenv (`python3`, `aws`); fails, saying how to make the virtualenv,
/// when it is not there.
pub fn venv_tool(name: &str) -> PathBuf {
    let path = venv().join("bin").join(name);
    assert!(
        path.is_file(),
        "{} is missing: make the test virtualenv with {VENV_SETUP}",
        path.display()
    );
    path
}

/// The virtualenv's Python, which has boto3, botocore and moto.
pub fn python() -> PathBuf {
    venv_tool("python3")
}

/// The virtualenv's AWS CLI.
pub fn aws() -> PathBuf {
    venv_tool("aws")
}

/// The command that installs `tool` from Debian's packages, as scripts/test does.
fn install_hint(tool: &str) -> String {
    if tool == "nu" {
        return format!("scripts/test installs it, or: npm install -g nushell@{NU_VERSION}");
    }
    let package = match tool {
        "setpriv" => "util-linux",
        other => other,
    };
    format!("scripts/test installs it, or: apt-get install -y {package}")
}

/// Whether `tool` can run (`tool --version` or the given probe args succeed).
pub fn have(tool: &str, probe: &[&str]) -> bool {
    Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Fails the test, with the command that installs it, unless `tool` runs.
pub fn require(tool: &str, probe: &[&str]) {
    assert!(
        have(tool, probe),
        "{tool} is required by this test and is missing: {}",
        install_hint(tool)
    );
}

/// Fails the test, with the command that installs it, unless the virtualenv's Python can
/// import `module`.
pub fn require_python_module(module: &str) {
    let python = python();
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{} cannot import {module}: run {VENV_SETUP}",
        python.display()
    );
}

/// PATH for everything the tests start: the binaries under test first (the shell integration
/// calls `command awsprof`), then the virtualenv's tools, then the caller's PATH.
pub fn test_path() -> std::ffi::OsString {
    let mut dirs = vec![profile_dir(), venv().join("bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH")
}

/// A throwaway home with `~/.aws/config` and `~/.aws/credentials`.
pub struct AwsHome {
    pub dir: tempfile::TempDir,
}

impl AwsHome {
    /// An empty home (no `.aws` directory yet).
    pub fn new() -> AwsHome {
        AwsHome {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A home whose `.aws/config` and `.aws/credentials` hold these texts.
    pub fn with(config: &str, credentials: &str) -> AwsHome {
        let home = AwsHome::new();
        std::fs::create_dir_all(home.aws_dir()).unwrap();
        std::fs::write(home.config(), config).unwrap();
        std::fs::write(home.credentials(), credentials).unwrap();
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn aws_dir(&self) -> PathBuf {
        self.path().join(".aws")
    }

    pub fn config(&self) -> PathBuf {
        self.aws_dir().join("config")
    }

    pub fn credentials(&self) -> PathBuf {
        self.aws_dir().join("credentials")
    }

    /// `awsprof ARGS` with HOME pointing here and no AWS_* variables inherited.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(bin());
        self.isolate(&mut cmd);
        cmd
    }

    /// Makes any command see this home, [`test_path`] and none of the caller's AWS_* or
    /// AWSPROF_* variables.
    pub fn isolate(&self, cmd: &mut Command) {
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") || k.starts_with("AWSPROF_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("HOME", self.path()).env("PATH", test_path());
    }

    /// The virtualenv's AWS CLI, isolated like [`AwsHome::cmd`].
    pub fn aws(&self) -> Command {
        let mut cmd = Command::new(aws());
        self.isolate(&mut cmd);
        cmd
    }

    /// What the real AWS CLI reads from these files: `aws configure get KEY --profile P`
    /// ("" when it has no value).
    pub fn aws_get(&self, key: &str, profile: &str) -> String {
        let out = self
            .aws()
            .args(["configure", "get", key, "--profile", profile])
            .output()
            .expect("run aws");
        String::from_utf8(out.stdout)
            .expect("aws prints UTF-8")
            .trim_end()
            .to_string()
    }

    /// Runs `awsprof ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run awsprof")
    }
}

/// Checks a run failed clearly: exit status 1, nothing on stdout, no panic, and stderr
/// holding each of `needles`. Returns stderr.
pub fn fails_clearly(out: &Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "exit status; stderr: {stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr {stderr:?} should contain {n:?}");
    }
    stderr
}

/// Fails the test, showing `what`, the exit status and stderr, unless `out` is a success.
#[track_caller]
pub fn assert_ok(out: &Output, what: impl std::fmt::Display) {
    assert!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        stderr(out)
    );
}

/// stdout of a successful run, as text; fails with stderr otherwise.
#[track_caller]
pub fn stdout_ok(out: &Output) -> String {
    assert_ok(out, "command");
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `cmd` with `input` on its stdin (then closed), stdout and stderr captured.
pub fn output_with_stdin(cmd: &mut Command, input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Writes `text` to `path` as an executable script (a `credential_process`, a `BROWSER`).
#[cfg(unix)]
pub fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A file's text, or "" when it does not exist.
pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A command running on a pseudo-terminal, as if a user typed at it.
#[cfg(unix)]
pub struct PtyChild {
    pub master: std::fs::File,
    pub child: std::process::Child,
    output: std::sync::mpsc::Receiver<Vec<u8>>,
    /// Everything the command wrote to the terminal so far.
    pub seen: String,
}

#[cfg(unix)]
impl PtyChild {
    /// Starts `cmd` with a new pseudo-terminal as its controlling terminal and its stdin,
    /// stdout and stderr.
    pub fn spawn(mut cmd: Command) -> PtyChild {
        use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
        use std::os::unix::process::CommandExt;
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().expect("pts name"))
            .expect("open pts");
        cmd.stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave);
        // SAFETY: setsid and TIOCSCTTY are async-signal-safe system calls.
        unsafe {
            cmd.pre_exec(|| {
                rustix::process::setsid()?;
                rustix::process::ioctl_tiocsctty(std::os::fd::BorrowedFd::borrow_raw(0))?;
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn on pty");
        drop(cmd);
        let master = std::fs::File::from(master);
        let mut reader = master.try_clone().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            // EIO once the command has exited and the terminal has no other user.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        PtyChild {
            master,
            child,
            output: rx,
            seen: String::new(),
        }
    }

    /// Waits until the output since the last match contains `needle`; panics after 10 s.
    pub fn expect(&mut self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if self.seen.contains(needle) {
                let at = self.seen.find(needle).unwrap() + needle.len();
                self.seen.drain(..at);
                return;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!(
                    "timed out waiting for {needle:?}; the terminal shows {:?}",
                    self.seen
                ),
            }
        }
    }

    /// Everything the command wrote to the terminal since the last match, without waiting.
    pub fn poll(&mut self) -> &str {
        while let Ok(bytes) = self.output.try_recv() {
            self.seen.push_str(&String::from_utf8_lossy(&bytes));
        }
        &self.seen
    }

    /// Types `text` at the terminal.
    pub fn send(&mut self, text: &str) {
        use std::io::Write;
        self.master.write_all(text.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Waits for the command to exit and returns its status and the rest of its output.
    /// Panics (after killing it) when it runs for more than 20 s.
    pub fn finish(&mut self) -> (std::process::ExitStatus, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            while let Ok(bytes) = self.output.try_recv() {
                self.seen.push_str(&String::from_utf8_lossy(&bytes));
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "still running after 20 s; the terminal shows {:?}",
                    self.seen
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        while let Ok(bytes) = self
            .output
            .recv_timeout(std::time::Duration::from_millis(200))
        {
            self.seen.push_str(&String::from_utf8_lossy(&bytes));
        }
        (status, std::mem::take(&mut self.seen))
    }

    /// Whether the terminal echoes input now (read through the master side).
    pub fn echo_on(&self) -> bool {
        rustix::termios::tcgetattr(&self.master)
            .expect("tcgetattr")
            .local_modes
            .contains(rustix::termios::LocalModes::ECHO)
    }
}

/// A free TCP port on 127.0.0.1 (bound and released; fine for a test server to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something listens on `port`; panics after `secs` seconds.
pub fn wait_for_port(port: u16, secs: u64, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not start listening on 127.0.0.1:{port} within {secs}s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The real moto server (`python3 -m moto.server` of the virtualenv) on a free port, one
/// for the whole run: the tests keep no state in it that another could disturb (each counts
/// its own calls through a [`CountingProxy`]), and a start costs over a second of CPU. It
/// stops when this test process ends, however it ends: a shell runs it and kills it once
/// its stdin, a pipe from this process, closes.
pub struct Moto {
    pub port: u16,
    /// The shell around moto, with the write end of its stdin: never waited for, as it
    /// lives as long as this process.
    _guard: std::process::Child,
}

impl Moto {
    /// The run's moto, started on first use; fails the test when moto is not installed.
    pub fn shared() -> &'static Moto {
        static MOTO: std::sync::OnceLock<Moto> = std::sync::OnceLock::new();
        MOTO.get_or_init(|| Moto::start(&[]))
    }

    /// A moto of its own, with `vars` in its environment (`INITIAL_NO_AUTH_ACTION_COUNT`
    /// turns its IAM checks on), stopped when dropped.
    pub fn start(vars: &[(&str, &str)]) -> Moto {
        require_python_module("moto.server");
        let port = free_port();
        let guard = Command::new("sh")
            .envs(vars.iter().copied())
            .args([
                "-c",
                r#""$0" -m moto.server -H 127.0.0.1 -p "$1" >/dev/null 2>&1 </dev/null &
read -r _; kill "$!""#,
            ])
            .arg(python())
            .arg(port.to_string())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("start moto");
        wait_for_port(port, 30, "moto");
        Moto {
            port,
            _guard: guard,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    /// Closing its stdin stops it (the shared one lives as long as the test process).
    fn drop(&mut self) {
        drop(self._guard.stdin.take());
        let _ = self._guard.wait();
    }
}

/// A TCP proxy in front of a server that keeps a copy of every byte sent to it, so a test
/// can count the requests a command made (`requests("Action=AssumeRole")`).
pub struct CountingProxy {
    pub port: u16,
    log: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl CountingProxy {
    pub fn to(upstream: u16) -> CountingProxy {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().unwrap().port();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let shared = log.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let (mut c_read, mut s_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (mut s_read, mut c_write) = (server, client);
                let log = shared.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = c_read.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        log.lock().unwrap().extend_from_slice(&buf[..n]);
                        if s_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = s_write.shutdown(Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut s_read, &mut c_write);
                    let _ = c_write.shutdown(Shutdown::Write);
                });
            }
        });
        CountingProxy { port, log }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything sent through the proxy so far.
    pub fn sent(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned()
    }

    /// How many HTTP requests went through (request lines end in ` HTTP/1.1`).
    pub fn requests(&self) -> usize {
        self.sent().matches(" HTTP/1.1\r\n").count()
    }

    /// How many requests name `needle` (an `Action=...` of the STS query protocol).
    pub fn count(&self, needle: &str) -> usize {
        self.sent().matches(needle).count()
    }
}

/// Runs `script` in bash with this home's isolation and extra variables; returns output.
pub fn bash(home: &AwsHome, script: &str, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    home.isolate(&mut cmd);
    cmd.arg("-c").arg(script);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("run bash")
}

/// Parses `aws sts get-caller-identity` / boto3 JSON output and returns the ARN.
pub fn arn_of(json: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    v["Arn"].as_str().expect("an Arn").to_string()
}
/// The shells the shell-integration tests drive, each started without reading any user
/// start-up file.
pub const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "dash", "nu"];

/// The version of nushell scripts/test installs (`npm install -g nushell@NU_VERSION`).
pub const NU_VERSION: &str = "0.108.0";

/// The nushell program. npm's `nu` is a Node.js script that starts the real binary (from
/// the platform package beside it) as a child; the tests run that binary itself, so that
/// what runs in a terminal is nushell and nothing stands between it and the tty.
pub fn nu_program() -> PathBuf {
    static FOUND: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let path = std::env::split_paths(&test_path())
                .map(|d| d.join("nu"))
                .find(|p| p.is_file())?;
            let real = path.canonicalize().ok()?;
            let head = std::fs::read(&real).ok()?;
            if !head.starts_with(b"#!") {
                return Some(real);
            }
            // .../nushell/lib/index.js -> .../nushell/node_modules/@nushell/<os>-<arch>/bin/nu
            let package = real.parent()?.parent()?;
            std::fs::read_dir(package.join("node_modules/@nushell"))
                .ok()?
                .flatten()
                .map(|e| e.path().join("bin/nu"))
                .find(|p| p.is_file())
        })
        .clone()
        .unwrap_or_else(|| {
            panic!(
                "nushell (nu) is required by this test and is missing: scripts/test installs it, \
                 or: npm install -g nushell@{NU_VERSION}"
            )
        })
}

/// A command that starts `shell` without start-up files (`bash --noprofile --norc`,
/// `zsh -f`, `fish --no-config`, `nu -n`, `dash`).
pub fn shell_command(shell: &str) -> Command {
    let mut cmd = if shell == "nu" {
        Command::new(nu_program())
    } else {
        Command::new(shell)
    };
    match shell {
        "nu" => {
            cmd.arg("--no-config-file");
        }
        "bash" => {
            cmd.args(["--noprofile", "--norc"]);
        }
        "zsh" => {
            cmd.arg("-f");
        }
        "fish" => {
            cmd.arg("--no-config");
        }
        _ => {}
    }
    cmd
}

/// Like [`require`] for one of [`SHELLS`].
pub fn require_shell(shell: &str) {
    if shell == "nu" {
        let ok = Command::new(nu_program())
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "{} does not run: npm install -g nushell@{NU_VERSION}",
            nu_program().display()
        );
        return;
    }
    let probe: &[&str] = match shell {
        "dash" => &["-c", "true"],
        _ => &["--version"],
    };
    require(shell, probe)
}

impl AwsHome {
    /// `shell -c SCRIPT ARGS...` with this home as HOME and working directory, awsprof
    /// first on PATH ([`test_path`]), and none of the caller's AWS_* variables.
    pub fn shell(&self, shell: &str, script: &str, args: &[&str]) -> Output {
        let mut cmd = shell_command(shell);
        self.isolate(&mut cmd);
        cmd.env_remove("COMPLETE")
            .current_dir(self.path())
            .arg("-c")
            .arg(script);
        if !args.is_empty() {
            // sh -c SCRIPT NAME ARGS: the first word is $0. fish takes options until `--`;
            // nushell takes a script file and its arguments (see nu_script).
            assert!(
                shell != "nu",
                "nushell: run a script file with AwsHome::nu_script"
            );
            cmd.arg(if shell == "fish" { "--" } else { shell });
        }
        cmd.args(args);
        cmd.output().expect("run shell")
    }

    /// `nu SCRIPT ARGS...` (a script whose `def main [...args]` gets ARGS), isolated like
    /// [`AwsHome::shell`]; the script is written into this home.
    pub fn nu_script(&self, script: &str, args: &[&str]) -> Output {
        let file = self.path().join("test-script.nu");
        std::fs::write(&file, script).expect("write the nu script");
        let mut cmd = shell_command("nu");
        self.isolate(&mut cmd);
        cmd.env_remove("COMPLETE")
            .current_dir(self.path())
            .arg(&file)
            .args(args);
        cmd.output().expect("run nu")
    }

    /// Writes `awsprof init nu` into this home as `awsprof.nu`, for a nushell script to
    /// `source`.
    pub fn write_nu_init(&self) {
        let out = self.run(&["init", "nu"]);
        std::fs::write(self.path().join("awsprof.nu"), stdout_ok(&out)).expect("write init");
    }
}

pub use crate::fake_portal::{FakeHttp, Portal};

/// Where the AWS CLI v2 keeps the IAM Identity Center token of `key` (the sso-session
/// name, or a legacy profile's start URL): named by Python's SHA-1, as the CLI names it.
pub fn token_file(home: &AwsHome, key: &str) -> PathBuf {
    home.aws_dir()
        .join("sso/cache")
        .join(format!("{}.json", python_sha1(key)))
}

/// A token cache file as `aws sso login` (AWS CLI v2) writes it.
pub fn write_cli_token(home: &AwsHome, key: &str, token: serde_json::Value) {
    let path = token_file(home, key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(&token).unwrap()).unwrap();
}

/// SHA-1 hex of `text`, computed by Python's hashlib (an implementation independent of
/// awsprof's, as the AWS CLI computes its cache names).
pub fn python_sha1(text: &str) -> String {
    let out = Command::new(python())
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest())",
            text,
        ])
        .output()
        .expect("run python3");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Writes `text` to `path` and makes it executable (a script a profile runs).
pub fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// SHA-256 hex of `text` by Python's hashlib (as the AWS CLI names its login token files).
pub fn python_sha256(text: &str) -> String {
    let out = Command::new(python())
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())",
            text,
        ])
        .output()
        .expect("run python3");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The AWS CLI v2's login token cache file for `session` (what `aws login` writes), with
/// credentials `key_id` expiring `expires_in` seconds from now and a real P-256 DPoP key
/// (made by Python's cryptography) for the refresh.
pub fn write_login_token(home: &AwsHome, session: &str, key_id: &str, expires_in: i64) -> PathBuf {
    let out = Command::new(python())
        .args([
            "-c",
            concat!(
                "from cryptography.hazmat.primitives.asymmetric import ec\n",
                "from cryptography.hazmat.primitives import serialization as s\n",
                "k = ec.generate_private_key(ec.SECP256R1())\n",
                "print(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL,",
                " s.NoEncryption()).decode(), end='')",
            ),
        ])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pem = String::from_utf8(out.stdout).unwrap();
    let token = serde_json::json!({
        "accessToken": {
            "accessKeyId": key_id,
            "secretAccessKey": "login-secret",
            "sessionToken": format!("login-session-for-{key_id}"),
            "accountId": "123456789012",
            "expiresAt": python_utc_in(expires_in),
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "refresh-0",
        "idToken": "id-token",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "dpopKey": pem,
    });
    let dir = home.aws_dir().join("login/cache");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.json", python_sha256(session.trim())));
    std::fs::write(&path, serde_json::to_string_pretty(&token).unwrap()).unwrap();
    path
}

/// A UTC timestamp `seconds` from now as the AWS CLI v2 writes it (`...Z`), by Python.
pub fn python_utc_in(seconds: i64) -> String {
    let out = Command::new(python())
        .args([
            "-c",
            "import sys,datetime as d; print((d.datetime.now(d.timezone.utc)+d.timedelta(seconds=int(sys.argv[1]))).strftime('%Y-%m-%dT%H:%M:%SZ'))",
            &seconds.to_string(),
        ])
        .output()
        .expect("run python3");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `tmux -S SOCK ARGS`: one tmux server per test, on its own socket.
pub fn tmux(sock: &Path, args: &[&str]) -> Output {
    Command::new("tmux")
        .arg("-S")
        .arg(sock)
        .args(args)
        .output()
        .expect("run tmux")
}

/// Starts a detached tmux session of `cols` x `rows` on `sock`, running `command` in
/// `home` (isolated as [`AwsHome::isolate`] makes it, with an xterm's TERM).
pub fn tmux_session(home: &AwsHome, sock: &Path, (cols, rows): (u16, u16), command: &str) {
    let mut cmd = Command::new("tmux");
    home.isolate(&mut cmd);
    let (cols, rows) = (cols.to_string(), rows.to_string());
    let status = cmd
        .env("TERM", "xterm-256color")
        .current_dir(home.path())
        .arg("-S")
        .arg(sock)
        .args([
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &cols,
            "-y",
            &rows,
            command,
        ])
        .status()
        .expect("start tmux");
    assert!(status.success(), "tmux new-session failed");
}

/// Polls until `cond` holds; fails the test after `secs` seconds, naming `what`.
pub fn wait_for(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A real Secret Service for one test: a private D-Bus session bus (its own
/// `dbus-daemon` with a config that starts nothing on demand, so no desktop service and
/// no unlock prompt can appear) and, unless asked for a bare bus, `gnome-keyring-daemon`
/// on it with a new login keyring unlocked by a known password. The keyring's files live
/// under the test's home (`XDG_DATA_HOME`), so nothing touches the user's own keyring,
/// and a test can grep them. Both daemons are killed when this is dropped.
#[cfg(unix)]
pub struct SecretService {
    /// `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    /// Runtime directory (the bus socket, gnome-keyring's control socket): `XDG_RUNTIME_DIR`.
    pub runtime: tempfile::TempDir,
    /// `XDG_DATA_HOME`, `XDG_CONFIG_HOME`, `XDG_CACHE_HOME`: under the home.
    data: PathBuf,
    config: PathBuf,
    cache: PathBuf,
    bus: std::process::Child,
    keyring: Option<std::process::Child>,
}

/// The apt packages of a Secret Service for the tests.
pub const SECRET_SERVICE_INSTALL: &str =
    "scripts/test installs them, or: apt-get install -y dbus gnome-keyring libsecret-tools";

/// Fails the test unless `tool` is an executable on PATH (secret-tool has no option that
/// exits 0 without doing something).
fn require_secret_service_tool(tool: &str) {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(tool).is_file()));
    assert!(
        found,
        "{tool} is required by this test and is missing: {SECRET_SERVICE_INSTALL}"
    );
}

#[cfg(unix)]
impl SecretService {
    /// A private bus with an unlocked gnome-keyring-daemon, its data under `home`.
    pub fn start(home: &AwsHome) -> SecretService {
        let mut ss = SecretService::bus_only(home);
        require_secret_service_tool("gnome-keyring-daemon");
        let mut cmd = Command::new("gnome-keyring-daemon");
        ss.isolate(home, &mut cmd);
        let mut child = cmd
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        {
            use std::io::Write;
            // --unlock reads the login keyring's password from stdin, up to its end.
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(Self::PASSWORD.as_bytes()).unwrap();
        }
        ss.keyring = Some(child);
        wait_for("gnome-keyring-daemon on the test bus", 20, || {
            ss.dbus(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .contains("boolean true")
        });
        ss
    }

    /// The login keyring's password.
    pub const PASSWORD: &'static str = "test-login-password";

    /// A private session bus with no Secret Service on it.
    pub fn bus_only(home: &AwsHome) -> SecretService {
        for tool in ["dbus-daemon", "dbus-send", "secret-tool"] {
            require_secret_service_tool(tool);
        }
        let runtime = tempfile::tempdir().expect("runtime dir");
        let socket = runtime.path().join("bus");
        let conf = runtime.path().join("bus.conf");
        // No <servicedir>: nothing is started on demand (the desktop's gnome-keyring, the
        // GUI prompter), so a test sees only what it started.
        std::fs::write(
            &conf,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .unwrap();
        let bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .args(["--nofork", "--nopidfile"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let ss = SecretService {
            address: format!("unix:path={}", socket.display()),
            data: home.path().join(".local/share"),
            config: home.path().join(".config"),
            cache: home.path().join(".cache"),
            runtime,
            bus,
            keyring: None,
        };
        wait_for("the test's dbus-daemon", 20, || {
            ss.dbus(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.GetId",
            ])
            .contains("string")
        });
        ss
    }

    /// Makes `cmd` see this bus and these directories (and no display to prompt on), as
    /// well as `home` the way [`AwsHome::isolate`] makes it.
    pub fn isolate(&self, home: &AwsHome, cmd: &mut Command) {
        home.isolate(cmd);
        for k in ["DISPLAY", "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL"] {
            cmd.env_remove(k);
        }
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_RUNTIME_DIR", self.runtime.path())
            .env("XDG_DATA_HOME", &self.data)
            .env("XDG_CONFIG_HOME", &self.config)
            .env("XDG_CACHE_HOME", &self.cache);
    }

    /// `awsprof` on this bus.
    pub fn awsprof(&self, home: &AwsHome) -> Command {
        let mut cmd = Command::new(bin());
        self.isolate(home, &mut cmd);
        cmd
    }

    /// `dbus-send --session --print-reply ARGS` on this bus: its stdout ("" on failure).
    pub fn dbus(&self, args: &[&str]) -> String {
        let out = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args(["--session", "--print-reply"])
            .args(args)
            .output()
            .expect("run dbus-send");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The secret of awsprof's entry for `account`, read by libsecret's `secret-tool`, a
    /// client independent of awsprof; `None` when there is none.
    pub fn lookup(&self, home: &AwsHome, account: &str) -> Option<String> {
        let mut cmd = Command::new("secret-tool");
        self.isolate(home, &mut cmd);
        let out = cmd
            .args(["lookup", "service", "awsprof", "username", account])
            .output()
            .expect("run secret-tool");
        let text = String::from_utf8(out.stdout).expect("secret-tool prints UTF-8");
        (out.status.success() && !text.is_empty()).then_some(text)
    }

    /// Stores `secret` as awsprof's entry for `account`, through `secret-tool`.
    pub fn store(&self, home: &AwsHome, account: &str, secret: &str) {
        use std::io::Write;
        let mut cmd = Command::new("secret-tool");
        self.isolate(home, &mut cmd);
        let mut child = cmd
            .args(["store", "--label", &format!("test {account}")])
            .args([
                "service", "awsprof", "username", account, "target", "default",
            ])
            .args(["application", "rust-keyring"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("run secret-tool");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(secret.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "secret-tool store failed");
    }

    /// The object paths of awsprof's entries, locked or not, from the Secret Service's
    /// own search (attributes are readable without unlocking).
    pub fn item_paths(&self) -> Vec<String> {
        let reply = self.dbus(&[
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.SearchItems",
            "dict:string:string:service,awsprof",
        ]);
        reply
            .lines()
            .filter_map(|l| l.trim().strip_prefix("object path \""))
            .map(|p| p.trim_end_matches('"').to_string())
            .collect()
    }

    /// Locks the login keyring, as the desktop does on a timeout or screen lock.
    pub fn lock(&self) {
        let reply = self.dbus(&[
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ]);
        assert!(reply.contains("/collection/login"), "lock failed: {reply}");
    }
}

#[cfg(unix)]
impl Drop for SecretService {
    fn drop(&mut self) {
        if let Some(k) = &mut self.keyring {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// Every file under `dirs` whose bytes contain `needle` (symbolic links not followed).
pub fn files_containing(dirs: &[&Path], needle: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, needle: &[u8], found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                walk(&path, needle, found);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).unwrap_or_default();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path);
                }
            }
        }
    }
    let mut found = Vec::new();
    for dir in dirs {
        walk(dir, needle.as_bytes(), &mut found);
    }
    found
}
