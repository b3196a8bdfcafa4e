//! The command line: every subcommand, flag and help text. The contract these names
//! follow is in docs/cli.md; tests and users rely on them.

use crate::complete::{profile_names, profile_names_or_previous, sso_session_names};
use awsprof_core::shell::Kind;
use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::{ArgValueCandidates, ArgValueCompleter};
use std::ffi::OsString;

/// Switch AWS profiles per shell session: correct, instant, safe.
///
/// Reads and edits ~/.aws/config and ~/.aws/credentials as the AWS CLI and SDKs read them.
/// stdout carries only data or shell code. Exit status: 0 success, 1 error, 2 bad usage.
// One template for -h and --help: the two options on one line, so that the list of
// commands and the examples fit on a screen.
#[derive(Debug, Parser)]
#[command(
    name = "awsprof",
    version = VERSION,
    about,
    long_about,
    max_term_width = 100,
    help_template = "{about-with-newline}\n{usage-heading} {usage}\n\nCommands:\n{subcommands}\n\nOptions: -q, --quiet (no notes, no spinner: for scripts)  -h, --help (-h: a summary)  -V, --version{after-help}",
    after_long_help = examples::TOP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// No notes on stderr (what was done, next steps), no spinner or progress bar: for
    /// scripts. Warnings, errors and prompts still show. Taken before or after the
    /// command; listed once, in the top-level help, rather than in every command's.
    #[arg(short = 'q', long, global = true, hide = true)]
    pub quiet: bool,
}

impl Cli {
    /// The plain forms of the commands run most after `init` (whose own are
    /// `cmd::init::plain_args`): `use [--shell SHELL] NAME`, as the shell function runs it,
    /// `export NAME` and `show NAME`, recognised before clap builds the command line, which
    /// costs as many instructions as reading a file of a thousand profiles. Anything else
    /// (an option, a name that starts with `-`, help, an error, AWSPROF_PROCESS_TIMEOUT in
    /// the environment) is `None`, for clap to parse and judge; a test holds each form to
    /// what clap makes of it.
    pub fn plain(args: &[OsString]) -> Option<Cli> {
        if std::env::var_os("AWSPROF_PROCESS_TIMEOUT").is_some() {
            return None;
        }
        let args: Vec<&str> = args.iter().map(|a| a.to_str()).collect::<Option<_>>()?;
        let name = |n: &str| (!n.is_empty() && !n.starts_with('-')).then(|| n.to_string());
        let command = match args[..] {
            ["use", n] => Command::Use(UseArgs {
                profile: Some(name(n)?),
                shell: ShellArg(Kind::Sh),
                credentials: false,
                creds: CredentialArgs::default(),
            }),
            ["use", "--shell", shell, n] => Command::Use(UseArgs {
                profile: Some(name(n)?),
                shell: ShellArg::from_str(shell, false).ok()?,
                credentials: false,
                creds: CredentialArgs::default(),
            }),
            ["export", n] => Command::Export(ExportArgs {
                profile: Some(name(n)?),
                format: FormatArg(Kind::Sh),
                creds: CredentialArgs::default(),
            }),
            ["show", n] => Command::Show(ShowArgs {
                profile: Some(name(n)?),
                json: false,
                reveal: false,
            }),
            _ => return None,
        };
        Some(Cli {
            command,
            quiet: false,
        })
    }
}

/// `--version`: the package's, and the commit it was built from when known (build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("AWSPROF_BUILD_COMMIT"));

