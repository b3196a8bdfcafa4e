use crate::cli::ListArgs;
use anyhow::Result;
use awsprof_core::{FileKind, Filter, ProfileKind};
use serde::Serialize;
use std::io::{IsTerminal, Write};

#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    kind: ProfileKind,
    region: Option<&'a str>,
    sources: Vec<FileKind>,
}

/// Prints profile names sorted, or a JSON array with their kind, region and files. With no
/// profile at all stdout stays empty (`[]` for JSON) and stderr says how to make one.
pub fn run(ctx: &super::Ctx, args: &ListArgs) -> Result<()> {
    if !args.json {
        let texts = ctx.texts()?;
        let names = texts.names_to_write(&ctx.paths, "")?;
        if names.is_empty() {
            ctx.ui.note(&super::no_profiles(ctx));
            return Ok(());
        }
        let put = |buf: &mut Vec<u8>, name: &[u8]| {
            buf.extend_from_slice(name);
            buf.push(b'\n');
        };
        let mut out = std::io::stdout().lock();
        if out.is_terminal() {
            // What a terminal shows goes through `emit`'s filter.
            let mut text = Vec::new();
            names.write_each(&mut text, put)?;
            drop(out);
            super::emit(&String::from_utf8_lossy(&text))?;
        } else {
            names.write_each(&mut out, put)?;
            out.flush()?;
        }
        return Ok(());
    }
    let set = ctx.load(Filter::All)?;
    if set.profiles.is_empty() {
        ctx.ui.note(&super::no_profiles(ctx));
    }
    let entries: Vec<Entry> = set
        .names()
        .into_iter()
        .map(|name| {
            let p = &set.profiles[name];
            Entry {
                name,
                kind: p.kind(),
                region: p.get("region"),
                sources: p.sources(),
            }
        })
        .collect();
    super::emit(&(serde_json::to_string_pretty(&entries)? + "\n"))?;
    Ok(())
}
