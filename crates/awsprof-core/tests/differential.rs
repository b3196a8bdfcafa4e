//! Two oracles on generated files (a fixed seed, so every run sees the same corpus):
//!
//! - the AWS SDK for Rust's own profile-file parser (`aws_config::profile::parser::load`,
//!   the files given through its file-system shim): on every file we read without a
//!   [`Deviation`], it must find the same profiles, sso-sessions and properties (or fail at
//!   the same line); on a file with one, it must refuse the file at the first such line —
//!   that is what a deviation means;
//! - botocore (what the AWS CLI and boto3 read), in one Python process for the batch: on
//!   files built only of constructs the two read alike, it must read what we read, and
//!   whatever it reads we must read too.
//!
//! docs/divergences.md lists where the three differ on purpose; the hand-written cases at
//! the end pin each one.

#[path = "support/generate.rs"]
mod generate;

use awsprof_core::model::{Filter, ProfileSet};
use awsprof_core::parse::{self, Deviation};
use generate::{Flavor, Rng, KEYS};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

/// The corpus's seed. `DIFFERENTIAL_SEED=N` explores another corpus (a failure there is
/// as real as one here: add the file to the hand-written cases below).
fn seed() -> u64 {
    std::env::var("DIFFERENTIAL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0fa5_0c1e)
}

// ---------------------------------------------------------------------------------------
// The SDK for Rust

/// What the SDK for Rust reads: profile and sso-session names, and the value of every key
/// the generator can write (its sections do not list their keys).
#[derive(Debug, PartialEq, Eq)]
struct View {
    profiles: BTreeMap<String, BTreeMap<String, String>>,
    sso_sessions: BTreeMap<String, BTreeMap<String, String>>,
}

fn keys_known(extra: &ProfileSet) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = KEYS.iter().map(|k| k.to_ascii_lowercase()).collect();
    for s in extra.profiles.values().chain(extra.sso_sessions.values()) {
        keys.extend(s.properties.keys().cloned());
    }
    keys
}

/// Polls a future that never waits: the SDK's loader only awaits its file-system shim,
/// which answers from memory.
fn ready<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the SDK's profile loader waited on something"),
    }
}

/// The SDK for Rust's reading of the pair, or the line its parser stopped at.
fn sdk(
    config: Option<&str>,
    credentials: Option<&str>,
) -> Result<aws_config::profile::ProfileSet, usize> {
    use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
    use aws_types::os_shim_internal::{Env, Fs};
    let mut files = std::collections::HashMap::new();
    if let Some(t) = config {
        files.insert("/aws/config".into(), t.as_bytes().to_vec());
    }
    if let Some(t) = credentials {
        files.insert("/aws/credentials".into(), t.as_bytes().to_vec());
    }
    let fs = Fs::from_raw_map(files);
    let env = Env::from_slice(&[
        ("HOME", "/home"),
        ("AWS_CONFIG_FILE", "/aws/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/aws/credentials"),
    ]);
    let profile_files = ProfileFiles::default();
    ready(aws_config::profile::parser::load(
        &fs,
        &env,
        &profile_files,
        None,
    ))
    .map_err(|e| {
        // "error parsing /aws/config on line N:\n  message"
        let shown = std::error::Error::source(&e).map_or(e.to_string(), |s| s.to_string());
        shown
            .split("on line ")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no line number in the SDK's error: {shown}"))
    })
}

fn sdk_view(set: &aws_config::profile::ProfileSet, keys: &BTreeSet<String>) -> View {
    let props = |get: &dyn Fn(&str) -> Option<String>| -> BTreeMap<String, String> {
        keys.iter()
            .filter_map(|k| Some((k.clone(), get(k)?)))
            .collect()
    };
    View {
        profiles: set
            .profiles()
            .map(|name| {
                let p = set.get_profile(name).unwrap();
                (name.to_string(), props(&|k| p.get(k).map(str::to_string)))
            })
            .collect(),
        sso_sessions: set
            .sso_sessions()
            .map(|name| {
                let s = set.sso_session(name).unwrap();
                (name.to_string(), props(&|k| s.get(k).map(str::to_string)))
            })
            .collect(),
    }
}

fn our_view(set: &ProfileSet, keys: &BTreeSet<String>) -> View {
    let props = |s: &awsprof_core::Section| -> BTreeMap<String, String> {
        keys.iter()
            .filter_map(|k| Some((k.clone(), s.get(k)?.to_string())))
            .collect()
    };
    View {
        profiles: set
            .profiles
            .iter()
            .map(|(n, s)| (n.clone(), props(s)))
            .collect(),
        sso_sessions: set
            .sso_sessions
            .iter()
            .map(|(n, s)| (n.clone(), props(s)))
            .collect(),
    }
}

