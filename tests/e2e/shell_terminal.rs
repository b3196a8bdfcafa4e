//! Tab completion and the prompt helper where a user meets them: each shell runs
//! interactively in a tmux pane (its own tmux server, a fixed 120x40 terminal, a scratch
//! HOME with the user's start-up files written as the docs tell), keys are sent as a user
//! types them, and the screen is read back. Nothing of the shells' completion or prompt
//! machinery is replaced or called directly.
//!
//! Every setup gets the same cases: a subcommand, a profile name, a profile added after
//! the shell started, names with `:`, `@` and `/`, the listing of several names, and the
//! prompt line after `use --credentials`, `unset` and `use -`. Waits are for screen content
//! with a deadline, never fixed sleeps.

use crate::support;
use crate::support::AwsHome;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The prompt every setup ends its prompt with, so the command line can be found on screen.
const READY: &str = "READY> ";

/// Generous: the suite runs on a loaded 2-core machine, and only a failure waits this long.
const DEADLINE: Duration = Duration::from_secs(20);

const CONFIG: &str = "\
[profile dev]
region = eu-west-1
[profile prod]
region = us-east-1
[profile acct:main]
[profile team:dev]
[profile team:prod]
[profile team/a]
[profile me@corp]
";

/// How the shell is started and what its start-up files hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Setup {
    /// bash with `eval "$(awsprof init bash)"` in ~/.bashrc.
    Bash,
    /// The same after the bash-completion package (as distributions load it).
    BashCompletion,
    /// zsh: `compinit`, then `eval "$(awsprof init zsh)"` in ~/.zshrc.
    Zsh,
    /// zsh loading crates/awsprof/shell/zsh as an oh-my-zsh plugin (a stand-in for oh-my-zsh's loading).
    OhMyZsh,
    /// fish with `awsprof init fish | source` in config.fish.
    Fish,
    /// fish with crates/awsprof/shell/fish copied into ~/.config/fish as fisher installs a plugin.
    Fisher,
    /// bash, zsh and fish (its fisher layout) whose users define aliases and functions
    /// named like the builtins the integration uses, before loading it.
    HostileBash,
    HostileZsh,
    HostileFish,
    /// nushell with `awsprof init nu` saved into its autoload directory by the command the
    /// docs give, run in nu itself.
    Nu,
    /// No `init` line: only the file `awsprof completions SHELL` writes, where a package
    /// installs it (the user's own directory of the same kind): bash-completion's
    /// completions directory, zsh's `fpath`, fish's completions directory.
    PackagedBash,
    PackagedZsh,
    PackagedFish,
}

impl Setup {
    pub(crate) fn shell(self) -> &'static str {
        match self {
            Setup::Bash | Setup::BashCompletion | Setup::HostileBash | Setup::PackagedBash => {
                "bash"
            }
            Setup::Zsh | Setup::OhMyZsh | Setup::HostileZsh | Setup::PackagedZsh => "zsh",
            Setup::Fish | Setup::Fisher | Setup::HostileFish | Setup::PackagedFish => "fish",
            Setup::Nu => "nu",
        }
    }

    /// The start-up file where a user's own lines go, after awsprof's.
    fn rc(self) -> &'static str {
        match self.shell() {
            "bash" => ".bashrc",
            "zsh" => ".zshrc",
            "fish" => ".config/fish/config.fish",
            // Autoloaded after awsprof.nu (the directory is read in name order).
            _ => ".config/nushell/autoload/zz-user.nu",
        }
    }
}

/// What a nushell user writes for the prompt (docs/shell.md), in a file autoloaded after
/// awsprof's.
const NU_PROMPT: &str = "$env.config.show_banner = false\n\
    $env.PROMPT_COMMAND = {|| 'READY' }\n\
    $env.PROMPT_INDICATOR = {|| '> ' }\n\
    $env.PROMPT_COMMAND_RIGHT = {|| awsprof_prompt }\n";