/// Each subcommand's arguments are built only when that subcommand runs (or help,
/// completion and the man page need them): building all of them cost every command's
/// start-up more instructions than anything `list` does after them.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// List profile names, one a line, sorted.
    #[command(after_long_help = examples::LIST)]
    List(ListArgs),
    /// Show a profile's merged properties as the SDKs see them (secrets masked).
    #[command(after_long_help = examples::SHOW)]
    Show(ShowArgs),
    /// Print the active profile: AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default.
    #[command(after_long_help = examples::CURRENT)]
    Current,
    /// Print one setting, like `aws configure get` (exit 1 when it is not set).
    #[command(after_long_help = examples::GET)]
    Get(GetArgs),
    /// Switch this shell to a profile: prints shell code, which the `init` function evals.
    ///
    /// Sets AWS_PROFILE, and AWS_REGION + AWS_DEFAULT_REGION when the profile has a region
    /// (else unsets them). Unsets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    /// AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN, AWS_CREDENTIAL_EXPIRATION,
    /// AWS_SESSION_EXPIRATION and AWS_DEFAULT_PROFILE, which would otherwise keep the old
    /// identity. Remembers the profile it leaves in AWSPROF_PREVIOUS_PROFILE for `use -`.
    /// An unknown profile prints nothing and exits 1.
    #[command(after_long_help = examples::USE)]
    Use(UseArgs),
    /// Print shell code that clears every variable `use` may set.
    ///
    /// Remembers the profile it leaves in AWSPROF_PREVIOUS_PROFILE, so `use -` undoes it.
    #[command(after_long_help = examples::UNSET)]
    Unset(UnsetArgs),
    /// Print a profile's credentials (and region) as assignments for a shell or a file.
    ///
    /// In the order of `aws configure export-credentials`: AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, then AWS_REGION
    /// and AWS_DEFAULT_REGION when the profile has a region. A value the format cannot
    /// carry safely is refused, never printed.
    #[command(after_long_help = examples::EXPORT)]
    Export(ExportArgs),
    /// Run a command with a profile's credentials, or print them as KEY='VALUE' lines.
    ///
    /// The command gets the variables `use --credentials` would set, and none of the
    /// others (AWS_DEFAULT_PROFILE, a stale session token...). On Unix awsprof replaces
    /// itself with the command, so its exit status and signals are the command's own.
    /// When the command cannot be started the exit status is 127 (not found) or 126.
    ///
    /// With --server the command gets no keys: a credential server on 127.0.0.1 (random
    /// port, path and token) hands them out as a container endpoint does and renews them
    /// before they expire, for jobs that outlive the credentials. awsprof stays beside the
    /// command, passes on the signals sent to it, and ends as the command ends.
    #[command(after_long_help = examples::ENV)]
    Env(EnvArgs),
    /// Print the shell integration: the wrapper function, completion and prompt helper.
    ///
    /// bash: eval "$(awsprof init bash)"   zsh: eval "$(awsprof init zsh)"
    /// fish: awsprof init fish | source
    /// nu: awsprof init nu | save -f ($nu.default-config-dir | path join autoload/awsprof.nu)
    ///
    /// Also switches to the profile named by a trusted .aws-profile file on entering its
    /// directory (see `allow`), and renews credentials exported by `use --credentials`
    /// shortly before they expire.
    #[command(after_long_help = examples::INIT)]
    Init(InitArgs),
    /// Print a Tab-completion script, for packages and setups without `init`.
    ///
    /// `init` already completes in the shell it sets up; this is the same completion as a
    /// file of its own (it asks the awsprof on PATH, so profile names are read live).
    #[command(after_long_help = examples::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Trust the .aws-profile file of DIR (or the nearest one above it), as it is now.
    ///
    /// The file holds a profile name (its first line that is not empty or a # comment).
    /// A shell with the integration switches to that profile on entering the directory or
    /// any below it, and puts back what it had on leaving. A file seen for the first time,
    /// or changed since it was allowed, does nothing but say so once until allowed. Allowing
    /// applies it at once in the shell that ran the command. The list lives in the state
    /// directory ($XDG_STATE_HOME/awsprof/allowed.json).
    #[command(after_long_help = examples::ALLOW)]
    Allow(DirArgs),
    /// Distrust the .aws-profile file of DIR (or the nearest one above it).
    ///
    /// A denied file is ignored without a word, whatever it holds, until `allow`; a shell
    /// that had applied it puts back what it had.
    #[command(after_long_help = examples::DENY)]
    Deny(DirArgs),
    /// The directory hook of the shell integration: shell code for a trusted .aws-profile.
    #[command(hide = true)]
    Hook(HookArgs),
    /// Set one setting, like `aws configure set`; `--delete` removes it instead.
    ///
    /// Secrets (aws_access_key_id, aws_secret_access_key, aws_session_token) go to the
    /// credentials file, everything else to the config file (or to the credentials file
    /// when the key is already set there, since that is where the SDKs read it). Only the
    /// lines of that key change; comments, order and line endings stay as they were.
    #[command(after_long_help = examples::SET)]
    Set(SetArgs),
    /// Ask for access key, secret, region and output format, like `aws configure`.
    ///
    /// Enter keeps the value shown in brackets; the secret is read without echo; Ctrl-C or
    /// Ctrl-D writes nothing. When stdin is not a terminal, reads the four answers one a
    /// line (an empty line keeps the value).
    #[command(after_long_help = examples::CONFIGURE)]
    Configure(ConfigureArgs),
    /// Remove a profile from both files (asks first; --yes when not on a terminal).
    #[command(after_long_help = examples::REMOVE)]
    Remove(RemoveArgs),
    /// Rename a profile in both files and fix the source_profile references to it.
    #[command(after_long_help = examples::RENAME)]
    Rename(RenameArgs),
    /// Import the access-key CSV that the IAM console downloads into the credentials file.
    ///
    /// Reads the current layout (Access key ID,Secret access key), the old one with a user
    /// name column (User name,Password,Access key ID,Secret access key,Console login link)
    /// and the old root-user rootkey.csv. The profile is named by --profile, else by the
    /// user name in the file, else by the one in its name (USERNAME_accessKeys.csv).
    #[command(after_long_help = examples::IMPORT)]
    Import(ImportArgs),
    /// Check the files, permissions, chains and environment; say what to fix.
    ///
    /// Exit status 1 when an error was found. Also flags what the AWS CLI and boto3 read
    /// differently from the SDKs (inline comments, duplicate sections or keys). With no
    /// profile yet, says how to make the first one.
    #[command(after_long_help = examples::DOCTOR)]
    Doctor(DoctorArgs),
    /// Show who a profile's credentials are: account, ARN, user id and expiry.
    ///
    /// Calls STS GetCallerIdentity with the credentials `export` would print (assuming
    /// roles, asking for an MFA code, running credential_process as needed). Warns on
    /// stderr when the caller is the account's root user.
    #[command(after_long_help = examples::WHOAMI)]
    Whoami(WhoamiArgs),
    /// Log in to IAM Identity Center (SSO) for a profile, as `aws sso login` does.
    ///
    /// Prints a URL and a code on stderr and opens a browser when one is available; once
    /// you approve, the session token is cached in ~/.aws/sso/cache, where the AWS CLI v2
    /// and the SDKs find it too.
    #[command(after_long_help = examples::LOGIN)]
    Login(LoginArgs),
    /// Open the AWS web console signed in as a profile, in its partition and region.
    ///
    /// Exchanges the credentials `export` would print at the AWS sign-in endpoint for a URL
    /// (opened in the browser, else shown on stderr) that signs in whoever opens it within 15
    /// minutes: keep it private. Root keys are refused. Details: docs/console.md.
    #[command(after_long_help = examples::CONSOLE)]
    Console(ConsoleArgs),
    /// IAM Identity Center: `sso add` a session, `sso sync` a profile per account and role.
    #[command(subcommand, after_long_help = examples::SSO)]
    Sso(SsoCommand),
    /// Keep long-term access keys in the OS keyring instead of the credentials file.
    ///
    /// The keyring is the macOS Keychain, Windows Credential Manager or, on Linux, the
    /// Secret Service (gnome-keyring, KeePassXC). One entry per profile (service
    /// `awsprof`, account the profile name). The profile's config section gets
    /// `credential_process = awsprof keyring credentials NAME`, so the AWS CLI, boto3,
    /// Terraform and the SDKs keep working with the same profile name; awsprof itself
    /// reads the keyring without running that line.
    #[command(after_long_help = examples::KEYRING)]
    Keyring(KeyringArgs),
    /// Print the man page (roff) built from this help text; docs/awsprof.1 is its copy.
    #[command(hide = true)]
    Man,
}

