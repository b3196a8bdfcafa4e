//! The end-to-end tests: the real `awsprof` and `awsprof-net` binaries driven through real
//! shells (bash, zsh, fish, dash), terminals (tmux, a pty), a moto server, the AWS CLI and
//! boto3. One binary with one module per area; what they share is in [`support`].
//!
//! The binaries are the ones `cargo build --workspace --bins --locked` left in the target
//! directory; the tests refuse them when they are older than their sources. scripts/test
//! builds them, installs the shells and tools and makes the Python virtualenv, then runs
//! this. One area or one test, once scripts/test has run:
//! `cargo build --workspace --bins --locked && cargo test -p awsprof-tests -- shell_switch::`.
//!
//! A new area is a new module here; what two areas need goes into [`support`].

mod fake_portal;
mod support;

mod architecture;
mod bad_input;
mod bench_data;
#[cfg(unix)]
mod console;
mod credentials_flight;
mod credentials_login;
mod credentials_process;
mod credentials_recursion;
mod credentials_server;
mod credentials_sso;
mod credentials_sts;
mod differential_botocore;
mod dir_trust;
mod docs_in_sync;
mod docs_runnable;
mod doctor;
#[cfg(unix)]
mod edit_configure;
mod edit_golden;
mod edit_import;
#[cfg(unix)]
mod edit_profiles;
mod edit_safety;
mod first_run;
#[cfg(unix)]
mod hostile;
#[cfg(unix)]
mod keyring;
mod messages;
#[cfg(unix)]
mod not_a_file;
mod nu_hook;
mod packaging;
mod precedence;
#[cfg(unix)]
mod prompts;
#[cfg(unix)]
mod same_file;
mod shell_completion;
mod shell_consumers;
mod shell_dir;
mod shell_injection;
mod shell_lint;
mod shell_picker;
mod shell_renew;
mod shell_switch;
mod shell_terminal;
mod split;
mod sso_sync;
mod terminal_output;
