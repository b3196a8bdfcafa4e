//! `credential_source = Ec2InstanceMetadata | EcsContainer`: the SDK's own providers.
//! (`Environment` needs no SDK: awsprof reads it.)

use crate::runtime::io_runtime;
use crate::{explain, Error, Net};
use awsprof_core::chain::CredentialSource;
use awsprof_core::creds::Credentials;

/// Credentials from a `credential_source`: the instance profile (IMDS) or the container
/// endpoint, through aws-config's own providers.
pub fn named(
    net: &mut Net<'_>,
    profile: &str,
    source: CredentialSource,
) -> Result<Credentials, Error> {
    let fail = |message: String| Error::Source {
        profile: profile.to_string(),
        source_name: source.as_str(),
        message,
    };
    match source {
        // awsprof reads the environment itself; only a job that came without it
        // lands here.
        CredentialSource::Environment => Err(fail(
            "the environment's keys are read by awsprof, not awsprof-net".into(),
        )),
        CredentialSource::Ec2InstanceMetadata | CredentialSource::EcsContainer => {
            use aws_credential_types::provider::ProvideCredentials;
            let what = format!("{} credentials", source.as_str());
            let result = net
                .run(&what, async {
                    match source {
                        CredentialSource::EcsContainer => {
                            aws_config::ecs::EcsCredentialsProvider::builder()
                                .build()
                                .provide_credentials()
                                .await
                        }
                        _ => {
                            aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                                .build()
                                .provide_credentials()
                                .await
                        }
                    }
                })
                .map_err(io_runtime)?;
            let c = result.map_err(|e| fail(explain(&e)))?;
            Ok(crate::from_provider(&c))
        }
    }
}
