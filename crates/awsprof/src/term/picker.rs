//! The fuzzy picker of `awsprof use`: a full-screen list drawn on stderr (the alternate
//! screen, so nothing it draws reaches the scrollback or stays behind), stdout left free for
//! the shell code the wrapper evals.
//!
//! Layout, top to bottom: the prompt and what was typed; the match count (or what went
//! wrong); one row per name, the selected one marked `>`. A name wider than the terminal is
//! cut with `…` (shifted so the last matched character shows). Every key redraws the whole
//! screen from its state, as does a resize, so the header and selection cannot scroll away.

use super::{visible_char, Terminal};
use awsprof_core::ui::{Ui, UiError};
use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::style::{Attribute, Print, SetAttribute};
use crossterm::terminal::{
    self, Clear, ClearType, DisableLineWrap, EnableLineWrap, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{execute, queue};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use std::io::{self, Write};
use unicode_width::UnicodeWidthChar;

/// Lets the person pick one of `items`, starting at `start`; `None` on Esc (or Ctrl-D on an
/// empty line), [`UiError::Interrupted`] on Ctrl-C, with the terminal restored either way.
pub fn pick(prompt: &str, items: &[&str], start: usize) -> Result<Option<usize>, UiError> {
    if !Terminal.interactive() {
        return Err(UiError::NoTerminal);
    }
    let screen = Screen::enter()?;
    let mut state = State::new(prompt, items, start.min(items.len().saturating_sub(1)));
    let outcome = run(&mut state);
    drop(screen);
    outcome
}

/// The terminal in raw mode on the alternate screen, until dropped.
struct Screen;

impl Screen {
    fn enter() -> io::Result<Screen> {
        // A SIGINT sent from outside (raw mode turns Ctrl-C itself into a key): put the
        // terminal back before the process ends, as a shell would expect.
        let _ = ctrlc::set_handler(|| {
            restore();
            std::process::exit(130)
        });
        terminal::enable_raw_mode()?;
        let screen = Screen;
        execute!(io::stderr(), EnterAlternateScreen, DisableLineWrap, Hide)?;
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    // Cleared first: tmux, leaving an alternate screen that was widened, wraps the rows
    // wider than the old width and pushes what overflows into the scrollback.
    let _ = execute!(
        io::stderr(),
        MoveTo(0, 0),
        Clear(ClearType::All),
        Show,
        EnableLineWrap,
        LeaveAlternateScreen
    );
    let _ = terminal::disable_raw_mode();
}

/// What the picker shows: the query, the names that match it (best first), the selection.
struct State<'a> {
    prompt: &'a str,
    items: &'a [&'a str],
    query: String,
    /// Indexes into `items` with the char positions that matched, best match first.
    matches: Vec<(usize, Vec<usize>)>,
    /// Index into `matches`.
    selected: usize,
    /// The first match shown.
    top: usize,
    /// Said on the count line until the next key.
    message: Option<String>,
    matcher: SkimMatcherV2,
}

