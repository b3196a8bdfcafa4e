use crate::cli::GetArgs;
use anyhow::Result;
use awsprof_core::keypath::{KeyPath, SectionKind};
use awsprof_core::Filter;

/// Prints one value; exits 1 (silently, like `aws configure get`) when it is not set.
pub fn run(ctx: &super::Ctx, args: &GetArgs) -> Result<bool> {
    let path = KeyPath::parse(&args.key)?;
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
    match path.lookup(section) {
        Some(value) => {
            super::emit(&format!("{value}\n"))?;
            Ok(true)
        }
        None => Ok(false),
    }
}