/// What a user writes into ~/.bashrc (docs/shell.md), after `before`.
fn bashrc(before: &str) -> String {
    format!(
        "{before}PS1='{READY}'\n\
         eval \"$(awsprof init bash)\"\n\
         PS1='${{AWSPROF_PROMPT:+[$AWSPROF_PROMPT] }}'\"$PS1\"\n"
    )
}

/// What a user writes into ~/.zshrc for the prompt (docs/shell.md).
fn zsh_prompt() -> String {
    format!("PS1='{READY}'\nsetopt prompt_subst\nRPROMPT='${{AWSPROF_PROMPT}}'\n")
}

const FISH_PROMPT: &str = "set -g fish_greeting ''\n\
    set -g fish_autosuggestion_enabled 0\n\
    function fish_prompt; builtin printf 'READY> '; end\n\
    function fish_right_prompt; awsprof_prompt; end\n";

/// Functions and aliases that print HIJACKED and fail, named like what the integration
/// calls (and like the commands in the code `use` prints): `\builtin`, `\builtin command`
/// and evaluating that code without aliases must keep every one of them out. Functions
/// first: an alias would apply to the definitions that follow it.
const HOSTILE_BASH: &str = "\
command() { echo HIJACKED command; return 1; }
eval() { echo HIJACKED eval; return 1; }
local() { echo HIJACKED local; return 1; }
printf() { echo HIJACKED printf; return 1; }
mapfile() { echo HIJACKED mapfile; return 1; }
for n in command builtin eval local return source printf unset export shopt mapfile complete unalias awsprof; do
  alias \"$n=echo HIJACKED $n; false\"
done
";

/// zsh: the same aliases; of functions, only `command`, which zsh's own completion system
/// does not call.
const HOSTILE_ZSH: &str = "\
command() { echo HIJACKED command; return 1; }
for n in command builtin eval local return source printf unset export emulate setopt unalias zmodload autoload compdef add-zsh-hook _describe awsprof; do
  alias \"$n=echo HIJACKED $n; false\"
done
";

/// zsh's completion system evaluates code of its own that uses these names while the
/// aliases apply, so with them no completion works in zsh at all: they go once the
/// integration is loaded (its definitions were read with them in force).
const HOSTILE_ZSH_AFTER: &str = "\\builtin unalias builtin local setopt unset\n";

/// fish has no aliases of its own (`alias` defines a function) and refuses functions named
/// like most builtins. Of those it allows, `commandline` can fail outright; fish's own
/// start-up, autoloading and prompt call `source`, `printf` and `complete`, so those pass
/// through to the builtin and only record a call whose caller is awsprof's code (one of its
/// functions, or a line of one of its files).
const HOSTILE_FISH: &str = r#"
function commandline; echo HIJACKED commandline; return 1; end
for n in source printf complete
  function $n --inherit-variable n
    if status stack-trace | string match -qr -- '^in function \'awsprof(_prompt)?\'|of file .*/awsprof\.fish$'
      echo "HIJACKED $n" >> ~/hijacked
      status stack-trace >> ~/hijacked
    end
    builtin $n $argv
  end
end
"#;

/// One interactive shell in a tmux pane of its own tmux server.
pub(crate) struct Term {
    pub(crate) home: AwsHome,
    setup: Setup,
    socket: String,
    /// The function's name (`init --cmd`).
    name: &'static str,
}

impl Term {
    /// The shell with the function called `name`: through `init --cmd` where the setup
    /// runs `awsprof init`; the plugin managers' layouts always name it awsprof.
    pub(crate) fn start(setup: Setup, name: &'static str) -> Term {
        Term::start_with(setup, name, CONFIG, "")
    }