// How temporary credentials are obtained (shared by the commands that need them). Not a
// doc comment: flattened into a deferred subcommand, it would become that command's about.
// `-h` and the man page list them; `--help`, spread out one option to three lines, would
// not fit on a screen with them, so it names them in one line (`examples::creds!`).
#[derive(Debug, Args, Default, Clone)]
pub struct CredentialArgs {
    /// The MFA code, instead of being asked for it on the terminal.
    #[arg(long, value_name = "CODE", hide_long_help = true)]
    pub mfa_code: Option<String>,
    /// Neither read nor write the credential cache (~/.aws/cli/cache).
    #[arg(long, hide_long_help = true)]
    pub no_cache: bool,
    /// Fetch new credentials even when cached ones are still valid, and cache them.
    #[arg(long, conflicts_with = "no_cache", hide_long_help = true)]
    pub refresh: bool,
    /// How long a credential_process may run before it is stopped [default: 60].
    #[arg(
        long,
        value_name = "SECONDS",
        env = "AWSPROF_PROCESS_TIMEOUT",
        hide_env_values = true,
        hide_long_help = true
    )]
    pub process_timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// The profile [default: the active profile].
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
    /// Print JSON: {"Profile", "Account", "Arn", "UserId", "Expiration"}.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub creds: CredentialArgs,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The profile [default: the active profile].
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
    /// Log in to this [sso-session] itself, without a profile (before `sso sync` has made
    /// any).
    #[arg(long, value_name = "NAME", conflicts_with = "profile", add = ArgValueCandidates::new(sso_session_names))]
    pub sso_session: Option<String>,
    /// Print the URL and code only; do not open a browser.
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The profile [default: the active profile].
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
    /// Open this service's page: s3, ec2, iam, lambda... (Tab completes; docs/cli.md lists).
    #[arg(long, short = 's', value_name = "SERVICE", value_parser = ServiceArg, hide_possible_values = true)]
    pub service: Option<String>,
    /// Open this console URL instead; it must be on the partition's console host.
    #[arg(long, value_name = "URL", conflicts_with = "service")]
    pub destination: Option<String>,
    /// The console's region, which picks the partition [default: the active one, else us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Print the sign-in URL on stdout (and nothing else) instead of opening a browser.
    #[arg(long)]
    pub url: bool,
    /// How long the console session lasts: 15m to 12h (3600, 90m, 1h30m) [default: 1h].
    #[arg(long, value_name = "DURATION", value_parser = awsprof_core::console::session_duration)]
    pub duration: Option<u32>,
    /// Print JSON: {"Profile", "Region", "Url", "Expiration", "SessionDuration"}.
    #[arg(long, conflicts_with = "url")]
    pub json: bool,
    #[command(flatten)]
    pub creds: CredentialArgs,
}

