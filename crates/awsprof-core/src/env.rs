//! Which environment variables select and carry a profile.

/// The profile this environment selects: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`. Empty values count as unset.
pub fn selected_profile(env: &dyn Fn(&str) -> Option<String>) -> String {
    ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "default".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_profile_beats_default_profile() {
        let env = |k: &str| match k {
            "AWS_PROFILE" => Some("a".into()),
            "AWS_DEFAULT_PROFILE" => Some("b".into()),
            _ => None,
        };
        assert_eq!(selected_profile(&env), "a");
        let env = |k: &str| (k == "AWS_DEFAULT_PROFILE").then(|| "b".to_string());
        assert_eq!(selected_profile(&env), "b");
        assert_eq!(selected_profile(&|_| Some(String::new())), "default");
    }
}