impl<'a> State<'a> {
    fn new(prompt: &'a str, items: &'a [&'a str], start: usize) -> State<'a> {
        let mut state = State {
            prompt,
            items,
            query: String::new(),
            matches: Vec::new(),
            selected: 0,
            top: 0,
            message: None,
            matcher: SkimMatcherV2::default().smart_case(),
        };
        state.refilter();
        state.selected = start;
        state
    }

    /// Matches the query again; the selection goes to the best match.
    fn refilter(&mut self) {
        let query = self.query.trim();
        self.matches = if query.is_empty() {
            (0..self.items.len()).map(|i| (i, Vec::new())).collect()
        } else {
            let mut scored: Vec<(i64, usize, Vec<usize>)> = self
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    self.matcher
                        .fuzzy_indices(item, query)
                        .map(|(score, at)| (score, i, at))
                })
                .collect();
            // Best first; equal scores keep the names' (sorted) order.
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().map(|(_, i, at)| (i, at)).collect()
        };
        self.selected = 0;
        self.top = 0;
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.matches.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Handles one key; `Some` ends the picker.
    fn key(&mut self, key: KeyEvent, page: usize) -> Option<Result<Option<usize>, UiError>> {
        self.message = None;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let page = page.max(1) as isize;
        match key.code {
            KeyCode::Char('c') if ctrl => return Some(Err(UiError::Interrupted)),
            KeyCode::Char('d') if ctrl && self.query.is_empty() => return Some(Ok(None)),
            KeyCode::Esc => return Some(Ok(None)),
            KeyCode::Enter => match self.matches.get(self.selected) {
                Some(&(i, _)) => return Some(Ok(Some(i))),
                None => {
                    self.message = Some(format!(
                        "no name matches {}: Ctrl-U clears, Esc cancels",
                        super::visible(&awsprof_core::text::quoted(&self.query))
                    ))
                }
            },
            KeyCode::Char('u') if ctrl => {
                self.query.clear();
                self.refilter();
            }
            KeyCode::Char('w') if ctrl => {
                delete_word(&mut self.query);
                self.refilter();
            }
            KeyCode::Backspace => {
                self.query.pop();
                self.refilter();
            }
            KeyCode::Char('h') if ctrl => {
                self.query.pop();
                self.refilter();
            }
            KeyCode::Up => self.move_by(-1),
            KeyCode::Char('p' | 'k') if ctrl => self.move_by(-1),
            KeyCode::Down | KeyCode::Tab => self.move_by(1),
            KeyCode::Char('n' | 'j') if ctrl => self.move_by(1),
            KeyCode::BackTab => self.move_by(-1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = self.matches.len().saturating_sub(1),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.query.push(c);
                self.refilter();
            }
            _ => {}
        }
        None
    }

    /// The whole screen for a terminal of `cols` x `rows`.
    fn draw(&mut self, out: &mut impl Write, cols: u16, rows: u16) -> io::Result<()> {
        let width = usize::from(cols);
        let list_rows = usize::from(rows).saturating_sub(2).max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + list_rows {
            self.top = self.selected + 1 - list_rows;
        }
        // Row by row, each cleared just before it is drawn: no blank frame flickers between.
        queue!(out, MoveTo(0, 0), Clear(ClearType::CurrentLine))?;
        // The prompt line: the end of the query is what was just typed, so a long one
        // shows its tail.
        let head = format!("{}: ", self.prompt);
        let typed: String = self.query.chars().map(visible_char).collect();
        let room = width.saturating_sub(text_width(&head));
        let typed = tail(&typed, room);
        queue!(
            out,
            SetAttribute(Attribute::Bold),
            Print(cut(&head, width)),
            SetAttribute(Attribute::Reset),
            Print(&typed)
        )?;
        let cursor_col = (text_width(&head) + text_width(&typed)).min(width.saturating_sub(1));
        if rows >= 2 {
            let count = format!("  {}/{}", self.matches.len(), self.items.len());
            let line = match &self.message {
                Some(m) => format!("{count}  {m}"),
                None if self.matches.is_empty() => format!("{count}  no name matches"),
                None => format!("{count}  Enter: use  Esc: cancel"),
            };
            queue!(
                out,
                MoveTo(0, 1),
                Clear(ClearType::CurrentLine),
                SetAttribute(Attribute::Dim),
                Print(cut(&line, width)),
                SetAttribute(Attribute::Reset)
            )?;
        }
        let first_row = if rows >= 2 { 2 } else { 1 };
        let shown = self.matches.iter().enumerate().skip(self.top);
        let mut next_row = first_row;
        for (row, (n, (item, at))) in (first_row..rows).zip(shown) {
            next_row = row + 1;
            queue!(out, MoveTo(0, row), Clear(ClearType::CurrentLine))?;
            let chosen = n == self.selected;
            if chosen {
                queue!(out, SetAttribute(Attribute::Reverse), Print("> "))?;
            } else {
                queue!(out, Print("  "))?;
            }
            let name = self.items[*item];
            for (c, matched) in window(name, at, width.saturating_sub(2)) {
                if matched {
                    queue!(
                        out,
                        SetAttribute(Attribute::Bold),
                        SetAttribute(Attribute::Underlined),
                        Print(c),
                        SetAttribute(Attribute::NoUnderline),
                        SetAttribute(Attribute::NormalIntensity)
                    )?;
                } else {
                    queue!(out, Print(c))?;
                }
            }
            if chosen {
                queue!(out, SetAttribute(Attribute::Reset))?;
            }
        }
        if next_row < rows {
            queue!(out, MoveTo(0, next_row), Clear(ClearType::FromCursorDown))?;
        }
        queue!(out, MoveTo(cursor_col as u16, 0), Show)?;
        out.flush()
    }
}

fn run(state: &mut State<'_>) -> Result<Option<usize>, UiError> {
    let mut err = io::BufWriter::new(io::stderr());
    let (mut cols, mut rows) = terminal::size()?;
    state.draw(&mut err, cols, rows)?;
    loop {
        match event::read()? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                let page = usize::from(rows).saturating_sub(2);
                if let Some(outcome) = state.key(key, page) {
                    return outcome;
                }
            }
            Event::Resize(c, r) => (cols, rows) = (c, r),
            _ => continue,
        }
        // Hidden while drawing, so the cursor does not flicker across the list.
        queue!(err, Hide)?;
        state.draw(&mut err, cols, rows)?;
    }
}