/// `--service`: a name from the core's table of console pages. The list of values (each
/// with what it is) is made only when it is needed: for a `--service` value, help,
/// completion. Made with the command line, it cost `awsprof list` 4% more instructions
/// (callgrind, release build).
#[derive(Clone, Copy, Debug)]
pub struct ServiceArg;

impl ServiceArg {
    fn values() -> impl Iterator<Item = PossibleValue> {
        awsprof_core::console::SERVICES.iter().map(|s| {
            PossibleValue::new(s.name)
                .aliases(s.aliases.iter().copied())
                .help(s.title)
        })
    }
}

impl clap::builder::TypedValueParser for ServiceArg {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        // clap's own parser, for its error: the known names and the closest one.
        clap::builder::PossibleValuesParser::new(Self::values()).parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(Self::values()))
    }
}

/// A shell that `use` and `unset` can write for: one of the core's [`Kind::SHELLS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShellArg(pub Kind);

/// An output format of `export`: one of the core's [`Kind::ALL`], with its summary as help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatArg(pub Kind);

/// The command line's values, made from a list of the core's kinds.
macro_rules! wrap {
    ($kinds:expr, $arg:ident) => {{
        let mut out = [$arg(Kind::Sh); $kinds.len()];
        let mut i = 0;
        while i < $kinds.len() {
            out[i] = $arg($kinds[i]);
            i += 1;
        }
        out
    }};
}

const SHELLS: [ShellArg; Kind::SHELLS.len()] = wrap!(Kind::SHELLS, ShellArg);
const FORMATS: [FormatArg; Kind::ALL.len()] = wrap!(Kind::ALL, FormatArg);

