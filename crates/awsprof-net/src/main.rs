//! `awsprof-net`: the network side. `awsprof` runs it with a job on a cache miss and
//! hands it `whoami` and `login`; run directly, it is the whole program with the SDK.

fn main() -> std::process::ExitCode {
    if std::env::args_os().nth(1).as_deref()
        == Some(std::ffi::OsStr::new(awsprof::backend::JOB_ARG))
    {
        return awsprof::report(&awsprof_net::NET_TERMINAL, awsprof_net::serve_job());
    }
    awsprof::entry(&awsprof_net::NET_TERMINAL, &awsprof_net::SDK)
}
