use anyhow::Result;
use clap::CommandFactory;

/// Renders the man page from the same clap definitions that print `--help`, with a
/// section per subcommand, so the two cannot drift apart.
pub fn run() -> Result<()> {
    let mut cmd = crate::cli::Cli::command();
    // The subcommands' arguments are deferred until built (cli.rs): build them all.
    cmd.build();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    page.extend_from_slice(b".SH COMMANDS\n");
    // Building adds clap's own `help` subcommand, which the page does not list.
    let listed = |s: &&clap::Command| !s.is_hide_set() && s.get_name() != "help";
    for sub in cmd.get_subcommands().filter(listed) {
        let name = sub.get_name();
        let sub = sub.clone().bin_name(format!("awsprof {name}"));
        page.extend_from_slice(format!(".SS \"awsprof {name}\"\n").as_bytes());
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            page.extend_from_slice(roff_escape(&about.to_string()).as_bytes());
            page.extend_from_slice(b"\n.PP\n");
        }
        let mut synopsis = Vec::new();
        clap_mangen::Man::new(sub.clone()).render_synopsis_section(&mut synopsis)?;
        let mut options = Vec::new();
        clap_mangen::Man::new(sub).render_options_section(&mut options)?;
        // Keep the bodies, drop the per-command .SH headings.
        for part in [synopsis, options] {
            let text = String::from_utf8(part)?;
            for line in text.lines().filter(|l| !l.starts_with(".SH")) {
                page.extend_from_slice(line.as_bytes());
                page.push(b'\n');
            }
        }
    }
    man.render_version_section(&mut page)?;
    page.extend_from_slice(
        b".SH ENVIRONMENT\n.TP\nAWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE\nWhere the shared files are (default ~/.aws/config and ~/.aws/credentials; ~ expands).\n.TP\nAWS_PROFILE, AWS_DEFAULT_PROFILE\nThe active profile, in that order; else default.\n.SH EXIT STATUS\n0 on success, 1 on an error, 2 on bad usage.\n",
    );
    super::emit(&String::from_utf8(page)?)?;
    Ok(())
}

fn roff_escape(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.replace('\\', "\\\\");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
