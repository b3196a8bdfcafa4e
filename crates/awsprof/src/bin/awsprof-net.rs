//! `awsprof-net`: the same program with the AWS SDK linked in. `awsprof` runs it for
//! temporary credentials, `whoami` and `login`; it can also be run directly.

fn main() -> std::process::ExitCode {
    awsprof::entry(&awsprof::net::Sdk)
}
