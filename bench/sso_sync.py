#!/usr/bin/env python3
"""The `awsprof sso sync` benchmark: a whole organisation synced against the fake portal.

There is no offline IAM Identity Center portal, so this runs the end-to-end tests' fake
(tests/e2e/fake_portal.rs, built as the `fake-sso-portal` program) with an organisation of
2,000 accounts x 5 roles, and measures:

- the first sync into a config file with only the [sso-session] and a few profiles of the
  user's (10,000 profiles added), and a second sync with no change in the organisation
  (the whole listing again, the file left byte-identical): wall time and requests;
- on the file the sync wrote, `awsprof use P`, `awsprof list` and the completion of profile
  names, against the floor on the same file and beside the same rows on bench/gen.py's
  10,000-profile file, timed in the same rounds as bench/run times them.

  bench/sso_sync.py                 # the numbers, printed and written into docs/benchmarks.md
  bench/sso_sync.py --quick         # a smoke run
  bench/sso_sync.py --no-write      # print only
  bench/sso_sync.py --sync-only     # the syncs alone, printed

Everything it writes lives in bench/out/sso-sync (ignored by git).
"""

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py: the floor, hyperfine, the generated files)

ROOT = bench.ROOT
OUT = bench.OUT / "sso-sync"
BEGIN = "<!-- BEGIN SSO-SYNC by bench/sso_sync.py: do not edit by hand -->"
END = "<!-- END SSO-SYNC -->"
TOKEN = "bench-token"
SESSION = """\
# the user's own settings
[default]
region = us-east-1

[sso-session org]
sso_start_url = https://org.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile mine]
region = us-west-2
"""


def build():
    bench.log("building awsprof, awsprof-net and fake-sso-portal (cargo build --release --locked)")
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "awsprof", "-p", "awsprof-net",
                    "-p", "awsprof-tests", "--bin", "awsprof", "--bin", "awsprof-net",
                    "--bin", "fake-sso-portal"], cwd=ROOT, check=True)
    release = ROOT / "target" / "release"
    return release / "awsprof", release / "fake-sso-portal"


