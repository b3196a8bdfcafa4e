use crate::cli::GetArgs;
use anyhow::{bail, Result};
use awsprof_core::keypath::SectionKind;
use awsprof_core::Filter;

/// Prints one value; exits 1 (silently, like `aws configure get`) when it is not set.
pub fn run(ctx: &super::Ctx, args: &GetArgs) -> Result<bool> {
    let path = ctx.key_path(&args.key)?;
    let selected = ctx.selected(args.profile.as_deref());
    // A profile key needs one profile: parsing the rest into maps costs ~30x more on
    // large files (docs/benchmarks.md).
    let set = match (&path.section, &path.name) {
        (SectionKind::Profile, Some(name)) => ctx.load(Filter::Profile(name))?,
        (SectionKind::Profile, None) => ctx.load(Filter::Profile(&selected))?,
        _ => ctx.load(Filter::All)?,
    };
    let Some(section) = path.section(&set, &selected) else {
        if path.section == SectionKind::Profile {
            let name = path.name.as_deref().unwrap_or(&selected);
            return Err(ctx.unknown(name)?.into());
        }
        return Ok(false);
    };
    // A block of sub-keys has no value of its own: refuse as the AWS CLI does, and say
    // what is in it.
    if let Some(block) = section
        .property(&path.key)
        .filter(|p| path.sub.is_none() && p.is_block())
    {
        let subs: Vec<String> = block
            .sub_properties()
            .iter()
            .map(|(k, _)| format!("`{}.{k}`", path.key))
            .collect();
        let kind = match path.section {
            SectionKind::Profile => "profile",
            SectionKind::SsoSession => "sso-session",
            SectionKind::Services => "services",
        };
        bail!(
            "`{}` in {kind} `{}` is a block of sub-keys, not a value: get one of them ({})",
            path.key,
            section.name,
            subs.join(", ")
        );
    }
    match path.lookup(section) {
        Some(value) => {
            super::emit(&format!("{value}\n"))?;
            Ok(true)
        }
        None => Ok(false),
    }
}
