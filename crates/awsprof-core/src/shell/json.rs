//! A JSON object of the variables, in plan order. Unsets are left out.

use super::{refuse_if, Format, FormatError};
use crate::env::Plan;

/// JSON.
pub struct Json;

impl Format for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn summary(&self) -> &'static str {
        "a JSON object of the variables"
    }

    fn set(&self, key: &'static str, value: &str) -> Result<String, FormatError> {
        refuse_if(self.name(), key, value, |c| c == '\0')?;
        Ok(serde_json::to_string(value).unwrap_or_default())
    }

    fn unset(&self, _key: &'static str) -> Option<String> {
        None
    }

    fn render(&self, plan: &Plan) -> Result<String, FormatError> {
        let mut map = serde_json::Map::new();
        for (k, v) in plan.sets() {
            refuse_if(self.name(), k, v, |c| c == '\0')?;
            map.insert(k.to_string(), serde_json::Value::String(v.to_string()));
        }
        let text =
            serde_json::to_string_pretty(&serde_json::Value::Object(map)).unwrap_or_default();
        Ok(text + "\n")
    }
}
