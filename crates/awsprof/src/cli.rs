//! The command line: every subcommand, flag and help text. The contract these names
//! follow is in docs/cli.md; tests and users rely on them.

use clap::{Args, Parser, Subcommand};

/// Switch AWS profiles per shell session: correct, instant, safe.
///
/// awsprof reads and edits the same ~/.aws/config and ~/.aws/credentials that the AWS CLI
/// and SDKs read (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are honoured). stdout
/// carries only data or shell code; messages go to stderr. Exit status: 0 success,
/// 1 error, 2 bad usage.
#[derive(Debug, Parser)]
#[command(name = "awsprof", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List profile names, one a line, sorted.
    List(ListArgs),
    /// Show a profile's merged properties as the SDKs see them (secrets masked).
    Show(ShowArgs),
    /// Print the active profile: AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default.
    Current,
    /// Print one setting, like `aws configure get` (exit 1 when it is not set).
    Get(GetArgs),
    /// Check the files, permissions, chains and environment; say what to fix.
    ///
    /// Exit status 1 when an error was found. Also flags what the AWS CLI and boto3 read
    /// differently from the SDKs (inline comments, duplicate sections or keys).
    Doctor(DoctorArgs),
    /// Print the man page (roff) built from this help text; docs/awsprof.1 is its copy.
    #[command(hide = true)]
    Man,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array of objects with name, kind, region and sources.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The profile to show [default: the active profile].
    pub profile: Option<String>,
    /// Print JSON: {"name", "kind", "sources", "properties"}; blocks become objects.
    #[arg(long)]
    pub json: bool,
    /// Print secrets in full instead of masking them like `aws configure list`.
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The key: KEY, KEY.SUBKEY (s3.max_concurrent_requests), profile.NAME.KEY,
    /// default.KEY, sso-session.NAME.KEY or services.NAME.SERVICE.KEY.
    pub key: String,
    /// The profile to read [default: the active profile].
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print a JSON array of {"level", "check", "message"}.
    #[arg(long)]
    pub json: bool,
}
