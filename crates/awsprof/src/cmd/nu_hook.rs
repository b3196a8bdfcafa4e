//! `hook --state`: the per-directory profile and the renewal of nushell's integration,
//! worked out here rather than in nushell. nushell parses every line of its integration at
//! every start-up, at a cost per expression (tens of thousands of instructions each), so
//! what only runs when a process starts anyway (a `.aws-profile` this shell has not handled
//! yet, leaving the directory of one it applied, `allow`/`deny`, credentials to renew)
//! lives in the binary, and nushell keeps the checks that decide whether to start it.
//!
//! stdin: `{state, found, seen, again, renew}`: the integration's state record, the nearest
//! `.aws-profile` (`""`: none) and its path and text as nushell read them, whether to look
//! again as if entering (after `allow`/`deny`), and whether to renew credentials (before a
//! prompt). The environment is the shell's. stdout: `{state, plan}`, the new state and the
//! variables to set (`null`: remove), applied by nushell as the output of `use --shell nu`.
//! Messages (a file not allowed yet, an error) go to stderr, as `hook` and `use` say them.

use anyhow::{Context, Result};
use awsprof_core::cache::REFRESH_WINDOW;
use awsprof_core::clock;
use awsprof_core::env::{
    explicit_profile, Plan, ALL_VARS, AWS_CREDENTIAL_EXPIRATION, AWS_PROFILE, PREVIOUS_PROFILE,
};
use awsprof_core::shell::Kind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// Variables and their values, `null` for one that is (to be) removed.
type Vars = Map<String, Value>;

/// What the shell remembers between prompts (a nushell record, which no program it starts
/// sees in its environment).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct State {
    /// The `.aws-profile` whose profile is applied ("" for none).
    file: String,
    /// The path and text of the last file handled, applied or not: it is not looked at
    /// again until either changes.
    seen: String,
    /// The profile that file applied: leaving puts back `saved` only while it is still on.
    applied: String,
    /// Every variable `use` may change, as it was before entering the file's directory.
    saved: Vars,
    /// The profile whose credentials from `use --credentials` renew themselves ("": none).
    renew: String,
    /// The expiry last renewed (or found unreadable): each is tried once.
    tried: String,
}

#[derive(Debug, Deserialize)]
struct Input {
    #[serde(default)]
    state: State,
    #[serde(default)]
    found: String,
    #[serde(default)]
    seen: String,
    #[serde(default)]
    again: bool,
    #[serde(default)]
    renew: bool,
}

#[derive(Debug, Serialize)]
struct Output {
    state: State,
    plan: Vars,
}

/// One run of the hook: the state, and the plan so far over the shell's environment.
struct Step<'a> {
    ctx: &'a super::Ctx,
    st: State,
    plan: Vars,
}

pub fn run(ctx: &super::Ctx) -> Result<ExitCode> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the shell's state on stdin")?;
    let input: Input = serde_json::from_str(&text)
        .context("the shell's state on stdin is not what nushell's integration writes")?;
    let mut step = Step {
        ctx,
        st: input.state,
        plan: Vars::new(),
    };
    if input.again {
        step.leave();
        step.st.seen.clear();
    }
    if input.found.is_empty() {
        step.leave();
    } else if input.seen != step.st.seen {
        step.enter(&input.found, input.seen);
    }
    if input.renew {
        step.renew();
    }
    let out = Output {
        state: step.st,
        plan: step.plan,
    };
    super::emit(&(serde_json::to_string(&out)? + "\n"))?;
    Ok(ExitCode::SUCCESS)
}

impl Step<'_> {
    /// A variable as the plan leaves it: its value there (`None`: removed), else the shell's.
    fn var(&self, key: &str) -> Option<String> {
        match self.plan.get(key) {
            Some(v) => v.as_str().map(str::to_string),
            None => std::env::var(key).ok(),
        }
    }

    /// The profile the shell would be leaving, for `use -`.
    fn leaving(&self) -> String {
        explicit_profile(&|k| self.var(k)).unwrap_or_default()
    }

    fn apply(&mut self, plan: &Plan) -> Result<()> {
        let vars: Vars = serde_json::from_str(&Kind::Nu.render(plan)?)?;
        self.plan.extend(vars);
        Ok(())
    }

    /// An error as awsprof says it, once, on stderr; the shell carries on unchanged.
    fn said(&self, err: anyhow::Error) {
        crate::report(self.ctx.ui, Err(err));
    }

    /// Out of the tree of the applied file: what the shell had before is put back, unless
    /// the profile was switched by hand since.
    fn leave(&mut self) {
        if self.st.file.is_empty() {
            return;
        }
        let saved = std::mem::take(&mut self.st.saved);
        if self.var(AWS_PROFILE).unwrap_or_default() == self.st.applied {
            self.plan.extend(saved);
        }
        self.st.file.clear();
        self.st.seen.clear();
        self.st.applied.clear();
    }

    /// A file (or content) not handled yet: its profile, if it is trusted as it is.
    fn enter(&mut self, found: &str, seen: String) {
        if !self.st.file.is_empty() && self.st.file != found {
            self.leave();
        }
        self.st.seen = seen;
        let plan = match super::allow::trusted_plan(self.ctx, Path::new(found), &self.leaving()) {
            Ok(Some(plan)) => plan,
            Ok(None) => return,
            Err(e) => return self.said(e),
        };
        // Entering from outside any applied file: what the shell has, to put back on leaving.
        let saved: Option<Vars> = self.st.file.is_empty().then(|| {
            ALL_VARS
                .iter()
                .chain([&PREVIOUS_PROFILE])
                .map(|k| (k.to_string(), self.var(k).map_or(Value::Null, Value::from)))
                .collect()
        });
        if let Err(e) = self.apply(&plan) {
            return self.said(e);
        }
        if let Some(saved) = saved {
            self.st.saved = saved;
        }
        self.st.file = found.to_string();
        self.st.applied = self.var(AWS_PROFILE).unwrap_or_default();
    }

    /// Credentials from `use --credentials` are renewed once, within the cache's refresh
    /// window before they expire, by the same `use --credentials`: from the cache, or from
    /// the provider under the cache's lock, so several shells make one call between them.
    fn renew(&mut self) {
        let profile = self.st.renew.clone();
        if profile.is_empty() || self.var(AWS_PROFILE).unwrap_or_default() != profile {
            return;
        }
        let expiry = self.var(AWS_CREDENTIAL_EXPIRATION).unwrap_or_default();
        if expiry.is_empty() || expiry == self.st.tried {
            return;
        }
        // nushell asks only for an expiry it reads as a time; one that is not RFC 3339 (not
        // what `use --credentials` exports) is not asked about again.
        let Some(at) = clock::parse(&expiry) else {
            self.st.tried = expiry;
            return;
        };
        // Whole seconds, as nushell counts them.
        if (at - clock::now()).as_seconds_f64().floor() > REFRESH_WINDOW.as_seconds_f64() {
            return;
        }
        // Once for these credentials, whatever comes of it.
        self.st.tried = expiry;
        let options = crate::cli::CredentialArgs::default();
        let renewed = super::r#use::credentials_plan(self.ctx, &profile, &options, &self.leaving())
            .and_then(|plan| self.apply(&plan));
        if let Err(e) = renewed {
            self.said(e);
        }
    }
}
