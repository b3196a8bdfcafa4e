//! `awsprof hook --state`, nushell's directory hook and renewal, run as a program: the JSON
//! its integration writes on stdin, the shell's variables in the environment, and the new
//! state and plan it prints. nushell itself drives it in shell_dir.rs and shell_renew.rs;
//! these are the cases a terminal cannot reach quickly (bad input, an unreadable expiry) and
//! the exact state it keeps.

use crate::support;
use crate::support::AwsHome;
use serde_json::{json, Value};
use std::process::Output;

fn home() -> AwsHome {
    let home = AwsHome::with("[profile dev]\nregion = eu-west-1\n[profile prod]\n", "");
    std::fs::create_dir_all(home.path().join("proj")).unwrap();
    std::fs::write(home.path().join("proj/.aws-profile"), "dev\n").unwrap();
    home
}

/// `hook --state` with `input` on stdin and `env` set.
fn step(home: &AwsHome, input: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = home.cmd();
    cmd.env_remove("XDG_STATE_HOME")
        .args(["hook", "--state"])
        .envs(env.iter().copied());
    support::output_with_stdin(&mut cmd, input)
}

/// The printed `{state, plan}`, from a run that succeeded.
fn answer(out: &Output) -> (Value, Value) {
    let v: Value = serde_json::from_str(&support::stdout_ok(out)).expect("JSON on stdout");
    (v["state"].clone(), v["plan"].clone())
}

fn fresh() -> Value {
    json!({"file": "", "seen": "", "applied": "", "saved": {}, "renew": "", "tried": ""})
}

#[test]
fn hook_state_refuses_input_that_is_not_the_integrations_state() {
    let home = home();
    for input in ["", "garbage", "[1, 2]", r#"{"state": {"file": 1}}"#] {
        let out = step(&home, input, &[]);
        support::fails_clearly(&out, &["stdin"]);
    }
    let out = home.run(&["hook", "--state", "proj/.aws-profile"]);
    assert_eq!(out.status.code(), Some(2), "{}", support::stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn hook_state_enters_an_allowed_file_saves_the_shell_and_puts_it_back_on_leaving() {
    let home = home();
    let file = home.path().join("proj/.aws-profile").display().to_string();
    let seen = format!("{file}\ndev\n");
    let before = [("AWS_PROFILE", "base"), ("AWS_REGION", "us-east-1")];
    let input = |state: &Value, found: &str| {
        json!({"state": state, "found": found, "seen": if found.is_empty() { "" } else { &seen }, "again": false, "renew": true})
            .to_string()
    };

    // Not allowed yet: said once, nothing set, the file remembered as handled.
    let out = step(&home, &input(&fresh(), &file), &before);
    let (state, plan) = answer(&out);
    assert_eq!(plan, json!({}));
    assert_eq!(state["seen"], seen.as_str());
    assert_eq!(state["file"], "");
    let err = support::stderr(&out);
    assert!(
        err.contains("is not allowed yet") && err.lines().count() == 1,
        "{err}"
    );

    let proj = home.path().join("proj").display().to_string();
    support::assert_ok(&home.run(&["allow", &proj]), "allow");
    let out = step(&home, &input(&fresh(), &file), &before);
    let (state, plan) = answer(&out);
    let use_dev: Value = serde_json::from_str(&support::stdout_ok(
        &home
            .cmd()
            .envs(before)
            .args(["use", "dev", "--shell", "nu"])
            .output()
            .unwrap(),
    ))
    .unwrap();
    assert_eq!(plan, use_dev, "entering applies what `use dev` would");
    assert_eq!(state["file"], file.as_str());
    assert_eq!(state["applied"], "dev");
    assert_eq!(state["saved"]["AWS_PROFILE"], "base");
    assert_eq!(state["saved"]["AWS_REGION"], "us-east-1");
    assert_eq!(state["saved"]["AWS_ACCESS_KEY_ID"], Value::Null);
    assert_eq!(state["saved"].as_object().unwrap().len(), 11, "{state}");
    assert!(out.stderr.is_empty(), "{}", support::stderr(&out));

    // Leaving with the file's profile on: the saved variables come back, nulls included.
    let (left, plan) = answer(&step(&home, &input(&state, ""), &[("AWS_PROFILE", "dev")]));
    assert_eq!(plan, state["saved"]);
    assert_eq!(left, fresh(), "nothing of the file is kept");
    // Leaving after a switch by hand: nothing is put back.
    let (left, plan) = answer(&step(&home, &input(&state, ""), &[("AWS_PROFILE", "prod")]));
    assert_eq!(plan, json!({}));
    assert_eq!(left, fresh());
    // The same file and text again: nothing to do, no process would have been started, and
    // none of it changes when one is.
    let (same, plan) = answer(&step(
        &home,
        &input(&state, &file),
        &[("AWS_PROFILE", "dev")],
    ));
    assert_eq!((same, plan), (state.clone(), json!({})));
    // `again` (after allow/deny): left and entered anew.
    let again = json!({"state": state, "found": file, "seen": seen, "again": true, "renew": false});
    let (state2, plan) = answer(&step(&home, &again.to_string(), &[("AWS_PROFILE", "dev")]));
    assert_eq!(plan["AWS_PROFILE"], "dev");
    assert_eq!(
        state2["saved"], state["saved"],
        "what the shell had before stays saved"
    );
}

#[test]
fn hook_state_renews_only_its_own_credentials_and_tries_an_unreadable_expiry_once() {
    let home = home();
    let run = |profile: &str, expiry: &str| {
        let mut state = fresh();
        state["renew"] = json!("dev");
        let input = json!({"state": state, "found": "", "seen": "", "again": false, "renew": true});
        answer(&step(
            &home,
            &input.to_string(),
            &[
                ("AWS_PROFILE", profile),
                ("AWS_CREDENTIAL_EXPIRATION", expiry),
            ],
        ))
    };
    // Far from expiry, or another profile: nothing.
    let (state, plan) = run("dev", "2999-01-01T00:00:00Z");
    assert_eq!((state["tried"].clone(), plan), (json!(""), json!({})));
    let (state, plan) = run("prod", "2000-01-01T00:00:00Z");
    assert_eq!((state["tried"].clone(), plan), (json!(""), json!({})));
    // Not a time: never renewed, and marked so that nushell does not ask again.
    let (state, plan) = run("dev", "next tuesday");
    assert_eq!(
        (state["tried"].clone(), plan),
        (json!("next tuesday"), json!({}))
    );
}
