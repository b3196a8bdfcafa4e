use anyhow::Result;
use clap::CommandFactory;

/// Renders the man page from the same clap definitions that print `--help`, with a
/// section per subcommand, so the two cannot drift apart.
pub fn run() -> Result<()> {
    // The package's version, not `--version`'s with the git commit: the committed copy
    // of the page must not change with every commit.
    let mut cmd = crate::cli::Cli::command().version(env!("CARGO_PKG_VERSION"));
    // The subcommands' arguments are deferred until built (cli.rs): build them all.
    cmd.build();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if let Some(examples) = cmd.get_after_long_help() {
        let text = examples.to_string();
        let body = text
            .split_once('\n')
            .map_or(text.as_str(), |(_, rest)| rest);
        page.extend_from_slice(b".SH EXAMPLES\n.nf\n");
        page.extend_from_slice(roff_escape(body).as_bytes());
        page.extend_from_slice(b"\n.fi\n");
    }
    page.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(listed) {
        section(&mut page, sub, &format!("awsprof {}", sub.get_name()))?;
    }
    man.render_version_section(&mut page)?;
    page.extend_from_slice(
        b".SH OPTIONS\n.TP\n-q, --quiet\nNo notes on stderr (what was done, next steps) and no spinner or progress bar, before or after the command; warnings, errors and prompts still show.\n.SH ENVIRONMENT\n.TP\nAWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE\nWhere the shared files are (default ~/.aws/config and ~/.aws/credentials; ~ expands).\n.TP\nAWS_PROFILE, AWS_DEFAULT_PROFILE\nThe active profile, in that order; else default.\n.TP\nNO_COLOR\nSet and not empty: no colour on stderr (there is colour only on a terminal).\n.SH EXIT STATUS\n0 on success, 1 on an error, 2 on bad usage.\n",
    );
    super::emit(&String::from_utf8(page)?)?;
    Ok(())
}

/// Building adds clap's own `help` subcommand, which the page does not list.
fn listed(s: &&clap::Command) -> bool {
    !s.is_hide_set() && s.get_name() != "help"
}

/// The section of one command: what it does, its synopsis and options, its examples; then
/// one section for each of its own subcommands (`awsprof sso add`).
fn section(page: &mut Vec<u8>, sub: &clap::Command, name: &str) -> Result<()> {
    let sub = sub.clone().bin_name(name);
    page.extend_from_slice(format!(".SS \"{name}\"\n").as_bytes());
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        page.extend_from_slice(roff_escape(&about.to_string()).as_bytes());
        page.extend_from_slice(b"\n.PP\n");
    }
    let mut synopsis = Vec::new();
    clap_mangen::Man::new(sub.clone()).render_synopsis_section(&mut synopsis)?;
    let mut options = Vec::new();
    clap_mangen::Man::new(sub.clone()).render_options_section(&mut options)?;
    // Keep the bodies, drop the per-command .SH headings.
    for part in [synopsis, options] {
        let text = String::from_utf8(part)?;
        for line in text.lines().filter(|l| !l.starts_with(".SH")) {
            page.extend_from_slice(line.as_bytes());
            page.push(b'\n');
        }
    }
    if let Some(examples) = sub.get_after_long_help() {
        page.extend_from_slice(b".PP\n.nf\n");
        page.extend_from_slice(roff_escape(&examples.to_string()).as_bytes());
        page.extend_from_slice(b"\n.fi\n");
    }
    for inner in sub.get_subcommands().filter(listed) {
        section(page, inner, &format!("{name} {}", inner.get_name()))?;
    }
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
