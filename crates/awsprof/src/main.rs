//! awsprof: switch AWS profiles per shell session. The binary is thin: it parses the
//! command line, calls the core, and turns errors into messages and exit codes.

mod cli;
mod cmd;
mod resolve;

use clap::Parser;
use std::io;
use std::process::ExitCode;

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    use cli::Command;
    let ctx = cmd::Ctx::from_env();
    match &cli.command {
        Command::List(a) => cmd::list::run(&ctx, a)?,
        Command::Show(a) => cmd::show::run(&ctx, a)?,
        Command::Current => cmd::current::run(&ctx)?,
        Command::Set(a) => cmd::set::run(&ctx, a)?,
        Command::Configure(a) => cmd::configure::run(&ctx, a)?,
        Command::Remove(a) => cmd::remove::run(&ctx, a)?,
        Command::Rename(a) => cmd::rename::run(&ctx, a)?,
        Command::Import(a) => cmd::import::run(&ctx, a)?,
        Command::Whoami(a) => cmd::whoami::run(&ctx, a)?,
        Command::Login(a) => cmd::login::run(&ctx, a)?,
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
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A reader that went away (`awsprof list | head -1`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("awsprof: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