impl ValueEnum for ShellArg {
    fn value_variants<'a>() -> &'a [Self] {
        &SHELLS
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &FORMATS
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.format().summary()))
    }
}

impl ShellArg {
    pub fn kind(self) -> Kind {
        self.0
    }
}

impl FormatArg {
    pub fn kind(self) -> Kind {
        self.0
    }
}

/// A shell that `init` has an integration for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InitShell {
    Bash,
    Zsh,
    Fish,
    Nu,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// The profile; `-` for the previous one; none to pick from a list (on a terminal).
    #[arg(add = ArgValueCompleter::new(profile_names_or_previous))]
    pub profile: Option<String>,
    /// The shell to write code for (the `init` function passes its own).
    #[arg(long, value_enum, default_value_t = ShellArg(Kind::Sh))]
    pub shell: ShellArg,
    /// Also export the resolved credentials (for tools that do not read profiles).
    #[arg(long)]
    pub credentials: bool,
    #[command(flatten)]
    pub creds: CredentialArgs,
}

#[derive(Debug, Args)]
pub struct UnsetArgs {
    /// The shell to write code for (the `init` function passes its own).
    #[arg(long, value_enum, default_value_t = ShellArg(Kind::Sh))]
    pub shell: ShellArg,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The profile [default: the active profile].
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
    /// The output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg(Kind::Sh))]
    pub format: FormatArg,
    #[command(flatten)]
    pub creds: CredentialArgs,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The profile [default: the active profile].
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
    /// The command to run and its arguments, after `--`.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
    /// Serve the credentials to CMD from a local credential server that renews them before
    /// they expire (the container credential protocol every AWS SDK reads), instead of
    /// putting keys in its environment. Stops when CMD exits.
    #[arg(long, requires = "command")]
    pub server: bool,
    #[command(flatten)]
    pub creds: CredentialArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: InitShell,
    /// The name of the function to define (letters, digits, `_` and `-`).
    #[arg(long = "cmd", value_name = "NAME", default_value = "awsprof")]
    pub cmd: String,
}

/// A shell that `completions` writes a script for (clap's dynamic completion).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

#[derive(Debug, Args)]
pub struct DirArgs {
    /// The directory [default: the current one].
    #[arg(value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// The .aws-profile file the shell found.
    #[arg(required_unless_present = "state")]
    pub file: Option<std::path::PathBuf>,
    /// nushell's hook: read its state and what it found as JSON on stdin, print the new
    /// state and what to set as JSON.
    #[arg(long, conflicts_with = "file")]
    pub state: bool,
    /// The shell to write code for.
    #[arg(long, value_enum, default_value_t = ShellArg(Kind::Sh))]
    pub shell: ShellArg,
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
    #[arg(add = ArgValueCompleter::new(profile_names))]
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
    #[arg(long, short = 'p', add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The key: KEY, KEY.SUBKEY (s3.max_concurrent_requests), profile.NAME.KEY,
    /// default.KEY, sso-session.NAME.KEY or services.NAME.SERVICE.KEY.
    pub key: String,
    /// The value to set.
    #[arg(required_unless_present = "delete", allow_hyphen_values = true)]
    pub value: Option<String>,
    /// Delete the key (from both files) instead of setting it.
    #[arg(long, conflicts_with = "value")]
    pub delete: bool,
    /// The profile to change [default: the active profile].
    #[arg(long, short = 'p', add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// The profile to configure [default: the active profile].
    #[arg(long, short = 'p', add = ArgValueCompleter::new(profile_names))]
    pub profile: Option<String>,
    /// Put the keys in the OS keyring, not in the credentials file (see `keyring`).
    #[arg(long)]
    pub keyring: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The profile to remove.
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: String,
    /// Do not ask for confirmation (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The profile's current name.
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub old: String,
    /// The new name (must not exist yet).
    pub new: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file downloaded from the IAM console.
    #[arg(long, value_name = "FILE", required = true)]
    pub csv: std::path::PathBuf,
    /// The profile to create [default: the user name in the file, or in its name]; with
    /// several keys the first is NAME, the next NAME-2, NAME-3, ...
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
    /// Import only the N-th access key of the file (1 is the first row after the header).
    #[arg(long, value_name = "N")]
    pub row: Option<usize>,
    /// Replace the keys of a profile that already exists.
    #[arg(long)]
    pub force: bool,
    /// Put the keys in the OS keyring, not in the credentials file (see `keyring`).
    #[arg(long)]
    pub keyring: bool,
}

