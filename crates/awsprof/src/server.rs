//! `env PROFILE --server -- CMD`: a credential server for one command, over the container
//! credential protocol that every AWS SDK and the AWS CLI read
//! (`AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN`), so that
//! a long job gets credentials that renew instead of keys that expire under it.
//!
//! It lives in the file-only program: serving is a few lines of HTTP on `std::net`, a
//! request is answered from memory, and a renewal is the same [`resolve::credentials`]
//! path `export` takes (the cache first, single flight, `awsprof-net` only on a miss), so
//! a server costs nothing of the SDK's start-up unless it has to call AWS.
//!
//! The server listens on 127.0.0.1 only, on a random port, under a random path, and
//! answers only requests that carry this run's random token (401 otherwise). It stops when
//! CMD exits; CMD's exit status, or the signal that ended it, becomes awsprof's.

use crate::ctx::Ctx;
use crate::resolve::{self, Options, Plan};
use anyhow::Result;
use awsprof_core::cache::{self, Freshness};
use awsprof_core::clock;
use awsprof_core::creds::Credentials;
use awsprof_core::Section;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest request head read; the SDKs send a few hundred bytes.
const MAX_HEAD: u64 = 16 * 1024;

/// Long-term keys never expire, but the protocol needs an expiry: the SDKs ask again
/// after this long.
const STATIC_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the server knows: how to renew, and what it serves now.
struct Server {
    ctx: Ctx,
    plan: Plan,
    opts: Options,
    path: String,
    token: String,
    current: Mutex<Credentials>,
}

/// Where CMD finds the server, for [`awsprof_core::env::server_plan`].
pub struct Endpoint {
    /// `http://127.0.0.1:PORT/PATH`.
    pub uri: String,
    /// The token every request must carry.
    pub token: String,
}

/// Starts the server for `plan` with `creds` (resolved already), returning where it is.
/// Requests are answered on threads of their own until the process ends.
pub fn start(ctx: &Ctx, plan: Plan, opts: &Options, creds: Credentials) -> Result<Endpoint> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| {
        anyhow::anyhow!("could not listen on 127.0.0.1 for the credential server: {e}")
    })?;
    let port = listener.local_addr()?.port();
    let server = Arc::new(Server {
        ctx: Ctx {
            paths: ctx.paths.clone(),
            ui: ctx.ui,
            backend: ctx.backend,
        },
        plan,
        // A code given on the command line is good once; a renewal asks (or runs
        // mfa_process) like any export that misses the cache.
        opts: Options {
            mfa_code: None,
            refresh: false,
            ..opts.clone()
        },
        path: format!("/awsprof/{}", random_hex(16)?),
        token: random_hex(32)?,
        current: Mutex::new(creds),
    });
    let endpoint = Endpoint {
        uri: format!("http://127.0.0.1:{port}{}", server.path),
        token: server.token.clone(),
    };
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let server = server.clone();
            std::thread::spawn(move || server.answer(stream));
        }
    });
    Ok(endpoint)
}

impl Server {
    fn answer(&self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let (status, body) = match read_head(&stream) {
            Some(head) => self.respond(&head),
            None => (400, error_body("BadRequest", "not an HTTP request")),
        };
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Internal Server Error",
        };
        let reply = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(reply.as_bytes());
    }

    fn respond(&self, head: &Head) -> (u16, String) {
        // The token first: without it, nothing about the server is told.
        if !head
            .authorization
            .as_deref()
            .is_some_and(|t| same(t, &self.token))
        {
            return (
                401,
                error_body(
                    "Unauthorized",
                    "this request does not carry the token of this awsprof server",
                ),
            );
        }
        if head.path != self.path {
            return (404, error_body("NotFound", "no such path"));
        }
        if head.method != "GET" {
            return (405, error_body("MethodNotAllowed", "only GET"));
        }
        match self.credentials() {
            Ok(c) => (200, container_body(&c)),
            Err(e) => (
                500,
                error_body("CredentialsUnavailable", &crate::message(&e)),
            ),
        }
    }

    /// What to serve: the credentials held, renewed first when they expire within the
    /// refresh window. Requests wait for one renewal between them; other processes are
    /// kept in step by the cache's lock.
    fn credentials(&self) -> Result<Credentials> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let expires = current.expiration.as_deref().and_then(clock::parse);
        if expires.is_none() || matches!(cache::freshness(expires), Freshness::Fresh) {
            return Ok(current.clone());
        }
        match resolve::credentials(&self.ctx, &self.plan, &self.opts) {
            Ok(fresh) => {
                *current = fresh;
                Ok(current.clone())
            }
            Err(e) => {
                // Say so where the person running CMD sees it; keep serving what is left.
                self.ctx.ui.warn(&format!(
                    "the credential server could not renew the credentials of profile `{}`: {}",
                    self.plan.name,
                    crate::message(&e)
                ));
                if expires.is_some_and(|t| t > clock::now()) {
                    Ok(current.clone())
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// The request line and the one header the server reads.
struct Head {
    method: String,
    path: String,
    authorization: Option<String>,
}

fn read_head(stream: &TcpStream) -> Option<Head> {
    use std::io::Read;
    let mut reader = BufReader::new(stream.take(MAX_HEAD));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    parts.next().filter(|v| v.starts_with("HTTP/1."))?;
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_string());
            }
        }
    }
    Some(Head {
        method,
        path,
        authorization,
    })
}

