//! nushell: a JSON object holding the final value of every variable the plan touches, and
//! `null` for each one it removes. The `awsprof` command of `awsprof init nu` parses it with
//! `from json` and applies it with `load-env` and `hide-env`, so a value is only ever data:
//! nothing in it is parsed as nushell code, whatever it holds.

use super::{refuse_if, Format, FormatError};
use crate::env::{Op, Plan};
use serde_json::Value;

/// nushell.
pub struct Nu;

impl Format for Nu {
    fn name(&self) -> &'static str {
        "nu"
    }

    fn summary(&self) -> &'static str {
        "a JSON object for nushell's load-env (null: hide-env)"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        // NUL cannot be in an environment variable, so no shell can be handed one.
        refuse_if(self.name(), key, value, |c| c == '\0')?;
        Ok(format!("{}: {}", Value::from(key), Value::from(value)))
    }

    fn unset(&self, key: &'static str) -> Option<String> {
        Some(format!("{}: null", Value::from(key)))
    }

    fn render(&self, plan: &Plan) -> Result<String, FormatError> {
        // A variable's last step is its final state; JSON keeps one entry per key.
        let mut map = serde_json::Map::new();
        for op in &plan.ops {
            match op {
                Op::Set(k, v) => {
                    refuse_if(self.name(), k, v, |c| c == '\0')?;
                    map.insert(k.to_string(), Value::from(v.as_str()));
                }
                Op::Unset(k) => {
                    map.insert(k.to_string(), Value::Null);
                }
            }
        }
        let text = serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default();
        Ok(text + "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removals_are_null_and_the_last_step_of_a_key_wins() {
        let plan = Plan {
            ops: vec![
                Op::Unset("AWS_ACCESS_KEY_ID"),
                Op::Set("AWS_PROFILE", "a'$(x)\n".into()),
                Op::Set("AWS_REGION", "r".into()),
                Op::Unset("AWS_REGION"),
            ],
        };
        let v: Value = serde_json::from_str(&Nu.render(&plan).unwrap()).unwrap();
        assert_eq!(v["AWS_ACCESS_KEY_ID"], Value::Null);
        assert_eq!(v["AWS_PROFILE"], "a'$(x)\n");
        assert_eq!(v["AWS_REGION"], Value::Null);
        assert_eq!(v.as_object().unwrap().len(), 3);
    }
}
