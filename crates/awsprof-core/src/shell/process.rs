//! The `credential_process` output (Version 1), which the SDKs and the AWS CLI read from a
//! program named in a profile's `credential_process` setting.

use super::{refuse_if, Format, FormatError};
use crate::env::{
    Plan, AWS_ACCESS_KEY_ID, AWS_CREDENTIAL_EXPIRATION, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
};

/// credential_process JSON.
pub struct Process;

const FIELDS: [(&str, &str); 4] = [
    (AWS_ACCESS_KEY_ID, "AccessKeyId"),
    (AWS_SECRET_ACCESS_KEY, "SecretAccessKey"),
    (AWS_SESSION_TOKEN, "SessionToken"),
    (AWS_CREDENTIAL_EXPIRATION, "Expiration"),
];

impl Format for Process {
    fn name(&self) -> &'static str {
        "process"
    }

    fn summary(&self) -> &'static str {
        "credential_process JSON, Version 1"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        Json.set(key, value)
    }

    fn unset(&self, _key: &'static str) -> Option<String> {
        None
    }

    fn render(&self, plan: &Plan) -> Result<String, FormatError> {
        let mut map = serde_json::Map::new();
        map.insert("Version".into(), 1.into());
        for (i, (var, field)) in FIELDS.into_iter().enumerate() {
            match plan.value(var) {
                Some(v) => {
                    refuse_if(self.name(), var, v, |c| c == '\0')?;
                    map.insert(field.into(), v.into());
                }
                // The two keys are required; token and expiration are optional.
                None if i < 2 => {
                    return Err(FormatError::Missing {
                        format: self.name(),
                        key: var,
                    })
                }
                None => {}
            }
        }
        let text =
            serde_json::to_string_pretty(&serde_json::Value::Object(map)).unwrap_or_default();
        Ok(text + "\n")
    }
}

use super::json::Json;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Op;

    #[test]
    fn version_one_with_optional_fields_left_out() {
        let plan = Plan {
            ops: vec![
                Op::Set(AWS_ACCESS_KEY_ID, "AK".into()),
                Op::Set(AWS_SECRET_ACCESS_KEY, "S".into()),
                Op::Set("AWS_REGION", "r".into()),
            ],
        };
        let v: serde_json::Value = serde_json::from_str(&Process.render(&plan).unwrap()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"Version": 1, "AccessKeyId": "AK", "SecretAccessKey": "S"})
        );
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Version", "AccessKeyId", "SecretAccessKey"]);
    }

    #[test]
    fn needs_both_keys() {
        let plan = Plan {
            ops: vec![Op::Set(AWS_ACCESS_KEY_ID, "AK".into())],
        };
        assert!(matches!(
            Process.render(&plan),
            Err(FormatError::Missing { .. })
        ));
    }
}
