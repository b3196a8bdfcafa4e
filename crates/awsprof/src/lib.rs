//! awsprof: switch AWS profiles per shell session. The program is thin: it parses the
//! command line, calls the core, and turns errors into messages and exit codes.
//!
//! This package is the file-only program: no `aws-*` crate is in its dependency tree, so
//! `use`, `list`, `export` (of static keys, or of a role from a warm cache) and completion
//! start as fast as a small program can. What needs the AWS SDK is handed to the
//! `awsprof-net` package through [`backend::Backend`]; `awsprof-net` reuses this library
//! (the command line, the commands, the terminal) and adds the SDK.

// Not a public API: the modules are public for the two executables.
#![allow(missing_docs)]

pub mod backend;
pub mod cli;
pub mod cmd;
pub mod complete;
pub mod ctx;
pub mod process;
pub mod resolve;
pub mod server;
pub mod term;

use clap::Parser;
use std::io;
use std::process::ExitCode;

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: &cli::Cli, ctx: &ctx::Ctx) -> anyhow::Result<ExitCode> {
    use cli::Command;
    match &cli.command {
        Command::List(a) => cmd::list::run(ctx, a)?,
        Command::Show(a) => cmd::show::run(ctx, a)?,
        Command::Current => cmd::current::run(ctx)?,
        Command::Set(a) => cmd::set::run(ctx, a)?,
        Command::Configure(a) => cmd::configure::run(ctx, a)?,
        Command::Remove(a) => cmd::remove::run(ctx, a)?,
        Command::Rename(a) => cmd::rename::run(ctx, a)?,
        Command::Import(a) => cmd::import::run(ctx, a)?,
        Command::Whoami(_)
        | Command::Login(_)
        | Command::Console(_)
        | Command::Sso(cli::SsoCommand::Sync(_)) => return ctx.backend.network_command(cli),
        Command::Sso(cli::SsoCommand::Add(a)) => cmd::sso::add(ctx, a)?,
        Command::Man => cmd::man::run()?,
        Command::Doctor(a) => {
            if !cmd::doctor::run(ctx, a)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Get(a) => {
            if !cmd::get::run(ctx, a)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Use(a) => return cmd::r#use::run(ctx, a),
        Command::Unset(a) => cmd::unset::run(a)?,
        Command::Export(a) => cmd::export::run(ctx, a)?,
        Command::Env(a) => return cmd::env::run(ctx, a),
        Command::Init(a) => cmd::init::run(a)?,
        Command::Completions(a) => cmd::completions::run(a)?,
        Command::Allow(a) => cmd::allow::allow(ctx, a)?,
        Command::Deny(a) => cmd::allow::deny(ctx, a)?,
        Command::Hook(a) => return cmd::allow::hook(ctx, a),
        Command::Keyring(a) => return cmd::keyring::run(ctx, a),
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the command line. Help for `use` and `unset` goes to stderr: their stdout is
/// evaluated as shell code. An argument that is not UTF-8 is refused by name, before clap
/// sees it (only the command `env` runs, after `--`, may be any bytes).
fn parse(ui: &dyn awsprof_core::ui::Ui) -> cli::Cli {
    use clap::error::ErrorKind;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let text_args = args.iter().skip(1).take_while(|a| a.as_os_str() != "--");
    for (i, arg) in text_args.enumerate() {
        if arg.to_str().is_none() {
            ui.error(&format!(
                "argument {} ({}) is not valid UTF-8 text; profile names, keys and options are text",
                i + 1,
                awsprof_core::text::quoted(&arg.to_string_lossy())
            ));
            std::process::exit(2);
        }
    }
    let first = args.get(1).and_then(|a| a.to_str());
    match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e)
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                && matches!(first, Some("use" | "unset" | "hook")) =>
        {
            eprint!("{}", e.render());
            std::process::exit(0);
        }
        Err(e) => e.exit(),
    }
}

/// Runs the program: `ui` talks to the person, `backend` does the network work.
pub fn entry(
    ui: &'static dyn awsprof_core::ui::Ui,
    backend: &'static dyn backend::Backend,
) -> ExitCode {
    // The plain forms of `init` (at every shell start-up), `use`, `export` and `show`:
    // without building the command line.
    let plain = if std::env::var_os("COMPLETE").is_none() {
        let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        if let Some(init) = cmd::init::plain_args(&args) {
            return report(ui, cmd::init::run(&init).map(|()| ExitCode::SUCCESS));
        }
        cli::Cli::plain(&args)
    } else {
        None
    };
    let cli = plain.unwrap_or_else(|| {
        // Before anything else: with COMPLETE=SHELL set, this answers a completion
        // request (profile names read live) and exits.
        clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
            .shells(complete::SHELLS)
            .complete();
        parse(ui)
    });
    term::set_quiet(cli.quiet);
    let ctx = ctx::Ctx::from_env(ui, backend);
    let result = match run(&cli, &ctx) {
        Err(e) if e.downcast_ref::<backend::NeedsKeyring>().is_some() => {
            backend.network_command(&cli)
        }
        other => other,
    };
    report(ui, result)
}

/// An error as one message: the error, then each cause that it does not already say (an
/// error that prints its source would otherwise say it twice).
pub fn message(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let more = cause.to_string();
        if !more.is_empty() && !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
    }
    text
}

/// The exit status of a command's result; an error is said once, through `ui`.
pub fn report(ui: &dyn awsprof_core::ui::Ui, result: anyhow::Result<ExitCode>) -> ExitCode {
    use awsprof_core::ui::UiError;
    match result {
        Ok(code) => code,
        // `awsprof-net` failed and has said why on stderr.
        Err(e) if e.downcast_ref::<backend::Reported>().is_some() => {
            ExitCode::from(e.downcast_ref::<backend::Reported>().map_or(1, |r| r.0))
        }
        // Ctrl-C at a prompt: the terminal is restored; exit as a shell does on SIGINT.
        Err(e) if matches!(e.downcast_ref::<UiError>(), Some(UiError::Interrupted)) => {
            ExitCode::from(130)
        }
        // A reader that went away (`awsprof list | head -1`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            ui.error(&message(&e));
            let code = e
                .downcast_ref::<cmd::env::CannotRun>()
                .map_or(1, cmd::env::CannotRun::status);
            ExitCode::from(code)
        }
    }
}
