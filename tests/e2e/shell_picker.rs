//! The `use` picker on a real terminal: tmux gives it a pty, keys are sent as a user would
//! type them, and the shell function evaluates the choice.

use crate::support;
use crate::support::AwsHome;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

fn tmux(sock: &Path, args: &[&str]) -> Output {
    support::tmux(sock, args)
}

/// Polls until `cond` holds, for up to ten seconds.
fn wait_for(what: &str, cond: impl FnMut() -> bool) {
    support::wait_for(what, 10, cond)
}

/// Runs `script` in bash inside a detached tmux session, sends `keys` once the picker is
/// drawn, and returns what the script wrote to `result`, the screen with the picker, and
/// whether the terminal's cursor is visible afterwards.
fn pick(keys: &[&str]) -> (String, String, bool) {
    support::require("tmux", &["-V"]);
    support::require_shell("bash");
    let home = AwsHome::with(
        "[profile dev]\n[profile staging]\n",
        "[prod]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    let script = home.path().join("script.sh");
    std::fs::write(
        &script,
        "eval \"$(awsprof init bash)\"\nawsprof use\necho \"rc=$? profile=${AWS_PROFILE-none}\" > result\n",
    )
    .unwrap();
    let sock = home.path().join("tmux.sock");
    support::tmux_session(
        &home,
        &sock,
        (100, 30),
        &format!("bash --noprofile --norc {}; sleep 30", script.display()),
    );
    let screen =
        || String::from_utf8_lossy(&tmux(&sock, &["capture-pane", "-p"]).stdout).to_string();
    wait_for("the picker", || screen().contains("AWS profile"));
    let drawn = screen();
    for key in keys {
        tmux(&sock, &["send-keys", key]);
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = home.path().join("result");
    wait_for("the result", || {
        std::fs::read_to_string(&result).is_ok_and(|r| r.ends_with('\n'))
    });
    let cursor = tmux(&sock, &["display-message", "-p", "#{cursor_flag}"]);
    let visible = String::from_utf8_lossy(&cursor.stdout).trim() == "1";
    tmux(&sock, &["kill-server"]);
    (std::fs::read_to_string(&result).unwrap(), drawn, visible)
}

#[test]
fn picker_filters_as_you_type_and_the_function_switches_to_the_choice() {
    let (result, screen, cursor) = pick(&["pro", "Enter"]);
    for name in ["dev", "prod", "staging"] {
        assert!(screen.contains(name), "{screen}");
    }
    assert_eq!(result.trim(), "rc=0 profile=prod");
    assert!(cursor, "the cursor is shown again");
}

#[test]
fn picker_cancelled_with_escape_changes_nothing() {
    let (result, _, cursor) = pick(&["Escape"]);
    assert_eq!(result.trim(), "rc=1 profile=none");
    assert!(cursor, "the cursor is shown again");
}

#[test]
fn picker_interrupted_with_ctrl_c_changes_nothing_and_restores_the_cursor() {
    let (result, _, cursor) = pick(&["C-c"]);
    assert_eq!(result.trim(), "rc=130 profile=none");
    assert!(cursor, "the cursor is shown again");
}

/// 300 profile names of 55 to 62 characters, sorted as the picker lists them.
fn long_names() -> Vec<String> {
    let teams = [
        "payments",
        "identity",
        "platform",
        "analytics",
        "security",
        "web",
    ];
    let envs = ["production", "staging", "development", "sandbox", "shared"];
    let mut names: Vec<String> = (0..300)
        .map(|i| {
            format!(
                "org-{}-{}-account-{i:04}-AdministratorAccess",
                teams[i % 6],
                envs[i % 5]
            )
        })
        .collect();
    names.sort();
    names
}

/// The picker of `awsprof use` over [`long_names`], run by a bash script in a tmux pane:
/// the script prints two lines, records `stty -a`, runs the picker, records the result and
/// `stty -a` again, then waits without printing anything more.
struct LongPicker {
    home: AwsHome,
    sock: std::path::PathBuf,
    names: Vec<String>,
    rows: u16,
}

impl LongPicker {
    fn start(cols: u16, rows: u16) -> LongPicker {
        support::require("tmux", &["-V"]);
        support::require_shell("bash");
        let names = long_names();
        let config: String = names
            .iter()
            .map(|n| format!("[profile {n}]\nregion = eu-west-1\n"))
            .collect();
        let home = AwsHome::with(&config, "");
        let script = home.path().join("script.sh");
        std::fs::write(
            &script,
            "printf 'line one\\nline two\\n'\nstty -a > before\neval \"$(awsprof init bash)\"\nawsprof use\necho \"rc=$? profile=${AWS_PROFILE-none}\" > result\nstty -a > after\nexec sleep 60\n",
        )
        .unwrap();
        let sock = home.path().join("tmux.sock");
        support::tmux_session(
            &home,
            &sock,
            (cols, rows),
            &format!("bash --noprofile --norc {}", script.display()),
        );
        let picker = LongPicker {
            home,
            sock,
            names,
            rows,
        };
        picker.until("the picker", |s| s.starts_with("AWS profile:"));
        picker
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&self.sock, &["capture-pane", "-p"]).stdout).to_string()
    }

    /// Everything the pane holds: its scrollback and its screen, trailing blank lines cut.
    fn everything(&self) -> String {
        let out = tmux(&self.sock, &["capture-pane", "-p", "-S", "-"]);
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    fn display(&self, format: &str) -> String {
        let out = tmux(&self.sock, &["display-message", "-p", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(tmux(&self.sock, &args).status.success());
    }

    fn typed(&self, text: &str) {
        self.keys(&["-l", text]);
    }

    /// Waits until the screen satisfies `cond`, then checks what must hold on every frame.
    fn until(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let start = std::time::Instant::now();
        let last = loop {
            let last = self.screen();
            if cond(&last) {
                break last;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; the screen:\n{last}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        self.frame_holds(&last);
        last
    }

    /// The header on the first row, the count on the second, exactly one selected row,
    /// every row within the width, and nothing pushed into the scrollback.
    fn frame_holds(&self, screen: &str) {
        let cols: usize = self.display("#{pane_width}").parse().unwrap();
        let rows: Vec<&str> = screen.lines().collect();
        assert!(rows[0].starts_with("AWS profile:"), "{screen}");
        assert!(rows[1].contains("/300"), "{screen}");
        let selected = rows.iter().filter(|r| r.starts_with("> ")).count();
        assert!(selected <= 1, "{screen}");
        for row in &rows {
            assert!(row.chars().count() <= cols, "wider than {cols}: {row}");
        }
        assert!(rows.len() <= usize::from(self.rows), "{screen}");
        assert_eq!(self.display("#{history_size}"), "0", "{screen}");
    }

    /// The row marked `>`.
    fn selected(screen: &str) -> String {
        let row = screen.lines().find(|r| r.starts_with("> "));
        row.unwrap_or_else(|| panic!("no selected row:\n{screen}"))
            .trim_end()
            .to_string()
    }

    /// `name` as a row of `cols` columns shows it: cut with `…` when too wide.
    fn row_of(name: &str, cols: usize) -> String {
        if name.chars().count() + 2 <= cols {
            format!("> {name}")
        } else {
            let kept: String = name.chars().take(cols - 3).collect();
            format!("> {kept}…")
        }
    }

    fn result(&self) -> String {
        let path = self.home.path().join("result");
        support::wait_for("the result", 10, || {
            std::fs::read_to_string(&path).is_ok_and(|r| r.ends_with('\n'))
                && std::fs::read_to_string(self.home.path().join("after"))
                    .is_ok_and(|a| a.contains("speed"))
        });
        std::fs::read_to_string(&path).unwrap().trim().to_string()
    }

    /// After the picker: the terminal's modes as before, the cursor visible, and the pane
    /// holding exactly the script's two lines and `then`, nothing of the picker.
    fn left_nothing_behind(&self, then: &str) {
        // The size is the pane's, which a test may have changed: every other setting counts.
        let read = |name: &str| {
            let modes = std::fs::read_to_string(self.home.path().join(name)).unwrap();
            let (_, rest) = modes.split_once('\n').unwrap();
            rest.to_string()
        };
        assert_eq!(read("before"), read("after"), "stty -a differs");
        assert_eq!(self.display("#{cursor_flag}"), "1", "the cursor is hidden");
        assert_eq!(
            self.display("#{alternate_on}"),
            "0",
            "still on the alternate screen"
        );
        let expected = format!("line one\nline two{then}");
        let start = std::time::Instant::now();
        while self.everything() != expected && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(self.everything(), expected, "the pane after the picker");
    }
}

impl Drop for LongPicker {
    fn drop(&mut self) {
        let _ = tmux(&self.sock, &["kill-server"]);
    }
}

/// 300 long names in a 40-column pane: each row cut to the width with `…`, the header and
/// the selection on screen after every key (arrows, PageDown, End, Home, typing, Ctrl-W,
/// Ctrl-U, Enter with no match), nothing added to the scrollback, redrawn whole at 120
/// columns after a resize, and Esc leaves the pane as it was with the terminal restored.
#[test]
fn picker_with_long_names_fits_a_narrow_pane_and_esc_leaves_nothing_behind() {
    let p = LongPicker::start(40, 20);
    let names = p.names.clone();
    let page = usize::from(p.rows) - 2;
    let first = p.until("the list", |s| s.contains("300/300"));
    assert_eq!(
        LongPicker::selected(&first),
        LongPicker::row_of(&names[0], 40)
    );
    assert!(first.lines().skip(2).all(|r| r.ends_with('…')), "{first}");

    p.keys(&["Down", "Down", "Down"]);
    p.until("the fourth name", |s| {
        LongPicker::selected(s) == LongPicker::row_of(&names[3], 40)
    });
    p.keys(&["PageDown"]);
    p.until("a page down", |s| {
        LongPicker::selected(s) == LongPicker::row_of(&names[3 + page], 40)
    });
    p.keys(&["End"]);
    let end = p.until("the last name", |s| {
        LongPicker::selected(s) == LongPicker::row_of(&names[299], 40)
    });
    assert_eq!(
        end.lines().last().map(str::trim_end),
        Some(LongPicker::selected(&end).as_str())
    );
    p.keys(&["Home"]);
    p.until("the first name", |s| {
        LongPicker::selected(s) == LongPicker::row_of(&names[0], 40)
    });

    // Account 0123 matches only one name; the `Admin` typed lies past the 40th column, so
    // the row is shifted to show it.
    let target = names.iter().find(|n| n.contains("-0123-")).unwrap();
    let team = target.split('-').nth(1).unwrap();
    let query = format!("{team}-0123-admin");
    p.typed(&query);
    let one = p.until("one match", |s| {
        s.starts_with(&format!("AWS profile: {query}\n")) && s.contains(" 1/300")
    });
    let row = LongPicker::selected(&one);
    assert!(
        row.starts_with("> …") && row.contains("0123-Admin"),
        "{one}"
    );
    p.keys(&["C-w"]);
    p.until("the last word deleted", |s| {
        s.starts_with(&format!("AWS profile: {team}-0123-\n")) && s.contains(" 1/300")
    });
    p.keys(&["C-w"]);
    let more = p.until("the word before deleted", |s| {
        s.starts_with(&format!("AWS profile: {team}-\n"))
    });
    assert!(!more.contains(" 1/300"), "{more}");
    p.keys(&["C-u"]);
    p.until("the query cleared", |s| {
        s.starts_with("AWS profile:\n") && s.contains("300/300")
    });
    p.typed("zzz");
    p.until("no match", |s| s.contains("0/300"));
    p.keys(&["Enter"]);
    let said = p.until("no match said", |s| s.contains("no name matches `zzz`"));
    assert!(!said.contains("> "), "{said}");
    p.keys(&["BSpace", "BSpace", "BSpace"]);
    p.until("every name again", |s| s.contains("300/300"));

    tmux(&p.sock, &["resize-window", "-x", "120", "-y", "20"]);
    let wide = p.until("the list redrawn at 120 columns", |s| {
        LongPicker::selected(s) == format!("> {}", names[0])
    });
    assert!(wide.lines().skip(2).all(|r| !r.contains('…')), "{wide}");
    assert_eq!(wide.lines().count(), usize::from(p.rows), "{wide}");

    p.keys(&["Escape"]);
    assert_eq!(p.result(), "rc=1 profile=none");
    p.left_nothing_behind("\nawsprof: nothing chosen; this shell is unchanged");
}

/// The same picker at 120 columns, shrunk to 40 while open (the rows are cut from then
/// on), then Ctrl-C: exit 130, the terminal's modes as before, nothing left on the pane.
#[test]
fn picker_resized_narrow_then_ctrl_c_exits_130_and_restores_the_terminal() {
    let p = LongPicker::start(120, 20);
    let names = p.names.clone();
    let wide = p.until("the list", |s| s.contains("300/300"));
    assert_eq!(LongPicker::selected(&wide), format!("> {}", names[0]));
    p.keys(&["Down"]);
    p.until("the second name", |s| {
        LongPicker::selected(s) == format!("> {}", names[1])
    });
    tmux(&p.sock, &["resize-window", "-x", "40", "-y", "20"]);
    p.until("the list redrawn at 40 columns", |s| {
        LongPicker::selected(s) == LongPicker::row_of(&names[1], 40)
    });
    p.keys(&["C-c"]);
    assert_eq!(p.result(), "rc=130 profile=none");
    p.left_nothing_behind("");
}
