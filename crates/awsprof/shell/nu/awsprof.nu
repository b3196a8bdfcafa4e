# awsprof for nushell (0.101 or later). Set it up once, then start a new nu:
#   mkdir ($nu.default-config-dir | path join autoload)
#   awsprof init nu | save -f ($nu.default-config-dir | path join autoload awsprof.nu)
#
# Defines the `awsprof` command: it applies the binary's output only for the commands that
# change this shell (use, unset) and runs every other command as it is; completion of
# profile names read live from the files; `awsprof_prompt` for a prompt; a hook that switches
# to the profile of a trusted .aws-profile file on entering its directory and puts back what
# the shell had on leaving; and renewal of credentials from `use --credentials` shortly
# before they expire.
#
# nushell parses all of this at every start-up, at a cost for each expression, so it holds
# only what runs without starting a process: the checks before each prompt, the prompt
# text, and applying what the binary prints. What follows a found .aws-profile, leaving its
# directory, `allow`/`deny` and renewal start awsprof anyway, and `awsprof hook --state`
# works them out from this file's state (a record, passed on its stdin) and prints the new
# state with what to set.
#
# What the binary prints is a JSON object (`use --shell nu`): each variable's new value, or
# null to remove it. It is parsed with `from json` and applied with load-env and hide-env,
# so no value is ever read as nushell code.
#
# The command's name is written as the word awsprof in double quotes, and only there:
# `awsprof init nu --cmd NAME` writes NAME there. `^awsprof` is always the binary.

# The integration's state. A record, not a string: nushell passes only strings to the
# programs it starts, so none of it (the saved keys of a shell that entered a directory)
# reaches their environment.
$env.__awsprof_state = {file: "" seen: "" applied: "" saved: {} renew: "" tried: ""}

# Applies `plan`: each variable to its value, removed where the value is null. Each entry
# point (the command, the hooks) calls this once, last: nushell shows a caller's value of a
# variable again when an earlier call of the same command has set anything and a later one
# hides it.
def --env __awsprof_commit [plan: record] {
    let gone = ($plan | transpose key value | where value == null | get key)
    hide-env -i ...$gone
    load-env ($plan | reject ...$gone)
}

# use/unset: applied, and renewal follows credentials from `use --credentials` (any other
# switch ends it); `-h`/`--help` runs as it is. allow/deny: the directory is looked at again
# at once, in this shell. A failure (an unknown profile) stops here, as any failing program
# does, with nothing changed.
export def --env --wrapped "awsprof" [...args: string@__awsprof_complete] {
    let opts = ($args | skip 1 | take while {|a| $a != "--" })
    if $args.0? not-in [use unset] or "-h" in $opts or "--help" in $opts {
        ^awsprof ...$args
        if $args.0? in [allow deny] { __awsprof_look false true }
        return
    }
    let plan = (^awsprof $args.0 --shell nu ...($args | skip 1) | from json)
    $env.__awsprof_state.renew = if $args.0 == "use" and "--credentials" in $opts and $plan.AWS_CREDENTIAL_EXPIRATION? != null { $plan.AWS_PROFILE } else { "" }
    __awsprof_commit $plan
}

# Completion through the binary (clap's dynamic completion, in its fish dialect: a value and
# its description, tab-separated): profile names are read from the files each time.
def __awsprof_complete [context: string] {
    COMPLETE=fish ^awsprof -- ...($context | str trim --left | split row --regex '\s+') | complete | get stdout | lines | split column -n 2 "\t" value description | default "" description
}

# Seconds left before AWS_CREDENTIAL_EXPIRATION, or null when it is not set or not a time.
def __awsprof_left [] {
    try { ((($env.AWS_CREDENTIAL_EXPIRATION | into datetime) - (date now)) / 1sec) | math floor } catch { null }
}

# "PROFILE REGION TIME-LEFT" (each part only when known; `(keys)` when only keys are set),
# or "" without an AWS identity. Under five minutes the time is marked with `!`, and shown
# in red unless --plain, NO_COLOR or a dumb terminal.
export def awsprof_prompt [--plain] {
    let who = ([$env.AWS_PROFILE? $env.AWS_DEFAULT_PROFILE? (if $env.AWS_ACCESS_KEY_ID? not-in [null ""] { "(keys)" })] | compact --empty)
    if ($who | is-empty) { return "" }
    let left = (__awsprof_left)
    let time = if $left == null { "" } else if $left <= 0 { "expired" } else { $"(if $left < 300 { '!' })(if $left >= 3600 { $'($left // 3600)h' })($left mod 3600 // 60)m" }
    let red = $left != null and $left < 300 and not $plain and $env.NO_COLOR? in [null ""] and $env.TERM? != "dumb"
    [$who.0 ($env.AWS_REGION? | default $env.AWS_DEFAULT_REGION?) (if $red { $"\e[31m($time)\e[0m" } else { $time })] | compact --empty | str join " "
}

# The directory hook (and, with `renew`, renewal): looks for the nearest .aws-profile (a
# regular file, or a link to one) in PWD or above with nushell's own commands, so in a
# directory without one (and none above) no process starts. awsprof runs only for a file,
# or content, this shell has not handled yet, on leaving the directory of the file it
# applied, after `allow`/`deny` (`again`), or for credentials within five minutes of their
# expiry, not yet renewed.
def --env __awsprof_look [renew: bool, again = false] {
    let st = $env.__awsprof_state
    mut dir = $env.PWD
    mut found = ""
    loop {
        let file = ($dir | path join ".aws-profile")
        if ($file | path expand | path type) == "file" {
            $found = $file
            break
        }
        let up = ($dir | path dirname)
        if $up == $dir { break }
        $dir = $up
    }
    let seen = if $found != "" { $"($found)\n(try { open --raw $found | into string } catch { "" })" } else { "" }
    let due = $renew and $st.renew != "" and $env.AWS_PROFILE? == $st.renew and $env.AWS_CREDENTIAL_EXPIRATION? != $st.tried and ((__awsprof_left) | default 301) <= 300
    if $again or $due or (if $found == "" { $st.file != "" } else { $seen != $st.seen }) {
        let r = ({state: $st found: $found seen: $seen again: $again renew: $renew} | to json | ^awsprof hook --state | from json)
        $env.__awsprof_state = $r.state
        __awsprof_commit $r.plan
    }
}

# Before every prompt: the directory's profile, renewal, then the prompt text.
def --env __awsprof_precmd [] {
    __awsprof_look true
    $env.AWSPROF_PROMPT = (awsprof_prompt --plain)
}

# On cd at once, not at the next prompt: `cd project; terraform plan` uses its profile.
$env.config.hooks.pre_prompt = ($env.config.hooks.pre_prompt? | default [] | append {|| __awsprof_precmd })
$env.config.hooks.env_change.PWD = ($env.config.hooks.env_change.PWD? | default [] | append {|before, after| __awsprof_look false })
