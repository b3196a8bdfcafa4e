//! The network half, linked only into `awsprof-net`: temporary credentials, `whoami` and
//! `login` run in-process with the AWS SDK.

use crate::resolve::{Backend, ResolveOptions};
use anyhow::Result;
use awsprof_core::creds::Credentials;

/// Runs the network steps in this process.
pub struct Sdk;

impl Backend for Sdk {
    fn chain_credentials(
        &self,
        ctx: &crate::cmd::Ctx,
        name: &str,
        opts: &ResolveOptions,
    ) -> Result<Credentials> {
        crate::resolve::chain_credentials_in_process(ctx, name, opts)
    }

    fn whoami(&self, ctx: &crate::cmd::Ctx, args: &crate::cli::WhoamiArgs) -> Result<()> {
        crate::cmd::whoami::run(ctx, args)
    }

    fn login(&self, ctx: &crate::cmd::Ctx, args: &crate::cli::LoginArgs) -> Result<()> {
        crate::cmd::login::run(ctx, args)
    }
}
