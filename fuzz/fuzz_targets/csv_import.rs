//! The access-key CSV importer: any bytes are refused with a reason or read; keys read
//! are non-empty, name a line of the file, and read back the same when written out again
//! as the IAM console writes the file.

#![no_main]

use awsprof_core::accesskeys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(keys) = accesskeys::parse(data) else {
        return;
    };
    assert!(!keys.is_empty());
    let lines = data.split(|&b| b == b'\n').count();
    for k in &keys {
        assert!(!k.access_key_id.is_empty() && !k.secret_access_key.is_empty());
        assert!(k.line >= 1 && k.line <= lines, "line {} of {lines}", k.line);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["User name", "Access key ID", "Secret access key"])
        .unwrap();
    for k in &keys {
        w.write_record([
            k.user_name.as_deref().unwrap_or("u"),
            &k.access_key_id,
            &k.secret_access_key,
        ])
        .unwrap();
    }
    let again = accesskeys::parse(&w.into_inner().unwrap()).expect("our own CSV reads back");
    let pairs = |ks: &[accesskeys::AccessKey]| -> Vec<(String, String)> {
        ks.iter()
            .map(|k| (k.access_key_id.clone(), k.secret_access_key.clone()))
            .collect()
    };
    assert_eq!(pairs(&again), pairs(&keys));
});
