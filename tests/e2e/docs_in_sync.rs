//! Docs are part of the work: the man page is the help text, and the README and
//! docs/cli.md name every command. Regenerate the man page with
//! `cargo run -q --bin awsprof -- man > docs/awsprof.1`.

use crate::support;

fn visible_commands() -> Vec<String> {
    let out = support::AwsHome::new().run(&["--help"]);
    let help = support::stdout_ok(&out);
    help.split("Commands:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn man_page_matches_the_help_text() {
    let out = support::AwsHome::new().run(&["man"]);
    let generated = support::stdout_ok(&out);
    let committed =
        std::fs::read_to_string(support::repo_root().join("docs/awsprof.1")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/awsprof.1 is stale: run `cargo run -q --bin awsprof -- man > docs/awsprof.1`"
    );
}

#[test]
fn readme_and_cli_doc_name_every_command() {
    let readme = std::fs::read_to_string(support::repo_root().join("README.md")).unwrap();
    let cli = std::fs::read_to_string(support::repo_root().join("docs/cli.md")).unwrap();
    let commands = visible_commands();
    assert!(commands.len() >= 5, "{commands:?}");
    for c in commands {
        let needle = format!("awsprof {c}");
        assert!(
            readme.contains(&needle),
            "README.md does not mention `{needle}`"
        );
        assert!(
            cli.contains(&needle),
            "docs/cli.md does not mention `{needle}`"
        );
    }
}