    /// The shell with these profiles, and `user_rc` appended to the start-up file.
    pub(crate) fn start_with(
        setup: Setup,
        name: &'static str,
        config: &str,
        user_rc: &str,
    ) -> Term {
        support::require("tmux", &["-V"]);
        support::require_shell(setup.shell());
        let home = AwsHome::with(config, "");
        let h = home.path();
        let write = |rel: &str, text: &str| {
            let path = h.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let copy_dir = |from: &Path, to: &str| {
            for entry in std::fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_string();
                write(
                    &format!("{to}/{name}"),
                    &std::fs::read_to_string(&path).unwrap(),
                );
            }
        };
        let command = match setup {
            Setup::Bash => {
                write(".bashrc", &bashrc(""));
                "bash"
            }
            Setup::BashCompletion => {
                let loader = "/usr/share/bash-completion/bash_completion";
                assert!(
                    Path::new(loader).exists(),
                    "{loader} is missing: apt-get install bash-completion (scripts/test installs it)"
                );
                write(".bashrc", &bashrc(&format!(". {loader}\n")));
                "bash"
            }
            Setup::HostileBash => {
                write(
                    ".bashrc",
                    &bashrc(HOSTILE_BASH).replace(
                        "eval \"$(awsprof init bash)\"",
                        "\\builtin eval \"$(\\builtin command awsprof init bash)\"",
                    ),
                );
                "bash"
            }
            Setup::Zsh => {
                write(
                    ".zshrc",
                    &format!(
                        "autoload -Uz compinit && compinit -u -d \"$HOME/.zcompdump\"\n\
                         eval \"$(awsprof init zsh)\"\n{}",
                        zsh_prompt()
                    ),
                );
                "zsh"
            }
            Setup::HostileZsh => {
                write(
                    ".zshrc",
                    &format!(
                        "autoload -Uz compinit && compinit -u -d \"$HOME/.zcompdump\"\n\
                         {HOSTILE_ZSH}\
                         \\builtin eval \"$(\\builtin command awsprof init zsh)\"\n\
                         {HOSTILE_ZSH_AFTER}{}",
                        zsh_prompt()
                    ),
                );
                "zsh"
            }
            Setup::OhMyZsh => {
                // The plugin directory as the docs say to install it, and oh-my-zsh's
                // order (oh-my-zsh.sh): each plugin's directory on fpath, compinit, then
                // each $plugin.plugin.zsh sourced from inside a function (_omz_source),
                // with the completion settings oh-my-zsh's lib/completion.zsh makes.
                copy_dir(
                    &support::repo_root().join("crates/awsprof/shell/zsh"),
                    ".oh-my-zsh/custom/plugins/awsprof",
                );
                write(
                    ".zshrc",
                    &format!(
                        "ZSH_CUSTOM=$HOME/.oh-my-zsh/custom\n\
                         plugins=(awsprof)\n\
                         for plugin ($plugins); do fpath=($ZSH_CUSTOM/plugins/$plugin $fpath); done\n\
                         autoload -U compaudit compinit\n\
                         compinit -i -d \"$HOME/.zcompdump\"\n\
                         setopt auto_menu complete_in_word always_to_end\n\
                         zstyle ':completion:*:*:*:*:*' menu select\n\
                         zstyle ':completion:*' matcher-list 'm:{{[:lower:][:upper:]}}={{[:upper:][:lower:]}}' 'r:|=*' 'l:|=* r:|=*'\n\
                         load_plugin() {{ local context filepath=$1; source $ZSH_CUSTOM/$filepath; }}\n\
                         for plugin ($plugins); do load_plugin plugins/$plugin/$plugin.plugin.zsh; done\n{}",
                        zsh_prompt()
                    ),
                );
                "zsh"
            }
            Setup::Fish => {
                write(
                    ".config/fish/config.fish",
                    &format!("awsprof init fish | source\n{FISH_PROMPT}"),
                );
                "fish"
            }
            Setup::Fisher | Setup::HostileFish => {
                // fisher copies a plugin's functions/, completions/ and conf.d/ into
                // ~/.config/fish; fish then runs conf.d at start-up and loads the rest on
                // first use.
                for dir in ["functions", "completions", "conf.d"] {
                    copy_dir(
                        &support::repo_root()
                            .join("crates/awsprof/shell/fish")
                            .join(dir),
                        &format!(".config/fish/{dir}"),
                    );
                }
                let hostile = if setup == Setup::HostileFish {
                    HOSTILE_FISH
                } else {
                    ""
                };
                write(
                    ".config/fish/config.fish",
                    &format!("{hostile}{FISH_PROMPT}"),
                );
                "fish"
            }
            Setup::PackagedBash | Setup::PackagedZsh | Setup::PackagedFish => {
                let shell = setup.shell();
                let script = support::stdout_ok(&home.run(&["completions", shell]));
                let loader = "/usr/share/bash-completion/bash_completion";
                match shell {
                    "bash" => {
                        assert!(
                            Path::new(loader).exists(),
                            "{loader} is missing: apt-get install bash-completion (scripts/test installs it)"
                        );
                        write(".local/share/bash-completion/completions/awsprof", &script);
                        write(
                            ".bashrc",
                            &format!(
                                "BASH_COMPLETION_USER_DIR=$HOME/.local/share/bash-completion\n. {loader}\nPS1='{READY}'\n"
                            ),
                        );
                    }
                    "zsh" => {
                        write(".zfunc/_awsprof", &script);
                        write(
                            ".zshrc",
                            &format!(
                                "fpath=($HOME/.zfunc $fpath)\n\
                                 autoload -Uz compinit && compinit -u -d \"$HOME/.zcompdump\"\n{}",
                                zsh_prompt()
                            ),
                        );
                    }
                    _ => {
                        write(".config/fish/completions/awsprof.fish", &script);
                        write(".config/fish/config.fish", FISH_PROMPT);
                    }
                }
                shell
            }
            Setup::Nu => {
                // The one-time set-up of docs/shell.md, as a user runs it.
                let mut save = support::shell_command("nu");
                home.isolate(&mut save);
                let out = save
                    .env_remove("XDG_CONFIG_HOME")
                    .current_dir(h)
                    .arg("-c")
                    .arg(NU_SETUP)
                    .output()
                    .expect("run nu");
                support::assert_ok(&out, "the nushell set-up");
                write(Setup::Nu.rc(), NU_PROMPT);
                "nu"
            }
        };
        if !user_rc.is_empty() {
            let rc = h.join(setup.rc());
            let mut text = std::fs::read_to_string(&rc).unwrap_or_default();
            text.push_str(user_rc);
            write(setup.rc(), &text);
        }
        if name != "awsprof" {
            assert!(matches!(
                setup,
                Setup::Bash | Setup::Zsh | Setup::Fish | Setup::Nu
            ));
            if setup == Setup::Nu {
                let out = home.run(&["init", "nu", "--cmd", name]);
                write(
                    ".config/nushell/autoload/awsprof.nu",
                    &support::stdout_ok(&out),
                );
            }
            for rc in [".bashrc", ".zshrc", ".config/fish/config.fish"] {
                if let Ok(text) = std::fs::read_to_string(h.join(rc)) {
                    let shell = setup.shell();
                    let renamed = text.replace(
                        &format!("awsprof init {shell}"),
                        &format!("awsprof init {shell} --cmd {name}"),
                    );
                    assert_ne!(renamed, text);
                    write(rc, &renamed);
                }
            }
        }
        let n = {
            static N: AtomicUsize = AtomicUsize::new(0);
            N.fetch_add(1, Ordering::SeqCst)
        };
        let term = Term {
            socket: format!("awsprof-{}-{n}", std::process::id()),
            home,
            setup,
            name,
        };
        // zsh and bash read only the files above: no system-wide start-up files, which
        // differ between machines.
        let shell = match command {
            "bash" => "exec bash --noprofile --rcfile \"$HOME/.bashrc\" -i".to_string(),
            "zsh" => "exec zsh --no-globalrcs -i".to_string(),
            "nu" => format!("exec '{}'", support::nu_program().display()),
            _ => "exec fish -i".to_string(),
        };
        let out = term.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            &shell,
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        term.wait("the first prompt", |t| t.input().as_deref() == Some(""));
        term
    }