#[derive(Debug, Args)]
pub struct KeyringArgs {
    #[command(subcommand)]
    pub action: KeyringAction,
}

#[derive(Debug, Subcommand)]
pub enum KeyringAction {
    /// Move a profile's static keys from the files into the keyring.
    ///
    /// The keys are written to the keyring and read back before the files change; then
    /// only their two lines are removed and the credential_process line is added. Every
    /// other byte of both files stays as it was. A failure leaves both as they were.
    #[command(after_long_help = examples::KEYRING_MOVE)]
    Move(KeyringMoveArgs),
    /// List the profiles whose keys are in the keyring, and entries no profile uses.
    #[command(after_long_help = examples::KEYRING_LIST)]
    List(KeyringListArgs),
    /// Delete a profile's keys from the keyring and its credential_process line (asks
    /// first; --yes when not on a terminal).
    #[command(after_long_help = examples::KEYRING_REMOVE)]
    Remove(KeyringRemoveArgs),
    /// Print a profile's credentials from the keyring as credential_process JSON.
    ///
    /// This is what the profile's credential_process line runs. With mfa_serial it prints
    /// an MFA session (GetSessionToken, cached) made from the keys, never the keys.
    #[command(after_long_help = examples::KEYRING_CREDENTIALS)]
    Credentials(KeyringCredentialsArgs),
}

#[derive(Debug, Args)]
pub struct KeyringMoveArgs {
    /// The profile whose keys to move.
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: String,
    /// Replace other keys the keyring already holds for this profile.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct KeyringListArgs {
    /// Print a JSON array of {"profile", "access_key_id", "state"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeyringRemoveArgs {
    /// The profile whose keys to delete.
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: String,
    /// Do not ask for confirmation (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct KeyringCredentialsArgs {
    /// The profile (the keyring account).
    #[arg(add = ArgValueCompleter::new(profile_names))]
    pub profile: String,
    #[command(flatten)]
    pub creds: CredentialArgs,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print a JSON array of {"level", "check", "message"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SsoCommand {
    /// Write an [sso-session] section: the portal's start URL and region.
    ///
    /// On a terminal, what is not given is asked for, as `aws configure sso` does. Then
    /// `awsprof login --sso-session NAME` and `awsprof sso sync`. The same values again
    /// change nothing; other values are refused unless --force.
    #[command(after_long_help = examples::SSO)]
    Add(SsoAddArgs),
    /// Keep a profile for every account and role an [sso-session] can reach.
    ///
    /// Lists every account and role with the session's token (`awsprof login` first), then
    /// adds, renames or updates the generated profiles (one edited by hand is left alone).
    /// Nothing is written unless the whole listing succeeded. The options are remembered, so
    /// a plain `awsprof sso sync` repeats them. Details: docs/sso.md.
    #[command(after_long_help = examples::SSO_SYNC)]
    Sync(SsoSyncArgs),
}

#[derive(Debug, Args)]
pub struct SsoAddArgs {
    /// The session's name, as in [sso-session NAME].
    pub name: Option<String>,
    /// The AWS access portal URL, like https://my-org.awsapps.com/start.
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// The region of IAM Identity Center (sso_region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The registration scopes, comma-separated [default: sso:account:access].
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,
    /// Change a session that exists with other values.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SsoSyncArgs {
    /// The [sso-session] to sync [default: the only one in the config file].
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(sso_session_names))]
    pub sso_session: Option<String>,
    /// How profiles are named [default: the remembered one, else {account_name}/{role_name}].
    ///
    /// Placeholders: {account_name}, {account_id}, {account_email}, {role_name}, {session},
    /// {region}, each optionally with :lower ({account_name:lower}).
    #[arg(long = "name", value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// The region of the generated profiles [default: remembered, else the sso_region].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Remove generated profiles whose account or role is no longer listed (remembered).
    #[arg(long, conflicts_with = "no_prune")]
    pub prune: bool,
    /// Do not prune, and forget a remembered --prune.
    #[arg(long)]
    pub no_prune: bool,
    /// Print the diff of the config file on stdout; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print what was (or, with --dry-run, would be) done as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// The examples at the end of each command's `--help` (not `-h`, which stays a summary),
/// and in the man page. A test fails on a command without one.
mod examples {
    /// The examples, and the line that names the credential options `--help` leaves out.
    macro_rules! creds {
        ($examples:literal) => {
            concat!(
                $examples,
                "\n\nAlso --mfa-code CODE, --no-cache, --refresh, --process-timeout SECONDS (-h; docs/credentials.md)."
            )
        };
    }