/// Compares in time that does not depend on where the two differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The container credential protocol's answer (what ECS and EKS Pod Identity serve).
fn container_body(c: &Credentials) -> String {
    let expiration = c
        .expiration
        .clone()
        .unwrap_or_else(|| clock::format(clock::now() + STATIC_LIFETIME));
    let mut body = serde_json::json!({
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key,
        "Expiration": expiration,
    });
    if let Some(token) = &c.session_token {
        body["Token"] = token.clone().into();
    }
    if let Some(account) = &c.account_id {
        body["AccountId"] = account.clone().into();
    }
    body.to_string()
}

fn error_body(code: &str, message: &str) -> String {
    serde_json::json!({ "Code": code, "Message": message }).to_string()
}

/// `bytes` random bytes from the operating system, as hex.
fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Copies of the shared files for CMD, when the files' `[default]` profile has
/// credentials: the SDKs' default chain reads the files' `[default]` before the container
/// endpoint, so CMD would otherwise run as `[default]`, not as the profile it was given.
/// Only a file that holds such a setting is copied, without it; the copies live in a
/// private directory removed when the server stops.
pub struct HiddenDefault {
    /// The directory of the copies (0700), removed when dropped.
    _dir: tempfile::TempDir,
    /// The config file's copy, for `AWS_CONFIG_FILE`, when it had to be copied.
    pub config: Option<PathBuf>,
    /// The credentials file's copy, for `AWS_SHARED_CREDENTIALS_FILE`, when it had to be.
    pub credentials: Option<PathBuf>,
    /// The keys that were left out, for the note.
    pub keys: Vec<String>,
}

/// Whether the files' `[default]` profile (`default`, from the read that made the plan)
/// would give CMD credentials, and if so copies of the files that set them, without them.
/// A file without such a key is not parsed again: with 10,000 profiles, parsing both
/// files whole for the editor cost more than the rest of `env --server` together.
pub fn hide_default(ctx: &Ctx, default: Option<&Section>) -> Result<Option<HiddenDefault>> {
    use awsprof_core::edit::{Document, Target};
    use awsprof_core::FileKind;
    let Some(default) = default else {
        return Ok(None);
    };
    if default.kind() == awsprof_core::ProfileKind::Other {
        return Ok(None);
    }
    let keys: Vec<String> = awsprof_core::chain::CREDENTIAL_KEYS
        .iter()
        .filter(|k| default.get(k).is_some())
        .map(|k| k.to_string())
        .collect();
    let dir = tempfile::Builder::new()
        .prefix("awsprof-server-")
        .tempdir()
        .map_err(|e| {
            anyhow::anyhow!("could not make a private directory for the copies of the files: {e}")
        })?;
    let copy = |kind: FileKind,
                text: &Option<awsprof_core::filetext::FileText>,
                name: &str|
     -> Result<Option<PathBuf>> {
        let sets_one = keys
            .iter()
            .any(|k| default.property(k).is_some_and(|p| p.file == kind));
        if !sets_one {
            return Ok(None);
        }
        let mut doc = Document::parse(kind, text.as_deref().unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for key in &keys {
            let _ = doc.delete(Target::Profile("default"), key, None);
        }
        let path = dir.path().join(name);
        awsprof_core::cache::write_private(&path, &doc.text())?;
        Ok(Some(path))
    };
    // Read again (the plan keeps no text): only what is copied is parsed.
    let texts = ctx.texts()?;
    let config = copy(FileKind::Config, &texts.config, "config")?;
    let credentials = copy(FileKind::Credentials, &texts.credentials, "credentials")?;
    Ok(Some(HiddenDefault {
        _dir: dir,
        config,
        credentials,
        keys,
    }))
}

/// How a command that awsprof ran beside itself went.
pub enum Ran {
    /// It ran, and ended so.
    Ended(std::process::ExitStatus),
    /// It could not be started.
    NotStarted(std::io::Error),
}

/// Runs CMD with the environment `plan` describes (and `extra`), passing on the signals
/// sent to awsprof alone, and returns how it ended.
pub fn run_command(
    program: &OsString,
    args: &[OsString],
    plan: &awsprof_core::env::Plan,
    extra: &[(&str, &std::path::Path)],
) -> Result<Ran> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    apply(plan, &mut cmd);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    #[cfg(unix)]
    signals::catch()?;
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return Ok(Ran::NotStarted(e)),
    };
    #[cfg(unix)]
    signals::forward_to(child.id());
    Ok(Ran::Ended(child.wait()?))
}

