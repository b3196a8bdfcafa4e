use crate::cli::DoctorArgs;
use anyhow::Result;
use awsprof_core::doctor::{diagnose, Level};

/// Prints the findings; returns false when any is an error.
pub fn run(ctx: &super::Ctx, args: &DoctorArgs) -> Result<bool> {
    let mut findings = diagnose(&ctx.paths, &|k| std::env::var(k).ok());
    for f in &mut findings {
        f.message = crate::term::shown(&f.message);
        if let Some(fix) = &f.fix {
            f.message = format!("{}; run: {}", f.message, crate::term::command_line(fix));
        }
    }
    if args.json {
        super::emit(&(serde_json::to_string_pretty(&findings)? + "\n"))?;
    } else {
        let mut out = String::new();
        for f in &findings {
            let tag = match f.level {
                Level::Ok => "ok",
                Level::Warning => "warning",
                Level::Error => "error",
            };
            out.push_str(&format!("{tag:<8}{:<12}{}\n", f.check, f.message));
        }
        let (w, e) = findings.iter().fold((0, 0), |(w, e), f| match f.level {
            Level::Warning => (w + 1, e),
            Level::Error => (w, e + 1),
            Level::Ok => (w, e),
        });
        out.push_str(&format!("{e} error(s), {w} warning(s)\n"));
        super::emit(&out)?;
    }
    Ok(!findings.iter().any(|f| f.level == Level::Error))
}
