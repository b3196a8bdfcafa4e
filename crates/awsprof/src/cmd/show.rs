use crate::cli::ShowArgs;
use crate::term::shown_path;
use anyhow::Result;
use awsprof_core::{Property, Section};
use serde_json::{Map, Value};

fn shown(key: &str, value: &str, reveal: bool) -> String {
    if !reveal && super::SECRET_KEYS.contains(&key) {
        super::mask(value)
    } else {
        value.to_string()
    }
}

fn json_value(key: &str, prop: &Property, reveal: bool) -> Value {
    if prop.is_block() {
        let mut obj = Map::new();
        for (k, v) in prop.sub_properties() {
            obj.insert(k.to_string(), Value::String(v.to_string()));
        }
        Value::Object(obj)
    } else {
        Value::String(shown(key, &prop.value, reveal))
    }
}

/// The JSON form: `{"name", "kind", "sources", "properties"}`.
pub fn to_json(profile: &Section, reveal: bool) -> Value {
    let mut props = Map::new();
    for (k, p) in &profile.properties {
        props.insert(k.clone(), json_value(k, p, reveal));
    }
    serde_json::json!({
        "name": profile.name,
        "kind": profile.kind(),
        "sources": profile.sources(),
        "properties": props,
    })
}

/// Prints a profile's merged properties, masked unless `--reveal`.
pub fn run(ctx: &super::Ctx, args: &ShowArgs) -> Result<()> {
    let name = ctx.selected(args.profile.as_deref());
    let profile = ctx.profile(&name)?;
    if args.json {
        let text = serde_json::to_string_pretty(&to_json(&profile, args.reveal))?;
        super::emit(&(text + "\n"))?;
        return Ok(());
    }
    let files: Vec<String> = profile
        .sources()
        .into_iter()
        .map(|k| shown_path(ctx.paths.get(k)))
        .collect();
    let mut out = format!(
        "{}  ({}; from {})\n",
        profile.name,
        profile.kind().as_str(),
        files.join(", ")
    );
    let width = profile
        .properties
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0);
    for (k, p) in &profile.properties {
        let origin = format!("{}:{}", p.file.as_str(), p.line);
        if p.is_block() {
            out.push_str(&format!("  {k:width$} =  # {origin}\n"));
            for (sk, sv) in p.sub_properties() {
                out.push_str(&format!("    {sk} = {sv}\n"));
            }
        } else {
            let v = shown(k, &p.value, args.reveal).replace('\n', "\n    ");
            out.push_str(&format!("  {k:width$} = {v}  # {origin}\n"));
        }
    }
    super::emit(&out)?;
    Ok(())
}
