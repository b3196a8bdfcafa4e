use anyhow::Result;

/// Prints the active profile without reading any file.
pub fn run(ctx: &super::Ctx) -> Result<()> {
    super::emit(&format!("{}\n", ctx.selected(None)))?;
    Ok(())
}
