//! The docs cannot rot: every fenced block marked runnable (```` ```sh runnable ````) in
//! README.md and docs/*.md runs here, in bash, and must exit 0. The blocks of one file run
//! in order in one scratch home, as a reader would type them: what one block writes (a
//! profile, a line in `~/.bashrc`, a variable `use` set) the next one finds, and
//! `~/.bashrc` is read again before each, as the docs tell the reader to do. The home holds what a reader
//! would have downloaded (`~/Downloads/alice_accessKeys.csv`, AWS's documented example
//! key), and AWS is the test suite's moto server on 127.0.0.1 (`AWS_ENDPOINT_URL`), so
//! `whoami` and roles run offline. Mark only what runs offline and without a terminal.

use crate::support;
use std::path::{Path, PathBuf};

/// One runnable block: where it is, and its text.
struct Block {
    file: PathBuf,
    line: usize,
    code: String,
}

/// The runnable blocks of a Markdown text, in order: fences whose info string has the
/// word `runnable` and a shell language (`sh`, `bash`).
fn blocks(file: &Path, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(usize, bool, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut open {
            None => {
                if let Some(info) = line.trim_start().strip_prefix("```") {
                    let words: Vec<&str> = info.split_whitespace().collect();
                    let runnable = words.contains(&"runnable");
                    if runnable {
                        assert!(
                            matches!(words.first(), Some(&"sh") | Some(&"bash")),
                            "{}:{}: a runnable block must be sh or bash: {line}",
                            file.display(),
                            i + 1
                        );
                    }
                    open = Some((i + 1, runnable, String::new()));
                }
            }
            Some((start, runnable, code)) => {
                if line.trim_start().starts_with("```") {
                    if *runnable {
                        out.push(Block {
                            file: file.to_path_buf(),
                            line: *start,
                            code: std::mem::take(code),
                        });
                    }
                    open = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "{}: a fence is never closed",
        file.display()
    );
    out
}

/// README.md and every docs/*.md, sorted.
fn documents() -> Vec<PathBuf> {
    let root = support::repo_root();
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// A home as a reader's would be before the first block: empty but for the download.
fn scratch_home() -> support::AwsHome {
    let home = support::AwsHome::new();
    let downloads = home.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::write(
        downloads.join("alice_accessKeys.csv"),
        "\u{feff}Access key ID,Secret access key\r\nAKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n",
    )
    .unwrap();
    std::fs::write(home.path().join(".bashrc"), "").unwrap();
    home
}

/// The marker written to stdout and stderr before each block, to tell which one failed.
const MARK: &str = "@@docs-runnable block ";

/// Runs `blocks` in one bash (`-e`, `-o pipefail`) in `home`, one after the other as a
/// reader types them into one terminal, each after `. ~/.bashrc` (as the docs say to do
/// after changing it); the failure, if any, with the failing block's own output.
fn run(home: &support::AwsHome, blocks: &[Block], moto: &str) -> Option<String> {
    let mut script = String::new();
    for (i, block) in blocks.iter().enumerate() {
        script.push_str(&format!(
            "printf '\\n{MARK}%s\\n' {i}; printf '\\n{MARK}%s\\n' {i} >&2\n. ~/.bashrc\n{}",
            block.code
        ));
    }
    script.push_str(&format!("printf '\\n{MARK}done\\n'\n"));
    let mut cmd = std::process::Command::new("bash");
    home.isolate(&mut cmd);
    let out = cmd
        .args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            &script,
        ])
        .current_dir(home.path())
        .env("AWS_ENDPOINT_URL", moto)
        .env("BROWSER", "none")
        .env_remove("TERM")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && stdout.ends_with(&format!("{MARK}done\n")) {
        return None;
    }
    // The block that ran last, and what it printed.
    let last = |text: &str| -> (Option<usize>, String) {
        match text.rsplit_once(MARK) {
            Some((_, rest)) => {
                let (n, printed) = rest.split_once('\n').unwrap_or((rest, ""));
                (n.parse().ok(), printed.to_string())
            }
            None => (None, text.to_string()),
        }
    };
    let (failed, printed) = last(&stdout);
    let (_, said) = last(&String::from_utf8_lossy(&out.stderr));
    let block = &blocks[failed.unwrap_or(0).min(blocks.len() - 1)];
    let shown = block
        .file
        .strip_prefix(support::repo_root())
        .unwrap_or(&block.file)
        .display()
        .to_string();
    Some(format!(
        "{shown}:{}: the block exits {}:\n{}--- stdout:\n{printed}\n--- stderr:\n{said}",
        block.line, out.status, block.code
    ))
}

#[test]
fn every_runnable_block_in_the_docs_exits_zero() {
    support::require_shell("bash");
    let moto = support::Moto::shared().url();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in documents() {
        let text = std::fs::read_to_string(&file).unwrap();
        let blocks = blocks(&file, &text);
        if blocks.is_empty() {
            continue;
        }
        count += blocks.len();
        failures.extend(run(&scratch_home(), &blocks, &moto));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The harness finds the blocks the docs mark (a marker spelled wrong would silently
    // leave a page unchecked): getting-started's alone are seven.
    assert!(count >= 7, "only {count} runnable blocks found");
}

/// The walkthrough a newcomer follows is checked end to end: it has runnable blocks from
/// the import to `whoami`.
#[test]
fn the_getting_started_walkthrough_is_runnable() {
    let file = support::repo_root().join("docs/getting-started.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let code: String = blocks(&file, &text).into_iter().map(|b| b.code).collect();
    for step in [
        "awsprof import --csv",
        "awsprof init bash",
        "awsprof use alice",
        "awsprof whoami",
        "awsprof sso add",
    ] {
        assert!(code.contains(step), "no runnable block runs `{step}`");
    }
}

/// A failing block fails the harness: `false` in a block is reported with its file and line.
#[test]
fn a_failing_block_is_reported_with_its_place() {
    let file = Path::new("example.md");
    let found = blocks(
        file,
        "text\n\n```sh runnable\ntrue\n```\n\n```sh\nnot run\n```\n\n```bash runnable\nawsprof list\nfalse\necho never\n```\n",
    );
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].line, found[1].line), (3, 11));
    let home = scratch_home();
    assert!(run(&home, &found[..1], "http://127.0.0.1:9").is_none());
    let failure = run(&home, &found, "http://127.0.0.1:9").expect("`false` fails");
    assert!(
        failure.starts_with("example.md:11: the block exits"),
        "{failure}"
    );
    assert!(
        failure.contains("no profiles in ~/.aws/config"),
        "{failure}"
    );
    let printed = failure.split("--- stdout:").nth(1).unwrap();
    assert!(!printed.contains("never"), "stopped at `false`: {failure}");
}
