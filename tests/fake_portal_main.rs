//! `fake-sso-portal`: the end-to-end tests' fake IAM Identity Center portal
//! (e2e/fake_portal.rs) as a program, for the `sso sync` benchmark (bench/sso_sync.py).
//! There is no offline portal to measure against.
//!
//! `fake-sso-portal --accounts N --roles M --token T [--page-size P]` prints the port it
//! listens on (127.0.0.1), then serves until its stdin closes. `GET /__stats` answers the
//! number of requests so far, by route.

#[path = "e2e/fake_portal.rs"]
mod fake_portal;

use std::io::{Read, Write};

fn main() {
    let mut accounts = 2_000;
    let mut roles = 5;
    let mut token = "bench-token".to_string();
    let mut page_size = 0;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        let number = || {
            value.parse::<usize>().unwrap_or_else(|_| {
                eprintln!("fake-sso-portal: {flag} needs a number, not {value:?}");
                std::process::exit(2)
            })
        };
        match flag.as_str() {
            "--accounts" => accounts = number(),
            "--roles" => roles = number(),
            "--page-size" => page_size = number(),
            "--token" => token = value.clone(),
            _ => {
                eprintln!("fake-sso-portal: unknown option {flag}");
                std::process::exit(2)
            }
        }
    }
    let portal = fake_portal::Portal::start(fake_portal::PortalState {
        tokens: vec![token],
        accounts: fake_portal::org(accounts, roles),
        page_size,
        ..Default::default()
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", portal.http.port);
    let _ = out.flush();
    drop(out);
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
