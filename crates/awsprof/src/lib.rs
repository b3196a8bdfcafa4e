//! awsprof: switch AWS profiles per shell session. The program is thin: it parses the
//! command line, calls the core, and turns errors into messages and exit codes.
//!
//! It is built as two executables from this one library. `awsprof` does everything that
//! needs only the files and links no network code, so `use`, `list`, `export` of static
//! keys and completion start as fast as a small program can. `awsprof-net` is the same
//! program with the AWS SDK linked in: `awsprof` hands it the work that needs the network
//! (temporary credentials, `whoami`, `login`), see [`resolve::Backend`].

// Not a public API: the modules are public only for the two entry points.
#![allow(missing_docs)]

pub mod cli;
pub mod cmd;
pub mod net;
pub mod resolve;

use clap::Parser;
use std::io;
use std::process::ExitCode;

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: cli::Cli, backend: &'static dyn resolve::Backend) -> anyhow::Result<ExitCode> {
    use cli::Command;
    let ctx = cmd::Ctx::from_env(backend);
    match &cli.command {
        Command::List(a) => cmd::list::run(&ctx, a)?,
        Command::Show(a) => cmd::show::run(&ctx, a)?,
        Command::Current => cmd::current::run(&ctx)?,
        Command::Set(a) => cmd::set::run(&ctx, a)?,
        Command::Configure(a) => cmd::configure::run(&ctx, a)?,
        Command::Remove(a) => cmd::remove::run(&ctx, a)?,
        Command::Rename(a) => cmd::rename::run(&ctx, a)?,
        Command::Import(a) => cmd::import::run(&ctx, a)?,
        Command::Whoami(a) => backend.whoami(&ctx, a)?,
        Command::Login(a) => backend.login(&ctx, a)?,
        Command::Man => cmd::man::run()?,
        Command::Doctor(a) => {
            if !cmd::doctor::run(&ctx, a)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Get(a) => {
            if !cmd::get::run(&ctx, a)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Use(a) => return cmd::r#use::run(&ctx, a),
        Command::Unset(a) => cmd::unset::run(a)?,
        Command::Export(a) => cmd::export::run(&ctx, a)?,
        Command::Env(a) => return cmd::env::run(&ctx, a),
        Command::Init(a) => cmd::init::run(a)?,
        Command::Allow(a) => cmd::allow::allow(&ctx, a)?,
        Command::Deny(a) => cmd::allow::deny(a)?,
        Command::Hook(a) => return cmd::allow::hook(&ctx, a),
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the command line. Help for `use` and `unset` goes to stderr: their stdout is
/// evaluated as shell code.
fn parse() -> cli::Cli {
    use clap::error::ErrorKind;
    match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e)
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                && matches!(
                    std::env::args().nth(1).as_deref(),
                    Some("use" | "unset" | "hook")
                ) =>
        {
            eprint!("{}", e.render());
            std::process::exit(0);
        }
        Err(e) => e.exit(),
    }
}

/// Runs the program with `backend` doing the network work.
pub fn entry(backend: &'static dyn resolve::Backend) -> ExitCode {
    // Before anything else: with COMPLETE=SHELL set, this answers a completion request
    // (profile names read live) and exits.
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .complete();
    let cli = parse();
    match run(cli, backend) {
        Ok(code) => code,
        // `awsprof-net` failed and has said why on stderr.
        Err(e) if e.downcast_ref::<resolve::Reported>().is_some() => {
            ExitCode::from(e.downcast_ref::<resolve::Reported>().map_or(1, |r| r.0))
        }
        // A reader that went away (`awsprof list | head -1`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("awsprof: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