/// Ctrl-W: the last word of the query and the separators after it; names are words joined
/// by `-`, `_`, `.`, `/`, `:` and `@`, so a word ends at any of them, not only at a space.
fn delete_word(query: &mut String) {
    let is_sep = |c: char| !c.is_alphanumeric();
    while query.ends_with(is_sep) {
        query.pop();
    }
    while query.ends_with(|c: char| !is_sep(c)) {
        query.pop();
    }
}

fn text_width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `text` cut to `width` columns, with `…` when something was cut.
fn cut(text: &str, width: usize) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// The last `width` columns of `text`, with `…` first when something was cut.
fn tail(text: &str, width: usize) -> String {
    if text_width(text) <= width || width == 0 {
        return if width == 0 {
            String::new()
        } else {
            text.to_string()
        };
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The characters of `name` (control characters made visible) that fit in `width`
/// columns, each with whether the query matched it. A name too wide is cut with `…` at the
/// end, or at both ends when its last matched character would otherwise be cut off.
fn window(name: &str, matched: &[usize], width: usize) -> Vec<(String, bool)> {
    let cells: Vec<(String, bool)> = name
        .chars()
        .enumerate()
        .map(|(i, c)| (visible_char(c), matched.contains(&i)))
        .collect();
    let widths: Vec<usize> = cells.iter().map(|(s, _)| text_width(s)).collect();
    let total: usize = widths.iter().sum();
    if total <= width {
        return cells;
    }
    if width == 0 {
        return Vec::new();
    }
    let last_match = matched.iter().copied().max().unwrap_or(0);
    // The first cell shown: from the start if that reaches the last match, else far enough
    // in that the last match is the last cell before the closing `…`.
    let mut start = 0;
    let fits = |from: usize, to: usize| widths[from..=to].iter().sum::<usize>() + 2 <= width;
    if widths[..=last_match].iter().sum::<usize>() + 1 > width {
        start = last_match;
        while start > 0 && fits(start - 1, last_match) {
            start -= 1;
        }
    }
    let mut used = usize::from(start > 0);
    let mut out = Vec::new();
    if start > 0 {
        out.push(("…".to_string(), false));
    }
    for (cell, w) in cells.into_iter().zip(&widths).skip(start) {
        if used + w + 1 > width {
            out.push(("…".to_string(), false));
            break;
        }
        used += w;
        out.push(cell);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(cells: &[(String, bool)]) -> String {
        cells.iter().map(|(s, _)| s.as_str()).collect()
    }

    #[test]
    fn a_long_name_is_cut_to_the_width_with_an_ellipsis() {
        assert_eq!(shown(&window("abcdefghij", &[], 6)), "abcde…");
        assert_eq!(shown(&window("abcdef", &[], 6)), "abcdef");
        assert_eq!(text_width(&shown(&window("abcdefghij", &[], 6))), 6);
    }

    #[test]
    fn a_match_beyond_the_width_is_shifted_into_view() {
        let cells = window("abcdefghij", &[8], 6);
        assert_eq!(shown(&cells), "…fghi…");
        assert!(cells.iter().any(|(s, m)| s == "i" && *m));
        assert_eq!(shown(&window("abcdefghij", &[9], 6)), "…ghij");
    }

    #[test]
    fn wide_and_control_characters_are_measured_as_they_show() {
        assert_eq!(shown(&window("日本語の名前", &[], 7)), "日本語…");
        assert_eq!(shown(&window("a\u{1b}[31m", &[], 20)), "a\\x1b[31m");
    }

    #[test]
    fn ctrl_w_deletes_back_to_the_last_separator() {
        let mut q = String::from("org-prod-admin-");
        delete_word(&mut q);
        assert_eq!(q, "org-prod-");
        delete_word(&mut q);
        assert_eq!(q, "org-");
    }

    #[test]
    fn a_long_query_shows_its_end() {
        assert_eq!(tail("abcdefgh", 5), "…efgh");
        assert_eq!(cut("abcdefgh", 5), "abcd…");
    }
}
