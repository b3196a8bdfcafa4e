//! Parse then print is byte-identical: for generated files, arbitrary text, the
//! conformance suite's inputs and the hand-written files of the differential test.

use awsprof_core::parse::{tokenize, Tokenizer};
use awsprof_core::{Filter, ProfileSet};
use proptest::prelude::*;
use std::path::Path;

fn reprint(text: &str) -> Option<String> {
    let lines = tokenize(text).ok()?;
    let mut offset = 0;
    for l in &lines {
        assert_eq!(l.offset, offset, "offsets are contiguous");
        offset += l.raw.len();
    }
    Some(lines.iter().map(|l| l.raw).collect())
}

fn line() -> impl Strategy<Value = String> {
    let name = "[a-zA-Z0-9_./@:%+-]{1,12}";
    let value = "[ -~\u{e9}\u{96ea}\u{1f600}]{0,20}";
    prop_oneof![
        Just(String::new()),
        "[ \t]{1,3}",
        "[#;][ -~]{0,20}",
        (name, "[ \t]{0,2}", "( ?[#;][ -~]{0,8})?")
            .prop_map(|(n, ws, c)| format!("[profile{ws} {n}]{c}")),
        (name).prop_map(|n| format!("[{n}]")),
        Just("[default]".to_string()),
        ("[a-z_]{1,10}", "[ \t]{0,2}", value, "( [#;][ -~]{0,8})?")
            .prop_map(|(k, ws, v, c)| format!("{k}{ws}={ws}{v}{c}")),
        ("[ \t]{1,3}", "[a-z_]{1,8}", value).prop_map(|(ws, k, v)| format!("{ws}{k} = {v}")),
        ("[a-z0-9]{1,6}").prop_map(|k| format!("{k} =")),
    ]
}

fn file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((line(), prop_oneof![Just("\n"), Just("\r\n")]), 0..40),
        any::<bool>(),
    )
        .prop_map(|(lines, final_newline)| {
            let mut text = String::from("[default]\n");
            for (l, end) in lines {
                text.push_str(&l);
                text.push_str(end);
            }
            if !final_newline {
                text.pop();
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn generated_files_print_back_identically(text in file()) {
        if let Some(printed) = reprint(&text) {
            prop_assert_eq!(printed, text);
        }
    }

    #[test]
    fn arbitrary_text_never_panics_and_prints_back(text in "(?s).{0,300}") {
        match reprint(&text) {
            Some(printed) => prop_assert_eq!(&printed, &text),
            None => {
                let err = Tokenizer::new(&text).find_map(Result::err).unwrap();
                let eol = if awsprof_core::parse::breaks_lines_at_cr(&text) { '\r' } else { '\n' };
                prop_assert!(err.line >= 1 && err.line <= text.split(eol).count());
            }
        }
        let _ = ProfileSet::from_texts(Some(&text), Some(&text), Filter::All);
    }

    #[test]
    fn a_filtered_load_sees_the_same_profile(text in file(), pick in 0usize..8) {
        if let Ok(all) = ProfileSet::from_texts(Some(&text), None, Filter::All) {
            let names = all.names();
            if let Some(name) = names.get(pick % names.len().max(1)) {
                let one = ProfileSet::from_texts(Some(&text), None, Filter::Profile(name)).unwrap();
                prop_assert_eq!(one.profile(name), all.profile(name));
                let names_only = ProfileSet::from_texts(Some(&text), None, Filter::NamesOnly).unwrap();
                prop_assert_eq!(names_only.names(), all.names());
                let borrowed = awsprof_core::model::profile_names(Some(&text), None).unwrap();
                prop_assert_eq!(borrowed, all.names());
            }
        }
    }
}

/// Files made of few names, so that sections repeat, both `[default]` forms meet, and
/// sso-sessions, services and ignored sections sit between the profiles.
fn sectioned_file() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        Just("[default]"),
        Just("[profile default]"),
        Just("[profile a]"),
        Just("[profile b]"),
        Just("[a]"),
        Just("[b]"),
        Just("[sso-session s]"),
        Just("[services x]"),
        Just("[profile bad name]"),
        Just("[other thing]"),
    ];
    let body = prop_oneof![
        Just("region = r1"),
        Just("REGION = r2 # c"),
        Just("k = v"),
        Just("s3 ="),
        Just("  max = 1"),
        Just("  continued"),
        Just("bad key = x"),
        Just("# comment"),
        Just(""),
    ];
    prop::collection::vec((header, prop::collection::vec(body, 0..5)), 0..12).prop_map(|sections| {
        let mut text = String::new();
        for (h, lines) in sections {
            text.push_str(h);
            text.push('\n');
            for l in lines {
                text.push_str(l);
                text.push('\n');
            }
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The index reads every section from its own lines only: each must come out exactly
    /// as the full load merges it, across both files, duplicates and `[default]` forms.
    #[test]
    fn the_index_materialises_every_section_as_the_full_load_does(config in prop_oneof![file(), sectioned_file()], creds in prop_oneof![file(), sectioned_file()]) {
        let full = ProfileSet::from_texts(Some(&config), Some(&creds), Filter::All);
        let index = awsprof_core::model::Index::build(Some(&config), Some(&creds));
        prop_assert_eq!(full.is_ok(), index.is_ok());
        if let (Ok(full), Ok(index)) = (full, index) {
            prop_assert_eq!(index.names(), full.names());
            for name in full.names() {
                prop_assert!(index.has_profile(name));
                prop_assert_eq!(index.profile(name), full.profile(name).cloned());
            }
            for (name, s) in &full.sso_sessions {
                prop_assert_eq!(index.sso_session(name), Some(s.clone()));
            }
            for (name, s) in &full.services {
                prop_assert_eq!(index.services(name), Some(s.clone()));
            }
            prop_assert_eq!(index.profile("no-such-profile"), None);
        }
    }
}

#[test]
fn most_generated_files_are_valid() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = file();
    let valid = (0..500)
        .filter(|_| reprint(&strategy.new_tree(&mut runner).unwrap().current()).is_some())
        .count();
    eprintln!("{valid}/500 generated files parse");
    assert!(
        valid >= 150,
        "only {valid}/500 generated files parse: the round-trip test would be weak"
    );
}

#[test]
fn suite_and_hand_written_files_print_back_identically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            root.join("tests/data/sdk-profile-suite/profile-parser-tests.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut texts: Vec<String> = Vec::new();
    for case in suite["tests"].as_array().unwrap() {
        for key in ["configFile", "credentialsFile"] {
            if let Some(t) = case["input"][key].as_str() {
                texts.push(t.to_string());
            }
        }
    }
    let differential = root.join("../../tests/data/differential");
    for case in std::fs::read_dir(differential).unwrap() {
        for file in ["config", "credentials"] {
            if let Ok(t) = std::fs::read_to_string(case.as_ref().unwrap().path().join(file)) {
                texts.push(t);
            }
        }
    }
    assert!(texts.len() > 70);
    let mut parsed = 0;
    for t in &texts {
        if let Some(printed) = reprint(t) {
            assert_eq!(&printed, t);
            parsed += 1;
        }
    }
    assert!(parsed > 60, "most inputs parse ({parsed})");
}
