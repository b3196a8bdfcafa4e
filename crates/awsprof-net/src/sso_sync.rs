//! `sso sync`: every account and role an `[sso-session]` can reach, listed with the SDK
//! ([`sso::list_all`]), then the core's plan ([`awsprof_core::sso_sync`]) written through
//! the locked, atomic editor.
//!
//! The order is what makes it safe: the listing is made first, without the lock (it can
//! take a while) and without touching the file; only a listing that succeeded to its last
//! page is planned against, under the lock and against the file as it is then. Any
//! failure before that leaves the file as it was.

use crate::runtime::io_runtime;
use crate::sso::{self, Subject};
use crate::Net;
use anyhow::Result;
use awsprof::cli::SsoSyncArgs;
use awsprof::cmd::writing;
use awsprof::ctx::Ctx;
use awsprof_core::sso_sync::{self, Options, Report};
use awsprof_core::store::Editor;
use awsprof_core::{FileKind, Filter};

/// At most this many names of a kind are listed in the summary.
const SHOWN: usize = 10;

/// Runs one sync.
pub fn run(ctx: &Ctx, args: &SsoSyncArgs) -> Result<()> {
    let env = |k: &str| std::env::var(k).ok();
    let set = ctx.load(Filter::All)?;
    let session = sso_sync::choose_session(&set, args.sso_session.as_deref())?;
    let options = Options {
        template: args.template.clone(),
        region: args.region.clone(),
        prune: match (args.prune, args.no_prune) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
    };
    // A bad template or an incomplete session fails here, before any call.
    let settings = sso_sync::Settings::resolve(&set, &session, &options)?;
    if let Some(w) = awsprof_core::validate::region(&settings.region) {
        ctx.ui.warn(&w);
    }
    let config = sso_sync::session_config(&set, &session)?;
    let net_settings = awsprof_core::settings::Settings::new(&set, "", &env);
    let subject = Subject::Session(session.clone());
    let mut net = Net::new(ctx.ui);
    let token = sso::access_token(&mut net, &net_settings, &subject, &config)?;
    let attempts = sso::list_attempts(&env);
    let listing = net
        .run_quietly(sso::list_all(
            &net_settings,
            &settings.sso_region,
            &token,
            attempts,
            &subject,
            ctx.ui,
        ))
        .map_err(io_runtime)??;

    // The whole listing is here: plan and write under the lock, against the file now.
    let mut editor = Editor::open(&ctx.paths)?;
    let now = editor.profiles()?;
    let settings = sso_sync::Settings::resolve(&now, &session, &options)?;
    let plan = sso_sync::plan(&now, &settings, &listing);
    let before = editor.doc(FileKind::Config).text();
    let report = sso_sync::apply(editor.doc(FileKind::Config), &plan)
        .map_err(|e| editor.error(FileKind::Config, e))?;
    let after = editor.doc(FileKind::Config).text();
    let label = ctx.paths.get(FileKind::Config).display().to_string();
    let diff = sso_sync::diff(&label, &before, &after);
    let written = if args.dry_run {
        false
    } else {
        writing::commit(ctx, editor, &[])?.contains(&FileKind::Config)
    };

    if args.json {
        let mut v = serde_json::to_value(&report)?;
        if let Some(map) = v.as_object_mut() {
            map.insert("dry_run".into(), args.dry_run.into());
            map.insert("written".into(), written.into());
            if args.dry_run {
                map.insert("diff".into(), diff.clone().into());
            }
        }
        awsprof::cmd::emit(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else if args.dry_run {
        awsprof::cmd::emit(&diff)?;
    }
    summarise(ctx, &report, args.dry_run, written);
    Ok(())
}

fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// `a`, `b`, … and N more.
fn names<'a>(all: impl ExactSizeIterator<Item = &'a String>) -> String {
    let total = all.len();
    let mut shown: Vec<String> = all.take(SHOWN).map(|n| format!("`{n}`")).collect();
    if total > SHOWN {
        shown.push(format!("and {} more", count(total - SHOWN)));
    }
    shown.join(", ")
}

/// The summary on stderr: counts first, then everything a person should know about.
fn summarise(ctx: &Ctx, r: &Report, dry_run: bool, written: bool) {
    let ui = ctx.ui;
    let mut done = Vec::new();
    for (n, what) in [
        (r.added.len(), "added"),
        (r.updated.len(), "updated"),
        (r.renamed.len(), "renamed"),
        (r.removed.len(), "removed"),
    ] {
        if n > 0 {
            done.push(format!("{} {what}", count(n)));
        }
    }
    let changes = if done.is_empty() {
        "nothing to change".to_string()
    } else {
        let verb = if dry_run { "would be " } else { "" };
        format!("profiles {verb}{}", done.join(", "))
    };
    let tail = match (dry_run, written) {
        (true, _) => "; dry run, nothing written",
        (false, true) => "",
        (false, false) => "; the file is unchanged",
    };
    ui.note(&format!(
        "sso-session `{}`: {}, {}: {changes} ({} unchanged){tail}",
        r.session,
        plural(r.accounts, "account", "accounts"),
        plural(r.roles, "role", "roles"),
        count(r.unchanged)
    ));
    for c in r.collisions.iter().take(SHOWN) {
        ui.note(&format!(
            "`{}` is taken by {}: account {}, role {} is `{}`",
            c.wanted, c.held_by, c.account_id, c.role_name, c.name
        ));
    }
    if r.collisions.len() > SHOWN {
        ui.note(&format!(
            "and {} more names taken (`--json` lists them all)",
            count(r.collisions.len() - SHOWN)
        ));
    }
    for m in r.renamed.iter().take(SHOWN) {
        ui.note(&format!("renamed `{}` to `{}`", m.from, m.to));
    }
    if r.renamed.len() > SHOWN {
        ui.note(&format!(
            "and {} more renamed (`--json` lists them all)",
            count(r.renamed.len() - SHOWN)
        ));
    }
    if !r.edited.is_empty() {
        ui.note(&format!(
            "left alone, edited by hand since they were generated: {} (delete the awsprof_sso_sync line to make one plainly yours, or the profile to have it made again)",
            names(r.edited.iter())
        ));
    }
    if !r.yours.is_empty() {
        ui.note(&format!(
            "already yours with the name and role sync would give, none made beside them: {}",
            names(r.yours.iter())
        ));
    }
    if !r.stale.is_empty() {
        ui.note(&format!(
            "{} no longer listed, kept: {}; `--prune` removes them",
            plural(
                r.stale.len(),
                "profile's account or role is",
                "profiles' accounts or roles are"
            ),
            names(r.stale.iter())
        ));
    }
    if !r.removed.is_empty() {
        ui.note(&format!("pruned: {}", names(r.removed.iter())));
    }
    if r.empty_listing {
        ui.warn("the portal listed no accounts at all: nothing was pruned (an empty listing is more likely a lost assignment than an empty organisation); remove the profiles with `awsprof remove` if they should go");
    }
    for reference in &r.references {
        match &reference.to {
            Some(to) => ui.note(&format!(
                "`{}`'s source_profile now names `{to}` (was `{}`)",
                reference.profile, reference.from
            )),
            None => ui.warn(&format!(
                "`{}` still names `{}` as source_profile, which was pruned; it will fail until changed",
                reference.profile, reference.from
            )),
        }
    }
}