def start_portal(program, accounts, roles):
    p = subprocess.Popen([str(program), "--accounts", str(accounts), "--roles", str(roles),
                          "--token", TOKEN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline())
    return p, f"http://127.0.0.1:{port}"


def requests_so_far(url):
    with urllib.request.urlopen(f"{url}/__stats") as r:
        return json.loads(r.read())


def home_for(name):
    """A home with the [sso-session] config and a token cached as the AWS CLI v2 caches it."""
    home = OUT / name
    shutil.rmtree(home, ignore_errors=True)
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (home / ".aws" / "config").write_text(SESSION)
    (home / ".aws" / "credentials").write_text("")
    token = {"startUrl": "https://org.awsapps.com/start", "region": "eu-west-1",
             "accessToken": TOKEN, "expiresAt": "2099-01-01T00:00:00Z"}
    path = cache / f"{hashlib.sha1(b'org').hexdigest()}.json"
    path.write_text(json.dumps(token))
    path.chmod(0o600)
    return home


def env_for(home, url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSPROF_"))}
    env.update(HOME=str(home), AWS_ENDPOINT_URL_SSO=url,
               AWS_CONFIG_FILE=str(home / ".aws" / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"))
    return env


def timed_sync(awsprof, env, url, args=()):
    before = requests_so_far(url)
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run([str(awsprof), "sso", "sync", "--json", *args], env=env, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ms = (time.perf_counter() - start) * 1000
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)) * 1000
    if p.returncode != 0:
        sys.exit(f"sso sync failed: {p.stderr.strip()}")
    after = requests_so_far(url)
    by = {k: after["by_route"].get(k, 0) - before["by_route"].get(k, 0) for k in after["by_route"]}
    return ms, after["requests"] - before["requests"], by, json.loads(p.stdout), cpu


def med(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser(description="awsprof sso sync benchmark")
    ap.add_argument("--accounts", type=int, default=2_000)
    ap.add_argument("--roles", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="few runs: a smoke run, not a result")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--sync-only", action="store_true",
                    help="time the syncs only, not use/list/completion on the result (implies --no-write)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    machine = bench.machine()
    awsprof, portal_program = build()
    floor = bench.build_floor()
    portal, url = start_portal(portal_program, args.accounts, args.roles)
    runs = 1 if args.quick else 3
    try:
        first, again = [], []
        for i in range(runs):
            home = home_for(f"run-{i}")
            env = env_for(home, url)
            bench.log(f"first sync {i + 1}/{runs}: {args.accounts:,} accounts x {args.roles} roles")
            ms, n, by, report, cpu = timed_sync(awsprof, env, url)
            assert len(report["added"]) == args.accounts * args.roles, report
            first.append((ms, n, by, cpu))
            text = (home / ".aws" / "config").read_bytes()
            bench.log(f"second sync {i + 1}/{runs} (no change)")
            ms, n, by, report, cpu = timed_sync(awsprof, env, url)
            assert report["unchanged"] == args.accounts * args.roles and not report["written"], report
            assert (home / ".aws" / "config").read_bytes() == text, "the second sync changed the file"
            again.append((ms, n, by, cpu))
    finally:
        portal.stdin.close()
        portal.wait()

    if args.sync_only:
        for label, xs in (("first", first), ("second", again)):
            print(f"{label} sync: wall ms {[round(x[0]) for x in xs]}, CPU ms {[round(x[3]) for x in xs]}, "
                  f"requests {xs[0][1]}")
        return
    # The file the sync wrote, against the generated file of bench/run at 10,000 profiles.
    synced = OUT / "run-0"
    size = (synced / ".aws" / "config").stat().st_size
    names = subprocess.run([str(awsprof), "list"], env=env_for(synced, url), text=True,
                           stdout=subprocess.PIPE, check=True).stdout.split()
    p = names[len(names) // 2]
    gen = bench.generate([10_000], bench.SEED)[10_000]
    base = {k: v for k, v in os.environ.items() if k not in bench.SCRUB}
    comp = {"COMPLETE": "bash", "_CLAP_COMPLETE_INDEX": "2", "_CLAP_IFS": "\n"}
    files = {
        "synced": (dict(base, HOME=str(synced), AWS_CONFIG_FILE=str(synced / ".aws" / "config"),
                        AWS_SHARED_CREDENTIALS_FILE=str(synced / ".aws" / "credentials")), p, len(names)),
        "generated": (dict(base, AWS_CONFIG_FILE=str(gen["dir"] / "config"),
                           AWS_SHARED_CREDENTIALS_FILE=str(gen["dir"] / "credentials")),
                      gen["static"], 10_001),
    }
    rows = {}
    for which, (env, prof, count) in files.items():
        rows[which] = [
            bench.Row("floor", "floor: read both files", [floor], lambda out: None, group="floor"),
            bench.Row("use", "`awsprof use P`", [awsprof, "use", prof, "--shell", "bash"],
                      bench.contains("AWS_PROFILE", prof)),
            bench.Row("list", "`awsprof list`", [awsprof, "list"], bench.lines(count)),
            bench.Row("complete", "completion of profile names (bash)",
                      [awsprof, "--", "awsprof", "use", ""], bench.contains(prof), env=comp),
        ]
    stats, notes = {}, []
    for which, (env, _, count) in files.items():
        stats[which] = bench.time_rows(rows[which], count, env, args.quick, notes)
    load_end = os.getloadavg()[0]

    def cell(s):
        return f"{s['median']:.1f} [{s['p25']:.1f}–{s['p75']:.1f}]"

    f_ms = [x[0] for x in first]
    a_ms = [x[0] for x in again]
    lines = [
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine}; "
        f"{load_end:.1f} at the end; {runs} runs of each sync.",
        "",
        f"Organisation: {args.accounts:,} accounts × {args.roles} roles "
        f"({args.accounts * args.roles:,} profiles); the fake answers 100 items a page.",
        "",
        "| sync | wall time, ms: median [min–max] | CPU of awsprof, ms (user + system) | requests | ListAccounts | ListAccountRoles |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, xs in (("first sync (all profiles added)", first), ("second sync (no change, file untouched)", again)):
        ms = [x[0] for x in xs]
        cpu = [x[3] for x in xs]
        n, by = xs[0][1], xs[0][2]
        lines.append(f"| {label} | {med(ms):,.0f} [{min(ms):,.0f}–{max(ms):,.0f}] | "
                     f"{med(cpu):,.0f} [{min(cpu):,.0f}–{max(cpu):,.0f}] | {n:,} | "
                     f"{by.get('/assignment/accounts', 0):,} | {by.get('/assignment/roles', 0):,} |")
    lines += [
        "",
        f"On the synced file ({size / 1024:,.0f} KiB, {len(names):,} profiles) and on bench/gen.py's "
        "10,000-profile file, timed in the same run (ms, median [p25–p75]):",
        "",
        "| command | synced file | ratio to its floor | generated file | ratio to its floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows["synced"]:
        s, g = stats["synced"].get(row.key), stats["generated"].get(row.key)
        sf, gf = stats["synced"]["floor"], stats["generated"]["floor"]
        if not s or not g:
            continue
        lines.append(f"| {row.label} | {cell(s)} | {s['median'] / sf['median']:.2f}x | "
                     f"{cell(g)} | {g['median'] / gf['median']:.2f}x |")
    for n in notes:
        lines.append(f"\nNote: {n}")
    table = "\n".join(lines) + "\n"
    (OUT / "results.json").write_text(json.dumps(
        {"first_ms": f_ms, "again_ms": a_ms, "first_cpu_ms": [x[3] for x in first],
         "again_cpu_ms": [x[3] for x in again], "requests": [first[0][1], again[0][1]],
         "stats": stats}, indent=2, default=str))
    print(table)
    if not args.no_write:
        doc = bench.DOC.read_text()
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            doc = head + BEGIN + "\n" + table + END + rest.split(END, 1)[1]
        else:
            doc += f"\n## `awsprof sso sync` at 10,000 profiles\n\n{BEGIN}\n{table}{END}\n"
        bench.DOC.write_text(doc)
        bench.log("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
