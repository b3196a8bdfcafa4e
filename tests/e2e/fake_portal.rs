//! Stand-ins for AWS services that have no offline server: a tiny HTTP/1.1 server
//! ([`FakeHttp`]), and on it the IAM Identity Center portal and OIDC service ([`Portal`]).
//!
//! There is no offline IAM Identity Center portal (moto has none), so the tests and the
//! `sso sync` benchmark talk to this one, reached through `AWS_ENDPOINT_URL_SSO` and
//! `AWS_ENDPOINT_URL_SSO_OIDC`. It answers what the AWS SDK for Rust sends, as the real
//! service's REST-JSON protocol has it: GetRoleCredentials (`GET /federation/credentials`),
//! ListAccounts (`GET /assignment/accounts`) and ListAccountRoles (`GET /assignment/roles`)
//! with `max_result` / `next_token` pagination, RegisterClient, StartDeviceAuthorization and
//! CreateToken; errors carry `x-amzn-errortype` as the service's do. It can be told to
//! throttle (429 TooManyRequestsException), to refuse a token (401 UnauthorizedException),
//! and to fail one page of ListAccounts.
//!
//! This file is shared by the end-to-end tests (a module of their binary) and by the
//! `fake-sso-portal` program the benchmark runs (tests/fake_portal_main.rs): one fake.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

/// One request a [`FakeHttp`] server received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without its query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }

    /// The value of `key` in the query, percent-decoded.
    pub fn query(&self, key: &str) -> Option<String> {
        let query = self.path.split_once('?')?.1;
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == key).then(|| percent_decode(v))
        })
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A reply: status, extra headers, JSON body.
pub type Reply = (u16, Vec<(String, String)>, String);

/// A tiny HTTP/1.1 server: each request is logged and answered by `handler`. Connections
/// are kept alive, as the SDK expects of AWS endpoints, one thread each.
pub struct FakeHttp {
    pub port: u16,
    pub log: Arc<Mutex<Vec<Request>>>,
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

impl FakeHttp {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> FakeHttp {
        FakeHttp::start_on("127.0.0.1:0", handler)
    }

