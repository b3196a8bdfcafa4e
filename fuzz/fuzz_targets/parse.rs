//! The parser: any bytes are either refused (NUL, not UTF-8, a syntax error at a line of
//! the file) or read; a text that is read prints back byte-identical through the
//! tokenizer and the editor's document, and every way of loading it agrees.

#![no_main]

use awsprof_core::edit::Document;
use awsprof_core::model::{profile_names, Filter, Index, ProfileNames, ProfileSet};
use awsprof_core::{parse, store, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = store::decode(std::path::Path::new("fuzz"), data.to_vec()) else {
        return;
    };
    let lines_in_file = text
        .split(if parse::breaks_lines_at_cr(&text) {
            '\r'
        } else {
            '\n'
        })
        .count();
    let lines = match parse::tokenize(&text) {
        Ok(lines) => lines,
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines_in_file, "{e:?}");
            // Every reader refuses it, at the same line.
            for kind in [FileKind::Config, FileKind::Credentials] {
                assert_eq!(Document::parse(kind, &text).unwrap_err(), e);
            }
            let (_, err) = ProfileSet::from_texts(Some(&text), None, Filter::All).unwrap_err();
            assert_eq!(err, e);
            assert_eq!(profile_names(Some(&text), None).unwrap_err().1, e);
            assert_eq!(Index::build(Some(&text), None).unwrap_err().1, e);
            return;
        }
    };
    let mut offset = 0;
    for line in &lines {
        assert_eq!(line.offset, offset);
        assert!(line.raw.starts_with(line.content));
        offset += line.raw.len();
    }
    assert_eq!(offset, text.len());
    assert_eq!(lines.iter().map(|l| l.raw).collect::<String>(), text);
    for kind in [FileKind::Config, FileKind::Credentials] {
        assert_eq!(Document::parse(kind, &text).unwrap().text(), text);
    }
    let deviations = parse::deviations(&text);
    assert!(deviations.iter().all(|&(n, _)| n >= 1 && n <= lines.len()));
    // The text as either file, and as both (a name in both is listed once).
    let both = [
        (Some(text.as_str()), None),
        (None, Some(text.as_str())),
        (Some(text.as_str()), Some(text.as_str())),
    ];
    for (config, credentials) in both {
        let all = ProfileSet::from_texts(config, credentials, Filter::All).unwrap();
        let names = profile_names(config, credentials).unwrap();
        assert_eq!(names, all.names());
        // What `list` and completion write: the same bytes.
        let mut written = Vec::new();
        ProfileNames::read(config, credentials, "")
            .unwrap()
            .each(|name| written.push(name.to_vec()));
        assert!(written.iter().map(Vec::as_slice).eq(names.iter().map(|n| n.as_bytes())));
        let names_only = ProfileSet::from_texts(config, credentials, Filter::NamesOnly).unwrap();
        assert_eq!(names_only.names(), all.names());
        // The index (one validating pass, sections read from their own lines) agrees.
        let index = Index::build(config, credentials).unwrap();
        assert_eq!(index.names(), all.names());
        for name in names.iter().take(4) {
            let one = ProfileSet::from_texts(config, credentials, Filter::Profile(name)).unwrap();
            assert_eq!(one.profile(name), all.profile(name));
            assert_eq!(index.profile(name).as_ref(), all.profile(name));
        }
    }
});