/// The first line we read as botocore does because the spec refuses it, in either file.
fn first_deviation(config: Option<&str>, credentials: Option<&str>) -> Option<(usize, Deviation)> {
    [config, credentials]
        .into_iter()
        .flatten()
        .find_map(|t| parse::deviations(t).first().copied())
}

/// A text without the lone `\r` it ends with, if it does (`div-final-cr` in
/// docs/divergences.md: the SDK for Rust keeps that `\r` in the last line, which refuses
/// a header there and keeps it in a value; we and botocore drop it, as a line end).
fn without_final_cr(text: Option<&str>) -> Option<&str> {
    text.map(|t| match t.strip_suffix('\r') {
        Some(rest) if !parse::breaks_lines_at_cr(t) => rest,
        _ => t,
    })
}

/// Profiles and sso-sessions whose header is spelt two ways in one file
/// (`[profile a]` and `[profile\ta]`). The SDK for Rust keys its raw sections by the
/// header's text and merges them into one profile in hash-map order, so which value wins
/// changes from run to run (`div-section-spelt-twice`); we merge in file order. Only
/// their names are compared.
fn spelt_twice(text: Option<&str>, kind: awsprof_core::FileKind) -> BTreeSet<String> {
    use awsprof_core::parse::{SectionKey, Token, Tokenizer};
    let mut spellings: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for line in Tokenizer::new(text.unwrap_or("")).map_while(Result::ok) {
        if let Token::Header { inner } = line.token {
            let name = match parse::section_key(kind, inner) {
                SectionKey::Profile { name, .. } | SectionKey::SsoSession(name) => name,
                _ => continue,
            };
            spellings.entry(name.to_string()).or_default().insert(inner);
        }
    }
    spellings
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(n, _)| n)
        .collect()
}

/// Compares one pair with the SDK for Rust; `Err` says how they differ.
fn compare_with_sdk(config: Option<&str>, credentials: Option<&str>) -> Result<(), String> {
    let ours = ProfileSet::from_texts(config, credentials, Filter::All);
    let theirs = sdk(without_final_cr(config), without_final_cr(credentials));
    // Which file a deviation is in matters for the SDK's line: it reads config first.
    let config_dev = config.and_then(|t| parse::deviations(t).first().copied());
    let creds_dev = credentials.and_then(|t| parse::deviations(t).first().copied());
    match (&ours, &theirs, config_dev.or(creds_dev)) {
        (Ok(_), Err(line), Some((at, dev))) => {
            if dev == Deviation::CrLineEnds || *line == at {
                Ok(())
            } else {
                Err(format!(
                    "the SDK stopped at line {line}, our first deviation is {dev:?} at line {at}"
                ))
            }
        }
        (_, Ok(_), Some((at, dev))) if dev != Deviation::CrLineEnds => Err(format!(
            "we report {dev:?} at line {at}, but the SDK reads the files"
        )),
        (_, _, Some(_)) => Ok(()),
        (Ok(ours), Ok(theirs), None) => {
            let keys = keys_known(ours);
            let (mut a, mut b) = (our_view(ours, &keys), sdk_view(theirs, &keys));
            let mut ambiguous = spelt_twice(config, awsprof_core::FileKind::Config);
            ambiguous.extend(spelt_twice(
                credentials,
                awsprof_core::FileKind::Credentials,
            ));
            for view in [&mut a, &mut b] {
                for (name, props) in view.profiles.iter_mut().chain(view.sso_sessions.iter_mut()) {
                    if ambiguous.contains(name) {
                        props.clear();
                    }
                }
            }
            if a == b {
                Ok(())
            } else {
                Err(format!("different readings:\n  ours: {a:?}\n  SDK:  {b:?}"))
            }
        }
        (Err((_, e)), Err(line), None) if e.line == *line => Ok(()),
        (Err((kind, e)), Err(line), None) => Err(format!(
            "both refuse, we at {} line {} ({}), the SDK at line {line}",
            kind.as_str(),
            e.line,
            e.kind.message()
        )),
        (Err((kind, e)), Ok(_), None) => Err(format!(
            "we refuse ({} line {}: {}), the SDK reads the files",
            kind.as_str(),
            e.line,
            e.kind.message()
        )),
        (Ok(_), Err(line), None) => Err(format!(
            "the SDK refuses at line {line}, we read the files without a deviation"
        )),
    }
}

fn corpus(flavor: Flavor, count: usize) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed() ^ flavor as u64);
    (0..count)
        .map(|_| {
            (
                generate::file(&mut rng, flavor, false),
                generate::file(&mut rng, flavor, true),
            )
        })
        .collect()
}

