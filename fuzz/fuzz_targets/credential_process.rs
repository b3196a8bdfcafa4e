//! The credential_process JSON reader: any bytes are refused with a message or read; what
//! is read is exactly what the JSON says (Version 1, non-empty keys, an RFC 3339 expiry in
//! the future), and the message of a refusal never holds the secret.

#![no_main]

use awsprof_core::creds::Credentials;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Credentials::from_process_output(data) {
        Err(e) => {
            if let Ok(serde_json::Value::Object(o)) = serde_json::from_slice(data) {
                if let Some(serde_json::Value::String(secret)) = o.get("SecretAccessKey") {
                    // Other fields are not secret and may be quoted; the secret is not.
                    let elsewhere = o.iter().any(|(k, v)| {
                        k.contains(secret.as_str())
                            || (k != "SecretAccessKey" && v.to_string().contains(secret.as_str()))
                    });
                    let said = e.to_string();
                    if secret.len() >= 8 && !elsewhere && said.contains(secret.as_str()) {
                        // Only where the message says it whatever the secret is: a secret
                        // that happens to be words of the message (`printed no`) is not
                        // quoted. The same bytes with another secret in its place must
                        // say it too (a secret written with escapes is not compared).
                        let literal = serde_json::to_string(secret).unwrap_or_default();
                        let other = "\u{2603}".repeat(secret.chars().count());
                        let other = serde_json::to_string(&other).unwrap_or_default();
                        let raw = String::from_utf8_lossy(data);
                        if raw.contains(&literal) {
                            let bytes = raw.replace(&literal, &other);
                            let again = Credentials::from_process_output(bytes.as_bytes())
                                .err()
                                .map(|e| e.to_string())
                                .unwrap_or_default();
                            assert!(again.contains(secret.as_str()), "{said}");
                        }
                    }
                }
            }
        }
        Ok(c) => {
            assert!(!c.access_key_id.is_empty() && !c.secret_access_key.is_empty());
            // serde skips unknown fields without checking their escapes (a lone surrogate);
            // a document serde_json's own value reader refuses is compared no further.
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
                return;
            };
            assert_eq!(v["Version"], 1);
            assert_eq!(v["AccessKeyId"].as_str(), Some(c.access_key_id.as_str()));
            assert_eq!(
                v["SecretAccessKey"].as_str(),
                Some(c.secret_access_key.as_str())
            );
            match v["SessionToken"].as_str() {
                Some(t) if !t.is_empty() => assert_eq!(c.session_token.as_deref(), Some(t)),
                _ => assert_eq!(c.session_token, None),
            }
            assert_eq!(v["Expiration"].is_string(), c.expiration.is_some());
        }
    }
});