/// Sets and removes in `cmd`'s environment what `plan` says.
pub fn apply(plan: &awsprof_core::env::Plan, cmd: &mut Command) {
    use awsprof_core::env::Op;
    for op in &plan.ops {
        match op {
            Op::Set(k, v) => cmd.env(k, v),
            Op::Unset(k) => cmd.env_remove(k),
        };
    }
}

/// Ends the way CMD ended: its exit status, or (on Unix) the signal that killed it, as if
/// CMD had replaced awsprof, as plain `env` does.
pub fn exit_as(status: std::process::ExitStatus) -> ExitCode {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            signals::die_of(signal);
        }
    }
    ExitCode::from(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)))
}

/// The signals of a command that awsprof runs beside itself.
///
/// Those the terminal sends (Ctrl-C, Ctrl-\, a resize) go to the whole foreground process
/// group, CMD included: awsprof only has to survive them to see how CMD ends. Those
/// another process sends to awsprof (`kill`, a supervisor's SIGTERM) are passed on to CMD,
/// as they would have reached it had awsprof replaced itself with CMD.
#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicI32, Ordering};

    /// The signals passed on.
    const FORWARDED: [libc::c_int; 7] = [
        libc::SIGINT,
        libc::SIGTERM,
        libc::SIGHUP,
        libc::SIGQUIT,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGWINCH,
    ];

    /// CMD's process id, once it runs.
    static CHILD: AtomicI32 = AtomicI32::new(0);
    /// A signal that came before CMD ran, to pass on once it does.
    static PENDING: AtomicI32 = AtomicI32::new(0);

    /// Catches the signals (before CMD starts, so none is lost in between).
    pub fn catch() -> std::io::Result<()> {
        for signal in FORWARDED {
            // SAFETY: the action only reads atomics and calls kill(2), both
            // async-signal-safe; it allocates nothing and takes no lock.
            unsafe {
                signal_hook_registry::register_sigaction(signal, move |info: &libc::siginfo_t| {
                    // A process sent it (kill, sigqueue: si_code <= 0, with its pid); the
                    // terminal's come from the kernel (si_code > 0, no pid).
                    let sender = info.si_pid();
                    if info.si_code > 0 || sender <= 0 {
                        return;
                    }
                    let child = CHILD.load(Ordering::SeqCst);
                    if child == 0 {
                        PENDING.store(signal, Ordering::SeqCst);
                    } else if sender != child {
                        libc::kill(child, signal);
                    }
                })?;
            }
        }
        Ok(())
    }

    /// From now on, signals go to `child`; one that came while it started goes now.
    pub fn forward_to(child: u32) {
        let child = child as i32;
        CHILD.store(child, Ordering::SeqCst);
        let pending = PENDING.swap(0, Ordering::SeqCst);
        if pending != 0 {
            // SAFETY: kill(2) on the child this process started and has not waited for.
            unsafe { libc::kill(child, pending) };
        }
    }

    /// Ends this process by `signal`, with its default action, as CMD ended.
    pub fn die_of(signal: libc::c_int) {
        // SAFETY: restoring the default action and raising the signal on this process.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}