#[test]
fn the_rust_sdk_reads_generated_files_as_we_do() {
    let mut failures = Vec::new();
    let mut read = 0;
    let mut deviating = 0;
    let mut refused = 0;
    for flavor in [Flavor::Any, Flavor::Agreeable] {
        for (config, creds) in corpus(flavor, 4000) {
            if let Err(why) = compare_with_sdk(Some(&config), Some(&creds)) {
                failures.push(format!(
                    "{why}\n  config: {config:?}\n  credentials: {creds:?}"
                ));
            }
            match (
                ProfileSet::from_texts(Some(&config), Some(&creds), Filter::All),
                first_deviation(Some(&config), Some(&creds)),
            ) {
                (Ok(_), None) => read += 1,
                (Ok(_), Some(_)) => deviating += 1,
                (Err(_), _) => refused += 1,
            }
        }
    }
    eprintln!("{read} pairs read alike, {deviating} read with a deviation, {refused} refused");
    assert!(
        failures.is_empty(),
        "{} of 8000 pairs differ; the first:\n{}",
        failures.len(),
        failures[..failures.len().min(3)].join("\n\n")
    );
    // The corpus must exercise all three outcomes, or the test proves little.
    assert!(
        read > 1000 && deviating > 500 && refused > 500,
        "{read}/{deviating}/{refused}"
    );
}