    pub const TOP: &str = "\
Examples (new here: docs/getting-started.md walks through them):
  awsprof import --csv ~/Downloads/alice_accessKeys.csv   # an IAM user's access key
  eval \"$(awsprof init bash)\"                             # in ~/.bashrc: `use` switches the shell
  awsprof use alice && awsprof whoami";
    pub const LIST: &str = "\
Examples:
  awsprof list
  awsprof list --json | jq -r '.[] | select(.kind == \"sso\") | .name'";
    pub const SHOW: &str = "\
Examples:
  awsprof show prod
  awsprof show --json            # the active profile, as JSON";
    pub const CURRENT: &str = "\
Examples:
  awsprof current
  AWS_PROFILE=prod awsprof current   # prod";
    pub const GET: &str = "\
Examples:
  awsprof get region --profile prod
  awsprof get s3.max_concurrent_requests
  awsprof get sso-session.my-org.sso_start_url";
    pub const USE: &str = creds!(
        "\
Examples:
  awsprof use prod               # through the `init` function: switches this shell
  awsprof use -                  # back to the previous profile
  awsprof use                    # pick from a list
  awsprof use ci --credentials   # also export the keys, for tools that read no profile"
    );
    pub const UNSET: &str = "\
Examples:
  awsprof unset                  # through the `init` function
  eval \"$(command awsprof unset --shell bash)\"";
    pub const EXPORT: &str = creds!(
        "\
Examples:
  eval \"$(awsprof export prod)\"
  awsprof export prod --format json
  awsprof export ci --format dotenv > .env"
    );
    pub const ENV: &str = creds!(
        "\
Examples:
  awsprof env prod -- aws s3 ls
  awsprof env prod --server -- terraform apply   # renewed while it runs
  awsprof env prod                               # print KEY='VALUE' lines"
    );
    pub const INIT: &str = "\
Examples:
  eval \"$(awsprof init bash)\"      # in ~/.bashrc
  eval \"$(awsprof init zsh)\"       # in ~/.zshrc, after compinit
  awsprof init fish | source       # in ~/.config/fish/config.fish
  eval \"$(awsprof init bash --cmd ap)\"   # call it `ap`";
    pub const COMPLETIONS: &str = "\
Examples:
  awsprof completions bash > /usr/share/bash-completion/completions/awsprof
  awsprof completions zsh > /usr/share/zsh/site-functions/_awsprof
  awsprof completions fish > ~/.config/fish/completions/awsprof.fish";
    pub const ALLOW: &str = "\
Examples:
  echo prod > .aws-profile && awsprof allow
  awsprof allow ~/src/infra";
    pub const DENY: &str = "\
Examples:
  awsprof deny
  awsprof deny ~/src/someone-elses-repo";
    pub const SET: &str = "\
Examples:
  awsprof set region eu-west-1 --profile dev
  awsprof set s3.max_concurrent_requests 20
  awsprof set output --delete --profile dev";
    pub const CONFIGURE: &str = "\
Examples:
  awsprof configure --profile dev
  awsprof configure --profile dev --keyring   # the keys into the OS keyring
  printf '%s\\n' \"$KEY_ID\" \"$SECRET\" eu-west-1 json | awsprof configure --profile ci";
    pub const REMOVE: &str = "\
Examples:
  awsprof remove old-sandbox
  awsprof remove old-sandbox --yes   # in a script";
    pub const RENAME: &str = "\
Examples:
  awsprof rename default personal";
    pub const IMPORT: &str = "\
Examples:
  awsprof import --csv ~/Downloads/alice_accessKeys.csv   # profile `alice`
  awsprof import --csv keys.csv --profile ci
  awsprof import --csv keys.csv --profile ci --keyring --force";
    pub const DOCTOR: &str = "\
Examples:
  awsprof doctor
  awsprof doctor --json | jq -r '.[] | select(.level == \"error\") | .message'";
    pub const WHOAMI: &str = creds!(
        "\
Examples:
  awsprof whoami
  awsprof whoami prod --json | jq -r .Account"
    );
    pub const LOGIN: &str = "\
Examples:
  awsprof login prod-admin
  awsprof login --sso-session my-org --no-browser";
    pub const CONSOLE: &str = creds!(
        "\
Examples:
  awsprof console prod --service s3 --region eu-west-1
  awsprof console prod --url --duration 1h"
    );
    pub const SSO: &str = "\
Examples:
  awsprof sso add my-org --start-url https://my-org.awsapps.com/start --region eu-west-1
  awsprof login --sso-session my-org
  awsprof sso sync";
    pub const SSO_SYNC: &str = "\
Examples:
  awsprof sso sync --name '{account_name:lower}-{role_name:lower}' --dry-run
  awsprof sso sync --prune";
    pub const KEYRING: &str = "\
Examples:
  awsprof keyring move dev
  awsprof import --csv ~/Downloads/alice_accessKeys.csv --keyring
  awsprof keyring list";
    pub const KEYRING_MOVE: &str = "\
Examples:
  awsprof keyring move dev
  awsprof keyring move dev --force   # replace other keys the keyring holds for dev";
    pub const KEYRING_LIST: &str = "\
Examples:
  awsprof keyring list
  awsprof keyring list --json";
    pub const KEYRING_REMOVE: &str = "\
Examples:
  awsprof keyring remove dev
  awsprof keyring remove dev --yes";
    pub const KEYRING_CREDENTIALS: &str = creds!(
        "\
Examples:
  awsprof keyring credentials dev   # what the profile's credential_process line runs"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(Into::into).collect()
    }

