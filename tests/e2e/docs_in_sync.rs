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

/// What `awsprof ARGS` prints, stdout and stderr together (`use --help` prints on stderr,
/// since its stdout is evaluated), at a width of 100 columns.
fn help_of(args: &[&str]) -> String {
    let out = support::AwsHome::new()
        .cmd()
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(out.status.success(), "awsprof {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
}

/// The names under a help text's `Commands:` heading, without clap's `help`.
fn commands_in(help: &str) -> Vec<String> {
    let Some(list) = help.split("Commands:\n").nth(1) else {
        return Vec::new();
    };
    // A name is indented two spaces; a wrapped description, more.
    list.split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every command and subcommand, as argument lists: [], ["list"], ["sso", "add"], ...
fn every_command() -> Vec<Vec<String>> {
    let mut all = vec![Vec::new()];
    let mut i = 0;
    while i < all.len() {
        let path: Vec<String> = all[i].clone();
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        for sub in commands_in(&help_of(&args)) {
            let mut next = path.clone();
            next.push(sub);
            all.push(next);
        }
        i += 1;
    }
    all
}

/// The long flags a text names (`--format`, `--dry-run`).
fn long_flags(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.len() > 2 && w.starts_with("--") && w.as_bytes()[2].is_ascii_alphabetic())
        .map(str::to_string)
        .collect()
}

/// The command an `awsprof ...` line runs: its first word, and the second when that makes
/// a subcommand (`sso add`). `None` when the first word is no command.
fn command_of<'a>(words: &[&'a str], commands: &[Vec<String>]) -> Option<Vec<&'a str>> {
    let is = |path: &[&str]| {
        commands
            .iter()
            .any(|c| c.iter().map(String::as_str).eq(path.iter().copied()))
    };
    let first = *words.first()?;
    if !is(&[first]) {
        return None;
    }
    match words.get(1) {
        Some(second) if is(&[first, second]) => Some(vec![first, second]),
        _ => Some(vec![first]),
    }
}

/// A screen: `--help` of every command (and subcommand) has examples and fits in 40 lines;
/// `-h` stays a summary without them. Each example's flags are flags of the command it
/// runs, so an example cannot outlive a renamed option.
#[test]
fn every_command_help_has_an_example_and_fits_on_a_screen() {
    let commands = every_command();
    assert!(commands.len() > 25, "{commands:?}");
    let mut failures = Vec::new();
    for path in &commands {
        let name = format!("awsprof {}", path.join(" "));
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let long = help_of(&args);
        args.pop();
        args.push("-h");
        let short = help_of(&args);
        let lines = long.lines().count();
        if lines > 40 {
            failures.push(format!("{name} --help is {lines} lines (at most 40)"));
        }
        if short.contains("Examples:") || short.lines().count() > lines {
            failures.push(format!("{name} -h is not a summary: {short}"));
        }
        // `Examples:`, or `Examples (...):` at the top.
        let examples = long
            .split("\nExamples")
            .nth(1)
            .and_then(|e| e.split_once(":\n"));
        let Some((_, examples)) = examples else {
            failures.push(format!("{name} --help has no `Examples:`"));
            continue;
        };
        let examples: Vec<&str> = examples
            .lines()
            .take_while(|l| !l.is_empty())
            .filter(|l| l.contains("awsprof "))
            .collect();
        if examples.is_empty() {
            failures.push(format!("{name} --help: no example runs awsprof"));
        }
        for line in examples {
            // Each `awsprof CMD [SUB] ...` in the line, up to a pipe, `&&`, `)` or comment.
            for part in line.split("awsprof ").skip(1) {
                let part = part.split(['|', '#', ')', '&', '>']).next().unwrap();
                let words: Vec<&str> = part.split_whitespace().collect();
                let Some(target) = command_of(&words, &commands) else {
                    failures.push(format!("{name}: the example `{line}` runs no command"));
                    continue;
                };
                let mut args = target.clone();
                args.push("-h");
                let help = help_of(&args);
                for flag in long_flags(part) {
                    if !help.contains(&flag) {
                        failures.push(format!("{name}: the example `{line}` passes {flag}, which `awsprof {}` does not take", target.join(" ")));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// docs/cli.md is the reference: it names every option every command takes.
#[test]
fn the_cli_doc_names_every_option() {
    let cli = std::fs::read_to_string(support::repo_root().join("docs/cli.md")).unwrap();
    let mut missing = Vec::new();
    for path in every_command() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("-h");
        let help = help_of(&args);
        let options = help.split("Options:").nth(1).unwrap_or_default();
        for flag in long_flags(options) {
            if flag != "--help" && flag != "--version" && !cli.contains(&flag) {
                missing.push(format!("awsprof {} {flag}", path.join(" ")));
            }
        }
    }
    assert!(missing.is_empty(), "docs/cli.md does not name: {missing:?}");
}

/// The code in a Markdown text: inline spans and the lines of fenced blocks.
fn code_in(markdown: &str) -> Vec<String> {
    let mut code = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            code.push(line.to_string());
            continue;
        }
        // `` `a` `` spans: the odd pieces between backticks (double backticks are rare
        // enough in these docs to read as two empty spans around the code).
        code.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
    }
    code
}

/// Every `awsprof COMMAND --flag` the README and docs/ show names a command that exists and
/// flags it takes: renaming either fails here until the docs follow.
#[test]
fn the_docs_show_only_commands_and_flags_that_exist() {
    let mut commands = every_command();
    // The hidden ones: `man` (for packagers, docs/packaging.md) and the shell hook.
    commands.extend([vec!["man".to_string()], vec!["hook".to_string()]]);
    let root = support::repo_root();
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut helps = std::collections::HashMap::new();
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(&root).unwrap().display().to_string();
        for code in code_in(&text) {
            // `awsprof` where a command starts (not `service awsprof`, `run by awsprof`).
            let starts = code.match_indices("awsprof ").filter(|(at, _)| {
                let before = code[..*at].trim_end();
                let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
                before.is_empty()
                    || before.ends_with(['$', '(', '|', '&', ';', '"', '\'', '{'])
                    || ["command", "exec", "time", "then", "do"].contains(&word)
            });
            for (at, _) in starts {
                let part = &code[at + "awsprof ".len()..];
                let part = part
                    .split(['|', '#', ')', '&', '>', ';', '`'])
                    .next()
                    .unwrap();
                let words: Vec<&str> = part.split_whitespace().collect();
                let Some(first) = words.first() else { continue };
                if !first.starts_with(|c: char| c.is_ascii_lowercase()) {
                    continue;
                }
                let Some(target) = command_of(&words, &commands) else {
                    wrong.push(format!("{shown}: `awsprof {part}`: no command `{first}`"));
                    continue;
                };
                let help = helps.entry(target.join(" ")).or_insert_with(|| {
                    let mut args = target.clone();
                    args.push("-h");
                    help_of(&args)
                });
                for flag in long_flags(part) {
                    if !help.contains(&flag) {
                        wrong.push(format!(
                            "{shown}: `awsprof {part}`: `awsprof {}` takes no {flag}",
                            target.join(" ")
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
