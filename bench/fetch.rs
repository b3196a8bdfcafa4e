//! A client of `awsprof env --server` for the benchmark: asks the credential server
//! (AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN) N times,
//! a new connection each time as the server closes each one, and fails unless every
//! answer is a 200 with an AccessKeyId. Built by bench/run.py with rustc.

use std::env;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::exit;

fn main() {
    let n: usize = env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let uri = env::var("AWS_CONTAINER_CREDENTIALS_FULL_URI").unwrap_or_default();
    let token = env::var("AWS_CONTAINER_AUTHORIZATION_TOKEN").unwrap_or_default();
    let Some(rest) = uri.strip_prefix("http://") else {
        eprintln!("fetch: no http:// AWS_CONTAINER_CREDENTIALS_FULL_URI");
        exit(2);
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n\r\n");
    let mut reply = Vec::new();
    for _ in 0..n {
        let mut s = TcpStream::connect(host).unwrap_or_else(|e| {
            eprintln!("fetch: {e}");
            exit(1)
        });
        s.write_all(request.as_bytes()).unwrap();
        reply.clear();
        s.read_to_end(&mut reply).unwrap();
        let text = String::from_utf8_lossy(&reply);
        if !text.starts_with("HTTP/1.1 200") || !text.contains("\"AccessKeyId\"") {
            eprintln!("fetch: {}", text.lines().next().unwrap_or("no answer"));
            exit(1);
        }
    }
}