    #[test]
    fn the_plain_forms_skip_clap_and_mean_what_clap_makes_of_them() {
        for args in [
            &["use", "dev"][..],
            &["use", "--shell", "bash", "dev"],
            &["use", "--shell", "zsh", "prod.eu-west-1"],
            &["use", "--shell", "fish", "a b"],
            &["use", "--shell", "nu", "x"],
            &["use", "--shell", "sh", "default"],
            &["export", "dev"],
            &["show", "dev"],
            &["show", "dév"],
        ] {
            let fast = Cli::plain(&os(args)).unwrap_or_else(|| panic!("{args:?}"));
            let clap = Cli::try_parse_from(std::iter::once("awsprof").chain(args.iter().copied()))
                .unwrap();
            assert_eq!(format!("{fast:?}"), format!("{clap:?}"), "{args:?}");
        }
        // Everything else is left to clap: its help, its errors, its other options.
        for args in [
            &["use"][..],
            &["use", "-"],
            &["use", ""],
            &["use", "-h"],
            &["use", "--help"],
            &["use", "--", "dev"],
            &["use", "dev", "extra"],
            &["use", "-q", "dev"],
            &["use", "dev", "--quiet"],
            &["use", "--shell", "tcsh", "dev"],
            &["use", "--shell", "Bash", "dev"],
            &["use", "--shell=bash", "dev"],
            &["use", "--shell", "bash", "--credentials", "dev"],
            &["use", "--credentials", "dev"],
            &["use", "--shell", "bash", "-"],
            &["export", "--format", "json", "dev"],
            &["export", "-f", "json", "dev"],
            &["export"],
            &["show", "--json", "dev"],
            &["show", "--reveal", "dev"],
            &["show"],
            &["-q", "use", "dev"],
            &["list"],
            &["get", "region"],
            &["init", "bash"],
        ] {
            assert!(Cli::plain(&os(args)).is_none(), "{args:?}");
        }
    }
}
