//! Why the parser is our own: rust-ini, the usual INI crate, on the inputs of the AWS
//! SDKs' conformance suite and on the hand-written files of the botocore differential
//! test. Each input our parser accepts is loaded by rust-ini (at its most lenient for this
//! format) and written back; every original line that does not come back byte for byte is
//! counted by what it was. Our own writer gives every input back whole. The counts are
//! asserted so that docs/architecture.md, which quotes them, stays true.

use awsprof_core::parse::{Token, Tokenizer};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The suite's config and credentials inputs that are valid files.
fn suite_inputs() -> Vec<String> {
    let path = root().join("tests/data/sdk-profile-suite/profile-parser-tests.json");
    let suite: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for case in suite["tests"].as_array().unwrap() {
        for file in ["configFile", "credentialsFile"] {
            if let Some(text) = case["input"][file].as_str() {
                out.push(text.to_string());
            }
        }
    }
    out
}

/// The differential test's files: real-looking configs with comments, blocks and CRLF.
fn hand_written_inputs() -> Vec<String> {
    let dir = root().join("../../tests/data/differential");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut out = Vec::new();
    for case in cases {
        for file in ["config", "credentials"] {
            if let Ok(text) = std::fs::read_to_string(Path::new(&case).join(file)) {
                out.push(text);
            }
        }
    }
    out
}

/// rust-ini at its most lenient for these files: continuation lines on, and no quote or
/// escape processing (the AWS format has neither).
fn options() -> ini::ParseOption {
    ini::ParseOption {
        enabled_quote: false,
        enabled_escape: false,
        enabled_indented_mutiline_value: true,
        ..ini::ParseOption::default()
    }
}

fn kind(token: &Token<'_>) -> usize {
    match token {
        Token::Comment => 0,
        Token::Blank => 1,
        Token::Continuation { .. } => 2,
        Token::SubProperty { .. } => 3,
        Token::Property { .. } => 4,
        Token::Header { .. } => 5,
    }
}

/// What happened to a group of files.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    /// Files our parser accepts (and gives back byte for byte).
    files: usize,
    /// rust-ini gave them back byte for byte.
    identical: usize,
    /// rust-ini refused to read them.
    refused: usize,
    /// Original lines not given back byte for byte: comment, blank, continuation,
    /// sub-property, property and header lines.
    lines_changed: [usize; 6],
}

fn tally(inputs: Vec<String>) -> Tally {
    let mut t = Tally::default();
    for text in inputs {
        let Ok(lines) = Tokenizer::new(&text).collect::<Result<Vec<_>, _>>() else {
            continue;
        };
        t.files += 1;
        let ours: String = lines.iter().map(|l| l.raw).collect();
        assert_eq!(ours, text, "our parser gives every file back");
        let Ok(ini) = ini::Ini::load_from_str_opt(&text, options()) else {
            t.refused += 1;
            continue;
        };
        let mut written = Vec::new();
        ini.write_to(&mut written).unwrap();
        let written = String::from_utf8(written).unwrap();
        if written == text {
            t.identical += 1;
            continue;
        }
        let mut left: Vec<&str> = written.lines().collect();
        for line in &lines {
            match left.iter().position(|l| *l == line.content) {
                Some(i) => {
                    left.remove(i);
                }
                None => t.lines_changed[kind(&line.token)] += 1,
            }
        }
    }
    t
}

#[test]
fn rust_ini_loses_what_our_parser_keeps() {
    let suite = tally(suite_inputs());
    let hand = tally(hand_written_inputs());
    println!("suite: {suite:#?}\nhand-written: {hand:#?}");
    assert_eq!(
        suite,
        Tally {
            files: 59,
            identical: 1,
            refused: 6,
            lines_changed: [0, 6, 6, 5, 61, 4],
        }
    );
    assert_eq!(
        hand,
        Tally {
            files: 32,
            identical: 0,
            refused: 3,
            lines_changed: [9, 3, 3, 13, 71, 8],
        }
    );
}

/// What rust-ini makes of a continued value: one line with a literal `\n` in it, which the
/// AWS CLI and the SDKs then read as part of the value.
#[test]
fn rust_ini_turns_a_continued_value_into_one_line() {
    let text = "[profile foo]\nname = value\n -continued\n";
    let ini = ini::Ini::load_from_str_opt(text, options()).unwrap();
    let mut written = Vec::new();
    ini.write_to(&mut written).unwrap();
    assert_eq!(
        String::from_utf8(written).unwrap(),
        "[profile foo]\nname=value\\n-continued\n"
    );
}
