#!/usr/bin/env python3
"""Writes a realistic ~/.aws/config + ~/.aws/credentials pair with N profiles.

Deterministic from the seed: the same (seed, N) always gives byte-identical files, so a
benchmark table can be reproduced and two runs compared. The mix follows what large
organisations keep in their files:

- static keys (credentials file, region/output in config), some with an `s3 =` block;
- static keys with a session token (pasted temporary credentials);
- roles with `source_profile` (a third of them with `mfa_serial`);
- IAM Identity Center profiles with `sso_session`, and their `[sso-session]` sections;
- region-only profiles; comments and blank lines throughout.

Also writes manifest.json naming the profiles the benchmark acts on: a static profile in
the middle, and the first plain role (no MFA, no duration) after it.

Usage: gen.py --profiles N [--seed S] --out DIR
"""

import argparse
import json
import os
import random
import string

REGIONS = [
    "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
    "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1",
]
TEAMS = [
    "payments", "search", "platform", "data", "identity", "mobile", "billing",
    "ml", "infra", "security", "growth", "edge",
]
ENVS = ["dev", "test", "stage", "prod", "sandbox"]
ROLES = ["admin", "readonly", "deploy", "poweruser", "audit"]
UPPER_DIGITS = string.ascii_uppercase + "234567"
SECRET_CHARS = string.ascii_letters + string.digits + "+/"


def key_id(rng, prefix="AKIA"):
    return prefix + "".join(rng.choice(UPPER_DIGITS) for _ in range(16))


def secret(rng, n=40):
    return "".join(rng.choice(SECRET_CHARS) for _ in range(n))


def account(rng):
    return "".join(rng.choice(string.digits) for _ in range(12))


def generate(n, seed):
    """Returns (config text, credentials text, manifest dict)."""
    rng = random.Random(seed)
    config = ["# AWS CLI configuration, generated for the awsprof benchmark\n",
              "[default]\nregion = us-east-1\noutput = json\n\n"]
    creds = ["# Credentials, generated for the awsprof benchmark\n",
             "[default]\n",
             f"aws_access_key_id = {key_id(rng)}\n",
             f"aws_secret_access_key = {secret(rng)}\n\n"]
    sessions = max(1, n // 25)
    for s in range(sessions):
        config.append(
            f"[sso-session corp-{s}]\n"
            f"sso_start_url = https://corp-{s}.awsapps.com/start\n"
            f"sso_region = {rng.choice(REGIONS)}\n"
            "sso_registration_scopes = sso:account:access\n\n"
        )
    statics = []
    manifest = {"profiles": n, "seed": seed}
    # The benchmark acts on a static profile in the middle of the file: neither the
    # first section (an early exit would look fast) nor the last.
    target_index = n // 2
    for i in range(n):
        name = f"{rng.choice(TEAMS)}-{rng.choice(ENVS)}-{i:06d}"
        region = rng.choice(REGIONS)
        if i % 10 == 0:
            config.append(f"# --- {name.split('-')[0]} accounts ---\n")
        roll = rng.random()
        if i == target_index or i == 0:
            kind = "static"
        elif roll < 0.35:
            kind = "static"
        elif roll < 0.45:
            kind = "static-session"
        elif roll < 0.75 and statics:
            kind = "role"
        elif roll < 0.95:
            kind = "sso"
        else:
            kind = "other"
        section = [f"[profile {name}]\n", f"region = {region}\n"]
        if kind in ("static", "static-session"):
            section.append("output = json\n")
            creds.append(f"[{name}]\n")
            creds.append(f"aws_access_key_id = {key_id(rng, 'AKIA' if kind == 'static' else 'ASIA')}\n")
            creds.append(f"aws_secret_access_key = {secret(rng)}\n")
            if kind == "static-session":
                creds.append(f"aws_session_token = {secret(rng, 356)}\n")
            creds.append("\n")
            statics.append(name)
        elif kind == "role":
            acct = account(rng)
            arn = f"arn:aws:iam::{acct}:role/{rng.choice(ROLES)}"
            section.append(f"role_arn = {arn}\n")
            section.append(f"source_profile = {rng.choice(statics)}\n")
            mfa = rng.random() < 1 / 3
            if mfa:
                section.append(f"mfa_serial = arn:aws:iam::{account(rng)}:mfa/user-{i}\n")
            duration = rng.random() < 0.2
            if duration:
                section.append("duration_seconds = 3600\n")
            # The role the benchmark exports from a warm cache: the first plain one after
            # the middle (recorded only: the files are the same as without it).
            if i > target_index and not mfa and not duration and "role" not in manifest:
                manifest["role"] = name
                manifest["role_arn"] = arn
                manifest["role_region"] = region
        elif kind == "sso":
            section.append(f"sso_session = corp-{rng.randrange(sessions)}\n")
            section.append(f"sso_account_id = {account(rng)}\n")
            section.append(f"sso_role_name = {rng.choice(ROLES).capitalize()}Access\n")
        if kind == "other" or rng.random() < 0.05:
            section.append("s3 =\n  max_concurrent_requests = 20\n  multipart_threshold = 64MB\n")
        section.append("\n")
        config.extend(section)
        if i == target_index:
            manifest["static"] = name
            manifest["static_region"] = region
    return "".join(config), "".join(creds), manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profiles", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.profiles < 1:
        ap.error("--profiles must be at least 1")
    config, creds, manifest = generate(args.profiles, args.seed)
    os.makedirs(args.out, exist_ok=True)
    for name, text in (("config", config), ("credentials", creds)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    manifest["config_bytes"] = len(config.encode())
    manifest["credentials_bytes"] = len(creds.encode())
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
