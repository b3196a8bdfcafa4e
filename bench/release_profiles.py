#!/usr/bin/env python3
"""Measures release-profile variants of awsprof: binary size, start-up time, parse time.

Builds each variant into its own target directory under bench/out/profiles (a full build
each, several minutes on a small machine), then times them side by side with hyperfine:

- `awsprof --version`: start-up alone (clap, no file read);
- `awsprof list` on 10 profiles: what a prompt or completion pays on a normal machine;
- `awsprof show P` on 100,000 profiles: the parser's throughput.

Prints a markdown table and writes it into docs/benchmarks.md between the RELEASE-PROFILES
markers. Run bench/run.py once first (it generates the data).

  python3 bench/release_profiles.py [--no-write] [--reuse]
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- BEGIN RELEASE-PROFILES by bench/release_profiles.py: do not edit by hand -->"
END = "<!-- END RELEASE-PROFILES -->"

DEFAULTS = {"opt-level": "3", "lto": "false", "codegen-units": "16", "panic": '"unwind"',
            "strip": '"none"'}
VARIANTS = [
    ("cargo default", {}),
    ("default + strip", {"strip": '"symbols"'}),
    ("thin LTO, cgu 1, abort, strip", {"lto": '"thin"', "codegen-units": "1", "panic": '"abort"', "strip": '"symbols"'}),
    ("fat LTO, cgu 1, unwind, strip", {"lto": '"fat"', "codegen-units": "1", "strip": '"symbols"'}),
    ("fat LTO, cgu 1, abort, strip", {"lto": '"fat"', "codegen-units": "1", "panic": '"abort"', "strip": '"symbols"'}),
    ("opt-level s, fat LTO, cgu 1, abort, strip", {"opt-level": '"s"', "lto": '"fat"', "codegen-units": "1", "panic": '"abort"', "strip": '"symbols"'}),
]


def build(name, overrides, reuse):
    settings = dict(DEFAULTS, **overrides)
    slug = "".join(c if c.isalnum() else "-" for c in name).strip("-")
    target = OUT / "profiles" / slug
    cmd = ["cargo", "build", "--release", "--locked", "-p", "awsprof", "--target-dir", str(target)]
    for k, v in settings.items():
        cmd += ["--config", f"profile.release.{k}={v}"]
    binary = target / "release" / "awsprof"
    if reuse and binary.exists():
        return binary, settings
    print(f"release_profiles: building {name}", file=sys.stderr, flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    return target / "release" / "awsprof", settings


def time_all(label, binaries, args, env):
    cmds = []
    for name, binary in binaries:
        cmds += ["--command-name", name, shlex.join([str(binary), *args])]
    js = OUT / "json" / f"release-{label}.json"
    js.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "5", "--min-runs", "40",
                    "--export-json", str(js), *cmds], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    for r in json.loads(js.read_text())["results"]:
        t = sorted(x * 1000 for x in r["times"])
        q = statistics.quantiles(t, n=4)
        out[r["command"]] = (statistics.median(t), q[0], q[2])
    return out


def instructions(binary, args, env):
    """Instructions executed, counted by callgrind: exact, so unlike wall time on a
    shared machine it separates variants that differ by a few percent."""
    f = OUT / "cg" / "release-variant.callgrind"
    f.parent.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={f}",
                        str(binary), *args], env=env, text=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    for line in p.stderr.splitlines():
        if "Collected" in line:
            return int(line.split()[-1].replace(",", ""))
    raise RuntimeError(f"no instruction count from callgrind: {p.stderr[-300:]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="time the binaries built last time")
    args = ap.parse_args()
    small, mid, big = OUT / "data" / "10", OUT / "data" / "10000", OUT / "data" / "100000"
    if not all((d / "manifest.json").exists() for d in (small, mid, big)):
        sys.exit("release_profiles: run bench/run.py first (it generates bench/out/data)")
    built = [(name, *build(name, o, args.reuse)) for name, o in VARIANTS]
    binaries = [(name, b) for name, b, _ in built]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}

    def at(d):
        return dict(env, AWS_CONFIG_FILE=str(d / "config"), AWS_SHARED_CREDENTIALS_FILE=str(d / "credentials"))

    p = json.loads((big / "manifest.json").read_text())["static"]
    version = time_all("version", binaries, ["--version"], env)
    listing = time_all("list-10", binaries, ["list"], at(small))
    show = time_all("show-100000", binaries, ["show", p], at(big))
    p_mid = json.loads((mid / "manifest.json").read_text())["static"]
    counts = {}
    for name, binary in binaries:
        print(f"release_profiles: counting instructions of {name}", file=sys.stderr, flush=True)
        counts[name] = (instructions(binary, ["--version"], env),
                        instructions(binary, ["list"], at(small)),
                        instructions(binary, ["show", p_mid], at(mid)))

    def c(v):
        return f"{v[0]:.2f} [{v[1]:.2f}–{v[2]:.2f}]"

    lines = [
        "| variant | size | `--version` ms | `list`, 10 profiles, ms | `show P`, 100,000 profiles, ms "
        "| instructions: `--version` | `list`, 10 | `show P`, 10,000 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, binary, settings in built:
        size = binary.stat().st_size / 1024
        lines.append(f"| {name} | {size:,.0f} KiB | {c(version[name])} | {c(listing[name])} | {c(show[name])} "
                     f"| {counts[name][0]:,} | {counts[name][1]:,} | {counts[name][2]:,} |")
    lines.append("")
    lines.append("Times: median [p25–p75] of at least 40 runs each, hyperfine -N, variants side by side. "
                 "Instructions: valgrind --tool=callgrind, whole process including the dynamic loader. "
                 "Settings not named are cargo's defaults (opt-level 3, no LTO, 16 codegen units, "
                 "unwind, symbols kept).")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        text = DOC.read_text()
        if BEGIN not in text:
            sys.exit("release_profiles: docs/benchmarks.md has no RELEASE-PROFILES markers")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
