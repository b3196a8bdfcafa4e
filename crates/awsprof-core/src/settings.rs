//! Where the calls of a chain go and where its caches live, as the SDKs decide it from the
//! environment and the selected profile. Pure: the file-only program computes it, and
//! hands it to the SDK side on a cache miss.

use crate::chain::Profiles;
use crate::model::Section;
use std::path::PathBuf;

/// Where calls go and where caches live, as the SDKs decide it from the environment and
/// the selected profile.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// The region for STS: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`,
    /// else `us-east-1`.
    pub region: String,
    /// `sts_regional_endpoints = legacy`: the legacy global regions use the global
    /// endpoint.
    pub sts_legacy: bool,
    /// Endpoint URLs by service id (`STS`, `SSO`, `SSO_OIDC`, `SIGNIN`).
    pub endpoints: Vec<(String, String)>,
    /// The credential cache (`~/.aws/cli/cache`).
    pub cache_dir: PathBuf,
    /// The IAM Identity Center token cache (`~/.aws/sso/cache`).
    pub sso_cache_dir: PathBuf,
    /// AWS Sign-In's token cache (`AWS_LOGIN_CACHE_DIRECTORY`, else `~/.aws/login/cache`).
    #[serde(default)]
    pub login_cache_dir: PathBuf,
    /// Whether the home directory is known; without it there is no cache to use.
    pub home_known: bool,
}

/// Regions that `sts_regional_endpoints = legacy` sends to `sts.amazonaws.com`.
const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The service ids with the `[services]` key and env-var suffix the SDKs use. `SIGNIN` is
/// the Sign-In service, whose federation endpoint `console` calls.
const SERVICES: &[(&str, &str)] = &[
    ("STS", "sts"),
    ("SSO", "sso"),
    ("SSO_OIDC", "sso_oidc"),
    ("SIGNIN", "signin"),
];

impl Settings {
    /// Settings for the profile `selected` of `set`, reading the environment with `env`.
    pub fn new(
        set: &(impl Profiles + ?Sized),
        selected: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Settings {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        let profile = set.profile(selected);
        let get = |k: &str| {
            profile
                .as_deref()
                .and_then(|p| p.get(k))
                .map(str::to_string)
        };
        let region = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| get("region"))
            .unwrap_or_else(|| "us-east-1".to_string());
        let sts_legacy = env("AWS_STS_REGIONAL_ENDPOINTS")
            .or_else(|| get("sts_regional_endpoints"))
            .is_some_and(|v| v.eq_ignore_ascii_case("legacy"));
        let ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .or_else(|| get("ignore_configured_endpoint_urls"))
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut endpoints = Vec::new();
        if !ignore {
            let services = get("services").and_then(|name| set.services(&name));
            let services: Option<&Section> = services.as_deref();
            for (id, key) in SERVICES {
                let from_services = services.and_then(|s| s.property(key)).and_then(|p| {
                    p.sub_properties()
                        .into_iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("endpoint_url"))
                        .map(|(_, v)| v.to_string())
                });
                let url = env(&format!("AWS_ENDPOINT_URL_{id}"))
                    .or_else(|| env("AWS_ENDPOINT_URL"))
                    .or(from_services)
                    .or_else(|| get("endpoint_url"));
                if let Some(url) = url {
                    endpoints.push((id.to_string(), url));
                }
            }
        }
        let home =
            crate::store::home_dir(&env, crate::store::Platform::current()).map(PathBuf::from);
        let home_known = home.is_some();
        let home = home.unwrap_or_default();
        Settings {
            region,
            sts_legacy,
            endpoints,
            cache_dir: home.join(".aws").join("cli").join("cache"),
            sso_cache_dir: home.join(".aws").join("sso").join("cache"),
            login_cache_dir: env("AWS_LOGIN_CACHE_DIRECTORY")
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".aws").join("login").join("cache")),
            home_known,
        }
    }

    /// The endpoint URL configured for service `id`, if any.
    pub fn endpoint(&self, id: &str) -> Option<String> {
        self.endpoints
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, u)| u.clone())
    }

    /// The region STS is called in, and the endpoint to force, if any.
    pub fn sts_region_and_endpoint(&self) -> (String, Option<String>) {
        if let Some(url) = self.endpoint("STS") {
            return (self.region.clone(), Some(url));
        }
        if self.sts_legacy && LEGACY_GLOBAL_REGIONS.contains(&self.region.as_str()) {
            // The global endpoint signs as us-east-1.
            return (
                "us-east-1".to_string(),
                Some("https://sts.amazonaws.com".to_string()),
            );
        }
        (self.region.clone(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Filter, ProfileSet};

    fn settings(config: &str, env: &[(&str, &str)]) -> Settings {
        let set = ProfileSet::from_texts(Some(config), None, Filter::All).unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::new(&set, "p", &move |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    const CONFIG: &str = "[profile p]\nregion = eu-west-1\nendpoint_url = http://profile\nservices = s\n[services s]\nsts =\n  endpoint_url = http://services\n";

    #[test]
    fn endpoint_precedence_is_the_sdks() {
        let s = |env: &[(&str, &str)]| settings(CONFIG, env).endpoint("STS");
        assert_eq!(
            s(&[
                ("AWS_ENDPOINT_URL_STS", "http://sts"),
                ("AWS_ENDPOINT_URL", "http://all")
            ])
            .as_deref(),
            Some("http://sts")
        );
        assert_eq!(
            s(&[("AWS_ENDPOINT_URL", "http://all")]).as_deref(),
            Some("http://all")
        );
        assert_eq!(s(&[]).as_deref(), Some("http://services"));
        assert_eq!(
            settings(CONFIG, &[]).endpoint("SSO").as_deref(),
            Some("http://profile")
        );
        assert_eq!(s(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")]), None);
    }

    #[test]
    fn region_and_legacy_global_endpoint() {
        let plain = "[profile p]\nregion = eu-west-1\n";
        assert_eq!(
            settings(plain, &[]).sts_region_and_endpoint(),
            ("eu-west-1".into(), None)
        );
        assert_eq!(
            settings(plain, &[("AWS_REGION", "ap-south-1")])
                .sts_region_and_endpoint()
                .0,
            "ap-south-1"
        );
        let legacy = "[profile p]\nregion = eu-west-1\nsts_regional_endpoints = legacy\n";
        assert_eq!(
            settings(legacy, &[]).sts_region_and_endpoint(),
            ("us-east-1".into(), Some("https://sts.amazonaws.com".into()))
        );
        // Regions that were never served by the global endpoint stay regional.
        assert_eq!(
            settings(legacy, &[("AWS_REGION", "af-south-1")]).sts_region_and_endpoint(),
            ("af-south-1".into(), None)
        );
    }
}