    /// Like [`FakeHttp::start`], listening on `addr`.
    pub fn start_on(
        addr: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> FakeHttp {
        let listener = std::net::TcpListener::bind(addr).expect("bind fake server");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = log.clone();
        let handler = Arc::new(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = shared.clone();
                let handler = handler.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut stream = stream;
                    while let Some(req) = read_request(&mut reader) {
                        let (status, extra, body) = handler(&req);
                        if !req.path.starts_with("/__") {
                            log.lock().unwrap().push(req);
                        }
                        let mut out = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                            body.len()
                        );
                        for (k, v) in extra {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        out.push_str(&body);
                        if stream.write_all(out.as_bytes()).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        FakeHttp { port, log }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

/// An account of the fake organisation, with the roles the token may take in it.
#[derive(Clone, Debug)]
pub struct FakeAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

impl FakeAccount {
    pub fn new(id: &str, name: &str, roles: &[&str]) -> FakeAccount {
        FakeAccount {
            id: id.to_string(),
            name: name.to_string(),
            email: format!("{id}@example.com"),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }
}

/// An organisation of `accounts` accounts with `roles` roles each, named the way large
/// organisations are (`team-0042-prod`), for the scale test and the benchmark.
pub fn org(accounts: usize, roles: usize) -> Vec<FakeAccount> {
    const ROLES: &[&str] = &[
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "ViewOnlyAccess",
        "Billing",
        "SecurityAudit",
        "DatabaseAdministrator",
        "NetworkAdministrator",
    ];
    const STAGES: &[&str] = &["prod", "stage", "dev", "sandbox"];
    (0..accounts)
        .map(|i| FakeAccount {
            id: format!("{:012}", 100_000_000_000u64 + i as u64),
            name: format!("team-{:04} {}", i / STAGES.len(), STAGES[i % STAGES.len()]),
            email: format!("aws+{i}@example.com"),
            roles: (0..roles)
                .map(|r| match ROLES.get(r) {
                    Some(name) => name.to_string(),
                    None => format!("CustomRole{r}"),
                })
                .collect(),
        })
        .collect()
}

/// What the fake portal answers; tests change it while it runs.
#[derive(Clone, Debug, Default)]
pub struct PortalState {
    /// Bearer tokens it accepts; any other is refused with 401 UnauthorizedException
    /// (an expired or ended session).
    pub tokens: Vec<String>,
    /// The organisation the tokens reach.
    pub accounts: Vec<FakeAccount>,
    /// The most items a page holds (the SDK asks for 100); 0 means 100.
    pub page_size: usize,
    /// CreateToken answers "pending" this many times before it grants.
    pub pending: usize,
    /// The next this many ListAccounts / ListAccountRoles calls answer 429
    /// TooManyRequestsException.
    pub throttle: usize,
    /// Every list call answers 429: a throttling storm no retry outlasts.
    pub throttle_always: bool,
    /// This page of ListAccounts (1-based) answers 400 InvalidRequestException, every
    /// time: a listing that fails half-way.
    pub fail_accounts_page: Option<usize>,
    /// Each list call waits this long first (to watch the progress bar).
    pub delay_ms: u64,
}

/// The fake IAM Identity Center portal and OIDC service.
pub struct Portal {
    pub http: FakeHttp,
    pub state: Arc<Mutex<PortalState>>,
}

fn ok(v: Value) -> Reply {
    (200, vec![], v.to_string())
}

fn err(status: u16, kind: &str, message: &str) -> Reply {
    (
        status,
        vec![("x-amzn-errortype".to_string(), kind.to_string())],
        json!({ "message": message }).to_string(),
    )
}

/// One page of `items` from the offset in `next_token`, and the next page's token.
fn page<T: Clone>(
    req: &Request,
    items: &[T],
    size: usize,
    prefix: &str,
) -> (Vec<T>, Option<String>, usize) {
    let max = req
        .query("max_result")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(100)
        .min(if size == 0 { 100 } else { size })
        .max(1);
    let start = req
        .query("next_token")
        .and_then(|t| t.strip_prefix(prefix).and_then(|n| n.parse::<usize>().ok()))
        .unwrap_or(0);
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| format!("{prefix}{end}"));
    (items[start.min(end)..end].to_vec(), next, start / max + 1)
}

fn handle(
    state: &Mutex<PortalState>,
    polls: &Mutex<usize>,
    log: &Mutex<Vec<Request>>,
    req: &Request,
) -> Reply {
    let route = req.route();
    if route == "/__stats" {
        let mut by: HashMap<String, usize> = HashMap::new();
        let all = log.lock().unwrap();
        for r in all.iter() {
            *by.entry(r.route().to_string()).or_default() += 1;
        }
        return ok(json!({"requests": all.len(), "by_route": by}));
    }
    let listing = matches!(route, "/assignment/accounts" | "/assignment/roles");
    let (delay, tokens) = {
        let s = state.lock().unwrap();
        (s.delay_ms, s.tokens.clone())
    };
    if listing && delay > 0 {
        std::thread::sleep(std::time::Duration::from_millis(delay));
    }
    let bearer = req.header("x-amz-sso_bearer_token").unwrap_or("");
    let needs_token = matches!(
        route,
        "/federation/credentials" | "/assignment/accounts" | "/assignment/roles"
    );
    if needs_token && !tokens.iter().any(|t| t == bearer) {
        return err(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    if listing {
        let mut s = state.lock().unwrap();
        if s.throttle_always || s.throttle > 0 {
            s.throttle = s.throttle.saturating_sub(1);
            return err(429, "TooManyRequestsException", "Rate exceeded");
        }
    }
    match (req.method.as_str(), route) {
        ("GET", "/federation/credentials") => {
            let expires_ms = (std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 3600)
                * 1000;
            ok(json!({"roleCredentials": {
                "accessKeyId": "ASIASSOFAKE",
                "secretAccessKey": "sso/secret",
                "sessionToken": format!("session-for-{bearer}"),
                "expiration": expires_ms
            }}))
        }
        ("GET", "/assignment/accounts") => {
            let s = state.lock().unwrap();
            let (items, next, number) = page(req, &s.accounts, s.page_size, "acct-");
            if s.fail_accounts_page == Some(number) {
                return err(
                    400,
                    "InvalidRequestException",
                    "the next token is not valid",
                );
            }
            let list: Vec<Value> = items
                .iter()
                .map(|a| json!({"accountId": a.id, "accountName": a.name, "emailAddress": a.email}))
                .collect();
            ok(json!({"accountList": list, "nextToken": next}))
        }
        ("GET", "/assignment/roles") => {
            let s = state.lock().unwrap();
            let id = req.query("account_id").unwrap_or_default();
            let Some(account) = s.accounts.iter().find(|a| a.id == id) else {
                return err(404, "ResourceNotFoundException", "no such account");
            };
            let (items, next, _) = page(req, &account.roles, s.page_size, "role-");
            let list: Vec<Value> = items
                .iter()
                .map(|r| json!({"roleName": r, "accountId": id}))
                .collect();
            ok(json!({"roleList": list, "nextToken": next}))
        }
        ("POST", "/client/register") => ok(json!({
            "clientId": "fake-client-id",
            "clientSecret": "fake-client-secret",
            "clientIdIssuedAt": 1_700_000_000,
            "clientSecretExpiresAt": 4_102_444_800u64
        })),
        ("POST", "/device_authorization") => ok(json!({
            "deviceCode": "fake-device-code",
            "userCode": "WXYZ-1234",
            "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
            "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=WXYZ-1234",
            "expiresIn": 600,
            "interval": 1
        })),
        ("POST", "/token") => {
            let body: Value = serde_json::from_str(&req.body).unwrap_or_default();
            if body["grantType"] == "refresh_token" {
                return ok(
                    json!({"accessToken": "refreshed-token", "tokenType": "Bearer", "expiresIn": 3600, "refreshToken": "refresh-2"}),
                );
            }
            let pending = state.lock().unwrap().pending;
            let mut n = polls.lock().unwrap();
            *n += 1;
            if *n <= pending {
                return (
                    400,
                    vec![(
                        "x-amzn-errortype".to_string(),
                        "AuthorizationPendingException".to_string(),
                    )],
                    json!({"error": "authorization_pending", "error_description": "not yet"})
                        .to_string(),
                );
            }
            ok(
                json!({"accessToken": "fresh-login-token", "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": "refresh-1"}),
            )
        }
        _ => err(404, "ResourceNotFoundException", "no such route"),
    }
}

impl Portal {
    pub fn start(state: PortalState) -> Portal {
        Portal::start_on("127.0.0.1:0", state)
    }

    pub fn start_on(addr: &str, state: PortalState) -> Portal {
        let state = Arc::new(Mutex::new(state));
        let polls = Arc::new(Mutex::new(0usize));
        let log: Arc<Mutex<Arc<Mutex<Vec<Request>>>>> = Arc::new(Mutex::new(Arc::default()));
        let (s, p, l) = (state.clone(), polls, log.clone());
        let http = FakeHttp::start_on(addr, move |req| {
            let log = l.lock().unwrap().clone();
            handle(&s, &p, &log, req)
        });
        *log.lock().unwrap() = http.log.clone();
        Portal { http, state }
    }

    /// A portal that accepts `tokens` and reaches `accounts`.
    pub fn with(tokens: &[&str], accounts: Vec<FakeAccount>) -> Portal {
        Portal::start(PortalState {
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
            accounts,
            ..PortalState::default()
        })
    }

    pub fn url(&self) -> String {
        self.http.url()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.http.requests()
    }

    /// How many requests went to `route`.
    pub fn count(&self, route: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.route() == route)
            .count()
    }

    /// Changes what it answers from now on.
    pub fn set(&self, change: impl FnOnce(&mut PortalState)) {
        change(&mut self.state.lock().unwrap());
    }
}