    /// `tmux -L SOCKET ARGS` with nothing of the caller's environment but PATH (awsprof
    /// first): the server and the shell it starts inherit exactly this.
    fn tmux(&self, args: &[&str]) -> Output {
        let h = self.home.path();
        Command::new("tmux")
            .env_clear()
            .env("HOME", h)
            .env("ZDOTDIR", h)
            .env("TMUX_TMPDIR", h)
            .env("PATH", support::test_path())
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .env("SHELL", "/bin/sh")
            .current_dir(h)
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    pub(crate) fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned()
    }

    /// The row the cursor is on, and the cursor's column.
    fn cursor_row(&self) -> (String, usize) {
        let out = self.tmux(&["display-message", "-p", "#{cursor_y} #{cursor_x}"]);
        let pos = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut it = pos
            .split_whitespace()
            .map(|n| n.parse::<usize>().unwrap_or(0));
        let (y, x) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
        let row = self.screen().lines().nth(y).unwrap_or_default().to_string();
        (row, x)
    }

    /// The command line as far as the cursor (what follows the prompt on the cursor's
    /// row), or None when the cursor is not on a prompt line.
    pub(crate) fn input(&self) -> Option<String> {
        let (row, x) = self.cursor_row();
        let mut chars: Vec<char> = row.chars().collect();
        // capture-pane drops trailing blanks; the cursor may stand after them.
        chars.resize(chars.len().max(x), ' ');
        let ready: Vec<char> = READY.chars().collect();
        let start = (0..=x.checked_sub(ready.len())?)
            .rev()
            .find(|&i| chars[i..i + ready.len()] == ready[..])?
            + ready.len();
        Some(chars[start..x].iter().collect())
    }