// ---------------------------------------------------------------------------------------
// botocore

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// botocore's reading of each pair, in one Python process.
fn botocore(pairs: &[(Option<&str>, Option<&str>)]) -> Vec<Value> {
    let probe = Command::new(python())
        .args(["-c", "import botocore"])
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "{} cannot import botocore: run scripts/test, which makes the test virtualenv \
         (target/venv, tests/requirements.txt) and puts it first on PATH",
        python()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/botocore_batch.py");
    let input: Vec<Value> = pairs
        .iter()
        .map(|(c, k)| json!({"config": c, "credentials": k}))
        .collect();
    let mut child = Command::new(python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || serde_json::to_writer(stdin, &input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our reading in botocore's shape: sub-property blocks as objects, errors as a flag.
fn ours_as_botocore(config: Option<&str>, credentials: Option<&str>) -> Value {
    match ProfileSet::from_texts(config, credentials, Filter::All) {
        Err(_) => json!({"error": true}),
        Ok(set) => {
            let profiles: Map<String, Value> = set
                .profiles
                .iter()
                .map(|(name, s)| {
                    let props: Map<String, Value> = s
                        .properties
                        .iter()
                        .map(|(k, p)| {
                            let v = if p.is_block() {
                                Value::Object(
                                    p.sub_properties()
                                        .into_iter()
                                        .map(|(a, b)| (a.to_string(), json!(b)))
                                        .collect(),
                                )
                            } else {
                                json!(p.value)
                            };
                            (k.clone(), v)
                        })
                        .collect();
                    (name.clone(), Value::Object(props))
                })
                .collect();
            json!({ "profiles": profiles })
        }
    }
}

fn botocore_flag(v: Value) -> Value {
    if v.get("error").is_some() {
        json!({"error": true})
    } else {
        v
    }
}

#[test]
fn botocore_reads_generated_files_as_we_do() {
    let pairs = corpus(Flavor::Agreeable, 3000);
    let asked: Vec<(Option<&str>, Option<&str>)> = pairs
        .iter()
        .map(|(c, k)| (Some(c.as_str()), Some(k.as_str())))
        .collect();
    let theirs = botocore(&asked);
    let mut failures = Vec::new();
    let mut deviating = 0;
    let mut refused = 0;
    for ((config, creds), theirs) in asked.iter().zip(theirs) {
        let ours = ours_as_botocore(*config, *creds);
        let theirs = botocore_flag(theirs);
        if ours != theirs {
            failures.push(format!(
                "ours: {ours}\n  botocore: {theirs}\n  config: {config:?}\n  credentials: {creds:?}"
            ));
        }
        if first_deviation(*config, *creds).is_some() {
            deviating += 1;
        }
        if theirs.get("error").is_some() {
            refused += 1;
        }
    }
    eprintln!(
        "{deviating} of {} pairs hold lines the spec refuses; botocore refuses {refused}",
        asked.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} pairs differ; the first:\n{}",
        failures.len(),
        asked.len(),
        failures[..failures.len().min(3)].join("\n\n")
    );
    assert!(
        deviating > 1000,
        "only {deviating} pairs exercise botocore's readings"
    );
    assert!(
        refused * 20 < asked.len(),
        "botocore refuses {refused}: the corpus is too broken to compare"
    );
}

// ---------------------------------------------------------------------------------------
// Hand-written cases: each divergence and agreement docs/divergences.md names.

/// The SDK's error line for a pair, or a panic if it reads it.
fn sdk_refuses_at(config: Option<&str>, credentials: Option<&str>) -> usize {
    match sdk(config, credentials) {
        Err(line) => line,
        Ok(_) => panic!("the SDK for Rust reads {config:?} / {credentials:?}"),
    }
}

#[test]
fn the_rust_sdk_refuses_each_line_we_read_as_botocore_does() {
    use Deviation::*;
    let cases: &[(&str, usize, Deviation)] = &[
        ("[default]\n  region = us-east-1\n", 2, IndentedProperty),
        ("[default]\n  # note\nregion = x\n", 2, IndentedComment),
        ("  # first\n[default]\n", 1, IndentedComment),
        ("[default]\n  [profile a]\n", 2, IndentedHeader),
        ("[default] trailing\n", 1, HeaderTrailingText),
        ("[default]\nregion = x\n[abc = x\n", 3, BracketKey),
        ("[default]\ns3 =\n  # c\n  a = 1\n", 3, IndentedComment),
    ];
    for &(text, line, deviation) in cases {
        assert_eq!(parse::deviations(text), vec![(line, deviation)], "{text:?}");
        assert_eq!(sdk_refuses_at(Some(text), None), line, "{text:?}");
        assert!(ProfileSet::from_texts(Some(text), None, Filter::All).is_ok());
    }
    // Classic Mac line ends: one long line for the SDK, refused at line 1.
    let text = "[default]\rregion = x\r";
    assert_eq!(parse::deviations(text), vec![(1, CrLineEnds)]);
    assert_eq!(sdk_refuses_at(Some(text), None), 1);
}

#[test]
fn the_rust_sdk_and_we_agree_on_one_file_named_twice_and_on_config_sections_in_credentials() {
    let both = "[default]\nregion = x\n[profile a]\nk = 1\n[b]\naws_access_key_id = AK\n";
    compare_with_sdk(Some(both), Some(both)).unwrap();
    let set = ProfileSet::from_texts(Some(both), Some(both), Filter::All).unwrap();
    assert_eq!(set.names(), ["a", "b", "default"]);
    // `[sso-session NAME]` in the credentials file: the SDK for Rust ignores it (the SDK
    // for Kotlin refuses the file; botocore reads a profile "sso-session corp").
    let creds = "[sso-session corp]\nsso_region = us-east-1\n[dev]\nk = v\n";
    compare_with_sdk(Some("[profile dev]\nsso_session = corp\n"), Some(creds)).unwrap();
    let set = ProfileSet::from_texts(None, Some(creds), Filter::All).unwrap();
    assert!(set.sso_sessions.is_empty() && set.names() == ["dev"]);
}

#[test]
fn where_the_rust_sdk_and_we_differ_on_purpose() {
    // div-final-cr: a lone \r ending the file is a line end to us and botocore; the SDK
    // keeps it in the line, so a header there is refused.
    assert!(ProfileSet::from_texts(Some("[default]\r"), None, Filter::All).is_ok());
    assert_eq!(sdk_refuses_at(Some("[default]\r"), None), 1);
    // div-non-utf8: the SDK reads a file that is not UTF-8 as empty (with a warning in
    // its log); we refuse it, naming the line, as botocore does.
    let fs_bytes = b"[default]\nregion = caf\xe9\n".to_vec();
    use aws_runtime::env_config::file::EnvConfigFiles;
    use aws_types::os_shim_internal::{Env, Fs};
    let fs = Fs::from_raw_map([("/aws/config".into(), fs_bytes.clone())].into());
    let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/aws/config"), ("HOME", "/home")]);
    let set = ready(aws_config::profile::parser::load(
        &fs,
        &env,
        &EnvConfigFiles::default(),
        None,
    ))
    .unwrap();
    assert!(set.profiles().next().is_none(), "the SDK read it as empty");
    assert!(awsprof_core::store::decode(Path::new("config"), fs_bytes).is_err());
    // div-section-spelt-twice: the SDK merges the two spellings in hash order; we merge
    // in file order, the last value wins, as for a section written twice alike.
    let text = "[profile a]\nk = 1\n[profile\ta]\nk = 2\n";
    let ours = ProfileSet::from_texts(Some(text), None, Filter::All).unwrap();
    assert_eq!(ours.profile("a").unwrap().get("k"), Some("2"));
    let theirs = sdk(Some(text), None).unwrap();
    let k = theirs.get_profile("a").unwrap().get("k");
    assert!(k == Some("1") || k == Some("2"));
}
