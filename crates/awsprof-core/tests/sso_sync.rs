//! Golden tests of `sso sync`'s planner and editor (no network: the listing is given).
//!
//! Each directory under `tests/data/sso-sync/` is one run: `before.ini` (the config file),
//! `credentials.ini` (optional), `listing.json` (what the portal listed, in full),
//! `options.json` (`session`, `template`, `region`, `prune`, each optional) and the
//! expected `after.ini` and `report.json`. Every case also proves, whatever its files
//! say: a second plain run changes no byte; the user's own profiles read the same; every
//! comment of the file is still there, in order. `AWSPROF_BLESS=1` rewrites the expected
//! files from what the code does now (then read the diff before committing it).

use awsprof_core::sso_sync::{self, Listing, Options, MARK_KEY};
use awsprof_core::{Filter, ProfileSet};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sso-sync");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "the golden cases are missing");
    dirs
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn options(v: &Value) -> (Option<String>, Options) {
    let s = |k: &str| v[k].as_str().map(str::to_string);
    (
        s("session"),
        Options {
            template: s("template"),
            region: s("region"),
            prune: v["prune"].as_bool(),
        },
    )
}

/// The user's own profiles (no mark) and their properties.
fn own_profiles(config: &str, credentials: &str) -> Vec<(String, Vec<(String, String)>)> {
    let set = ProfileSet::from_texts(Some(config), Some(credentials), Filter::All)
        .expect("the case parses");
    set.profiles
        .values()
        .filter(|s| s.get(MARK_KEY).is_none())
        .map(|s| {
            (
                s.name.clone(),
                s.properties
                    .iter()
                    .map(|(k, p)| (k.clone(), p.value.clone()))
                    .collect(),
            )
        })
        .collect()
}

fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with(['#', ';']))
        .collect()
}

#[test]
fn golden_cases() {
    let bless = std::env::var_os("AWSPROF_BLESS").is_some();
    for dir in cases() {
        let what = dir.file_name().unwrap().to_string_lossy().to_string();
        let before = read(&dir.join("before.ini"));
        let credentials = std::fs::read_to_string(dir.join("credentials.ini")).unwrap_or_default();
        let listing: Listing = serde_json::from_str(&read(&dir.join("listing.json")))
            .unwrap_or_else(|e| panic!("{what}/listing.json: {e}"));
        let opts: Value = serde_json::from_str(&read(&dir.join("options.json")))
            .unwrap_or_else(|e| panic!("{what}/options.json: {e}"));
        let (session, opts) = options(&opts);
        let (after, report) =
            sso_sync::sync_text(&before, &credentials, session.as_deref(), &opts, &listing)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
        let rewritten: Vec<String> = report
            .references
            .iter()
            .map(|r| r.profile.clone())
            .collect();
        let report = serde_json::to_string_pretty(&report).expect("the report serialises") + "\n";
        if bless {
            std::fs::write(dir.join("after.ini"), &after).expect("bless after.ini");
            std::fs::write(dir.join("report.json"), &report).expect("bless report.json");
        }
        let expected = read(&dir.join("after.ini"));
        assert!(
            after == expected,
            "{what}: the config differs from after.ini:\n{}",
            sso_sync::diff("after.ini", &expected, &after)
        );
        assert_eq!(
            report,
            read(&dir.join("report.json")),
            "{what}: report.json"
        );

        // A plain run right after (options remembered) changes no byte.
        let (again, second) = sso_sync::sync_text(
            &after,
            &credentials,
            session.as_deref(),
            &Options::default(),
            &listing,
        )
        .unwrap_or_else(|e| panic!("{what}, second run: {e}"));
        assert!(
            again == after,
            "{what}: a second run changed the file:\n{}",
            sso_sync::diff("config", &after, &again)
        );
        assert!(!second.changes_profiles(), "{what}: second run {second:?}");

        // The user's own profiles read the same, but for a source_profile that followed a
        // renamed profile (the report says which).
        let without_rewritten = |text: &str| {
            let mut own = own_profiles(text, &credentials);
            for (name, props) in &mut own {
                if rewritten.contains(name) {
                    props.retain(|(k, _)| k != "source_profile");
                }
            }
            own
        };
        assert_eq!(
            without_rewritten(&after),
            without_rewritten(&before),
            "{what}: the user's own profiles changed"
        );
        let (old, new) = (comments(&before), comments(&after));
        let mut it = new.iter();
        for c in &old {
            assert!(
                it.any(|n| n == c),
                "{what}: comment {c:?} lost or moved out of order"
            );
        }
    }
}