    pub(crate) fn wait(&self, what: &str, mut cond: impl FnMut(&Term) -> bool) {
        let start = Instant::now();
        while !cond(self) {
            assert!(
                start.elapsed() < DEADLINE,
                "{:?}: timed out waiting for {what}; the screen:\n{}",
                self.setup,
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    pub(crate) fn type_text(&self, text: &str) {
        assert!(self.tmux(&["send-keys", "-l", text]).status.success());
        self.wait(&format!("{text:?} on the command line"), |t| {
            t.input().as_deref() == Some(text)
        });
    }

    /// Abandons the command line (Ctrl-C, after a character, since fish cancels only a
    /// line that is not empty): a new, empty prompt on the next row. Nothing clears the
    /// screen: that would go through key bindings of the shell's or behind its back.
    pub(crate) fn fresh_line(&self) {
        if self.setup == Setup::Nu && self.input().is_none() {
            // nushell's completion menu is open (its indicator replaces `> `): Esc closes it.
            self.keys(&["Escape"]);
            self.wait("the completion menu to close", |t| t.input().is_some());
        }
        let before = self.input().unwrap_or_default();
        self.keys(&["-l", "x"]);
        self.wait("a character typed", |t| {
            t.input() == Some(format!("{before}x"))
        });
        // A Ctrl-C can be lost when it arrives while fish is switching terminal modes;
        // one more, on an empty line, is harmless in every shell.
        let mut sent = None;
        self.wait("a new prompt after Ctrl-C", |t| {
            if sent.is_none_or(|at: Instant| at.elapsed() > Duration::from_secs(2)) {
                t.keys(&["C-c"]);
                sent = Some(Instant::now());
            }
            t.input().as_deref() == Some("")
        });
    }

    /// `line` with the function's name for the `awsprof` it starts with.
    fn named(&self, line: &str) -> String {
        line.replacen("awsprof ", &format!("{} ", self.name), 1)
    }

    /// Types `typed`, presses Tab, and waits for the command line to read `want` with the
    /// cursor at its end.
    pub(crate) fn completes(&self, typed: &str, want: &str) {
        let (typed, mut want) = (self.named(typed), self.named(want));
        // nushell leaves the cursor at the end of the completed word: no space is added.
        if self.setup == Setup::Nu {
            want = want.trim_end().to_string();
        }
        let (typed, want) = (&typed, &want);
        self.fresh_line();
        self.type_text(typed);
        self.keys(&["Tab"]);
        self.wait(&format!("{typed:?} + Tab to give {want:?}"), |t| {
            t.input().as_deref() == Some(want)
        });
    }

    /// Types `typed` and asks for the list of completions (bash: Tab twice, as a user
    /// does; zsh and fish list on the first), and waits until it shows every one of `want`.
    pub(crate) fn lists(&self, typed: &str, want: &[&str]) {
        let typed = &self.named(typed);
        self.fresh_line();
        self.type_text(typed);
        let tabs: &[&str] = if self.setup.shell() == "bash" {
            &["Tab", "Tab"]
        } else {
            &["Tab"]
        };
        self.keys(tabs);
        // The list is on rows of its own: not on a prompt line, which may hold these names
        // from earlier cases.
        self.wait(&format!("{typed:?} + Tab to list {want:?}"), |t| {
            let screen = t.screen();
            let listed: Vec<&str> = screen.lines().filter(|l| !l.contains(READY)).collect();
            want.iter().all(|w| listed.iter().any(|l| l.contains(w)))
        });
    }

    /// Runs `command` and waits for the next prompt line to show `shown` as the prompt
    /// helper's text (nothing for an empty `shown`).
    pub(crate) fn prompt_after(&self, command: &str, shown: &str) {
        let command = &self.named(command);
        self.fresh_line();
        self.type_text(command);
        self.keys(&["Enter"]);
        let setup = self.setup;
        self.wait(
            &format!("the prompt to show {shown:?} after {command:?}"),
            |t| {
                let (row, _) = t.cursor_row();
                let row = row.trim_end();
                if t.input().as_deref() != Some("") {
                    return false;
                }
                match (setup.shell(), shown) {
                    ("bash", "") => row == READY.trim_end(),
                    ("bash", _) => row == format!("[{shown}] {}", READY.trim_end()),
                    (_, "") => row == READY.trim_end(),
                    _ => row.starts_with(READY) && row.ends_with(&format!(" {shown}")),
                }
            },
        );
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// RFC 3339 UTC `seconds` from now, as the AWS CLI writes AWS_CREDENTIAL_EXPIRATION.
pub(crate) fn utc_in(seconds: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let t = now + seconds;
    let (days, secs) = ((t / 86400) as i64, t % 86400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The one-time set-up docs/shell.md gives for nushell.
pub(crate) const NU_SETUP: &str = "mkdir ($nu.default-config-dir | path join autoload)\n\
    awsprof init nu | save -f ($nu.default-config-dir | path join autoload awsprof.nu)";

/// The cases every setup runs, with the function called `name`.
fn check(setup: Setup, name: &'static str) {
    let t = Term::start(setup, name);
    t.completes("awsprof sh", "awsprof show ");
    t.completes("awsprof use pr", "awsprof use prod ");
    // nushell completes a word starting with `-` from the command's own signature, never
    // through its completer: flags of the binary do not complete there.
    if setup != Setup::Nu {
        t.completes("awsprof export --fo", "awsprof export --format ");
        t.completes(
            "awsprof export --format=fi",
            "awsprof export --format=fish ",
        );
    }
    t.completes(
        "awsprof get region --profile pr",
        "awsprof get region --profile prod ",
    );
    // Names bash splits words at (COMP_WORDBREAKS: `:` `@`), and a `/`.
    t.completes("awsprof use acct:", "awsprof use acct:main ");
    t.completes("awsprof use team:p", "awsprof use team:prod ");
    t.completes("awsprof use me@", "awsprof use me@corp ");
    t.completes("awsprof use team/", "awsprof use team/a ");
    t.lists("awsprof use team", &["team:dev", "team:prod", "team/a"]);
    // A profile added after the shell started.
    let mut config = std::fs::read_to_string(t.home.config()).unwrap();
    config.push_str("[profile fresh:one]\n");
    std::fs::write(t.home.config(), config).unwrap();
    t.completes("awsprof use fr", "awsprof use fresh:one ");
    t.completes("awsprof show fresh:", "awsprof show fresh:one ");

    // The prompt helper in the rendered prompt. Temporary credentials from a
    // credential_process that expire in two hours (and a few seconds of slack).
    let expires = utc_in(2 * 3600 + 30);
    let script = t.home.path().join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' '{{\"Version\":1,\"AccessKeyId\":\"AKIATEMP\",\
             \"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"{expires}\"}}'\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut config = std::fs::read_to_string(t.home.config()).unwrap();
    config.push_str(&format!(
        "[profile temp]\nregion = eu-west-1\ncredential_process = {}\n",
        script.display()
    ));
    std::fs::write(t.home.config(), config).unwrap();
    let left = "2h0m";
    t.prompt_after("awsprof use dev", "dev eu-west-1");
    t.prompt_after(
        "awsprof use --credentials temp",
        &format!("temp eu-west-1 {left}"),
    );
    t.prompt_after("awsprof unset", "");
    t.prompt_after("awsprof use -", "temp eu-west-1");
    // `use temp` while temp is active keeps the way back: `use -` then returns to where
    // the shell was before temp, which is no profile at all.
    t.prompt_after("awsprof use temp", "temp eu-west-1");
    t.prompt_after("awsprof use -", "");
    t.prompt_after("awsprof use -", "temp eu-west-1");
    let recorded = std::fs::read_to_string(t.home.path().join("hijacked")).unwrap_or_default();
    assert!(
        !t.screen().contains("HIJACKED") && recorded.is_empty(),
        "{setup:?}: a user's alias or function ran:\n{recorded}{}",
        t.screen()
    );
}

/// What a package's completion file gives, with no `init` line: subcommands, flags and
/// profile names, read live.
fn check_packaged(setup: Setup) {
    let t = Term::start(setup, "awsprof");
    t.completes("awsprof sh", "awsprof show ");
    t.completes("awsprof use pr", "awsprof use prod ");
    t.completes("awsprof export --fo", "awsprof export --format ");
    t.completes(
        "awsprof get region --profile pr",
        "awsprof get region --profile prod ",
    );
    t.lists("awsprof use team", &["team:dev", "team:prod", "team/a"]);
    let mut config = std::fs::read_to_string(t.home.config()).unwrap();
    config.push_str("[profile fresh-one]\n");
    std::fs::write(t.home.config(), config).unwrap();
    t.completes("awsprof use fr", "awsprof use fresh-one ");
}

#[test]
fn bash_completes_from_the_packaged_completion_file() {
    check_packaged(Setup::PackagedBash);
}

#[test]
fn zsh_completes_from_the_packaged_completion_file_on_the_first_tab() {
    check_packaged(Setup::PackagedZsh);
}

#[test]
fn fish_completes_from_the_packaged_completion_file() {
    check_packaged(Setup::PackagedFish);
}

#[test]
fn bash_completes_and_prompts_at_a_terminal() {
    check(Setup::Bash, "awsprof");
}

#[test]
fn bash_with_bash_completion_loaded_completes_and_prompts_at_a_terminal() {
    check(Setup::BashCompletion, "awsprof");
}

#[test]
fn zsh_after_compinit_completes_and_prompts_at_a_terminal() {
    check(Setup::Zsh, "awsprof");
}

#[test]
fn zsh_with_the_plugin_loaded_as_oh_my_zsh_does_completes_and_prompts_at_a_terminal() {
    check(Setup::OhMyZsh, "awsprof");
}

#[test]
fn fish_completes_and_prompts_at_a_terminal() {
    check(Setup::Fish, "awsprof");
}

#[test]
fn fish_with_the_files_installed_as_fisher_does_completes_and_prompts_at_a_terminal() {
    check(Setup::Fisher, "awsprof");
}

#[test]
fn bash_user_aliases_and_functions_named_like_builtins_change_nothing() {
    check(Setup::HostileBash, "awsprof");
}

#[test]
fn zsh_user_aliases_named_like_builtins_change_nothing() {
    check(Setup::HostileZsh, "awsprof");
}

#[test]
fn fish_user_functions_named_like_builtins_change_nothing() {
    check(Setup::HostileFish, "awsprof");
}

#[test]
fn a_function_named_with_cmd_completes_and_prompts_at_a_terminal() {
    for setup in [Setup::Bash, Setup::Zsh, Setup::Fish, Setup::Nu] {
        check(setup, "ap");
    }
}

#[test]
fn nu_completes_and_prompts_at_a_terminal() {
    check(Setup::Nu, "awsprof");
}
