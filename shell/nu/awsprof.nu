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
# `use` prints a JSON object (`--shell nu`): each variable's new value, or null to remove
# it. It is parsed with `from json` and applied with load-env and hide-env, so no value is
# ever read as nushell code.
#
# The command's name is written as the word awsprof in double quotes, and only there:
# `awsprof init nu --cmd NAME` writes NAME there. `^awsprof` is always the binary.

# Every variable `use` may set or clear, and the way back of `use -`.
const __awsprof_vars = [
    AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION
    AWS_DEFAULT_PROFILE AWSPROF_PREVIOUS_PROFILE
]

# How long before the expiry of exported credentials they are renewed, in seconds: the
# refresh window of awsprof's credential cache, so the renewal fetches new ones.
const __awsprof_renew_before = 300

# The integration's state. A record, not a string: nushell passes only strings to the
# programs it starts, so none of this (the saved keys of a shell that entered a directory)
# reaches their environment.
def __awsprof_state [] {
    $env.__awsprof_state? | default {file: "" seen: "" applied: "" saved: {} renew: "" tried: ""}
}

# Sets each variable of `plan` to its value, removing those whose value is null.
def --env __awsprof_apply [plan: record] {
    let gone = ($plan | transpose key value | where value == null | get key)
    for key in $gone {
        hide-env -i $key
    }
    load-env ($plan | reject ...$gone)
}

# What `use` may change, as it is now: a plan that puts it back.
def __awsprof_snapshot [] {
    $__awsprof_vars | reduce --fold {} {|key, acc|
        $acc | insert $key (if $key in $env { $env | get $key } else { null })
    }
}

export def --env --wrapped "awsprof" [...args: string@__awsprof_complete] {
    let sub = if ($args | is-empty) { "" } else { $args | first }
    let rest = ($args | skip 1)
    if $sub in [use unset] {
        if ($rest | take while {|a| $a != "--" } | any {|a| $a in ["-h" "--help"] }) {
            ^awsprof ...$args
            return
        }
        # A failure (an unknown profile) stops here, as any failing program does, with
        # nothing changed.
        let plan = (^awsprof $sub --shell nu ...$rest | from json)
        __awsprof_apply $plan
        let creds = $sub == "use" and ("--credentials" in ($rest | take while {|a| $a != "--" }))
        let st = (__awsprof_state)
        let renew = if $creds and ("AWS_CREDENTIAL_EXPIRATION" in $env) { $env.AWS_PROFILE? | default "" } else { "" }
        $env.__awsprof_state = ($st | merge {renew: $renew})
    } else if $sub in [allow deny] {
        ^awsprof ...$args
        # At once, in this shell: put back what the directory's file changed, then look
        # again as if entering.
        __awsprof_dir_leave
        $env.__awsprof_state = ((__awsprof_state) | merge {seen: ""})
        __awsprof_dir_check
    } else {
        ^awsprof ...$args
    }
}

# Completion through the binary (clap's dynamic completion, in its fish dialect): profile
# names are read from the files each time.
def __awsprof_complete [context: string] {
    let words = ($context | str trim --left | split row --regex '\s+')
    let out = (try { with-env {COMPLETE: fish} { ^awsprof -- ...$words } } catch { "" })
    $out | lines | where $it != "" | each {|line|
        let parts = ($line | split row "\t")
        {value: ($parts | first), description: ($parts | skip 1 | str join "\t")}
    }
}

# Seconds left before AWS_CREDENTIAL_EXPIRATION, or null when it is not a time.
def __awsprof_left [] {
    let text = ($env.AWS_CREDENTIAL_EXPIRATION? | default "")
    if $text == "" { return null }
    let at = (try { $text | into datetime } catch { null })
    if $at == null { return null }
    (($at - (date now)) / 1sec) | math floor
}

# "PROFILE REGION TIME-LEFT" (each part only when known; `(keys)` when only keys are set),
# or "" without an AWS identity. Under five minutes the time is marked with `!`, and shown
# in red unless --plain, NO_COLOR or a dumb terminal.
export def awsprof_prompt [--plain] {
    mut who = ($env.AWS_PROFILE? | default "")
    if $who == "" { $who = ($env.AWS_DEFAULT_PROFILE? | default "") }
    if $who == "" and ($env.AWS_ACCESS_KEY_ID? | default "") != "" { $who = "(keys)" }
    if $who == "" { return "" }
    mut out = [$who]
    let region = ($env.AWS_REGION? | default ($env.AWS_DEFAULT_REGION? | default ""))
    if $region != "" { $out = ($out | append $region) }
    let left = (__awsprof_left)
    if $left != null {
        let urgent = $left < $__awsprof_renew_before
        let time = if $left <= 0 {
            "expired"
        } else if $left < 3600 {
            $"($left // 60)m"
        } else {
            $"($left // 3600)h($left mod 3600 // 60)m"
        }
        let time = if $urgent and $left > 0 { $"!($time)" } else { $time }
        let colour = not $plain and ($env.NO_COLOR? | default "") == "" and ($env.TERM? | default "") != "dumb"
        $out = ($out | append (if $urgent and $colour { $"(ansi red)($time)(ansi reset)" } else { $time }))
    }
    $out | str join " "
}

# The nearest .aws-profile (a regular file) in PWD or above, or "".
def __awsprof_dir_find [] {
    mut dir = $env.PWD
    loop {
        let file = ($dir | path join ".aws-profile")
        let kind = ($file | path type)
        if $kind == "file" or ($kind == "symlink" and ($file | path expand | path type) == "file") {
            return $file
        }
        let up = ($dir | path dirname)
        if $up == $dir { return "" }
        $dir = $up
    }
}

# Leaving the directory tree of the file that was applied: what the shell had before is
# put back, unless the profile was switched by hand since.
def --env __awsprof_dir_leave [] {
    let st = (__awsprof_state)
    if $st.file == "" { return }
    if ($env.AWS_PROFILE? | default "") == $st.applied {
        __awsprof_apply $st.saved
    }
    $env.__awsprof_state = ($st | merge {file: "" seen: "" applied: "" saved: {}})
}

# Runs before every prompt and on every change of directory. Starts no process unless a
# .aws-profile is found that this shell has not handled as it is now.
def --env __awsprof_dir_check [] {
    let found = (__awsprof_dir_find)
    let st = (__awsprof_state)
    if $found == "" {
        if $st.file != "" { __awsprof_dir_leave }
        return
    }
    let text = (try { open --raw $found | into string } catch { "" })
    let seen = $"($found)\n($text)"
    if $seen == $st.seen { return }
    if $st.file != "" and $st.file != $found { __awsprof_dir_leave }
    $env.__awsprof_state = ((__awsprof_state) | merge {seen: $seen})
    # Not allowed (said once, on stderr), denied or unknown: nothing changes.
    let plan = (try { ^awsprof hook --shell nu $found | from json } catch { null })
    if $plan == null { return }
    let st = (__awsprof_state)
    let saved = if $st.file == "" { __awsprof_snapshot } else { $st.saved }
    __awsprof_apply $plan
    $env.__awsprof_state = ($st | merge {file: $found applied: ($env.AWS_PROFILE? | default "") saved: $saved})
}

# Credentials exported by `use --credentials` are renewed once, a few minutes before they
# expire, by the same `use --credentials` (from the cache, or the provider under the
# cache's lock, so that several shells make one call between them).
def --env __awsprof_renew_check [] {
    let st = (__awsprof_state)
    if $st.renew == "" or ($env.AWS_PROFILE? | default "") != $st.renew { return }
    let left = (__awsprof_left)
    let expiry = ($env.AWS_CREDENTIAL_EXPIRATION? | default "")
    if $left == null or $left > $__awsprof_renew_before or $expiry == $st.tried { return }
    $env.__awsprof_state = ($st | merge {tried: $expiry})
    let plan = (try { ^awsprof use --shell nu --credentials -- $st.renew | from json } catch { null })
    if $plan != null { __awsprof_apply $plan }
}

def --env __awsprof_precmd [] {
    __awsprof_dir_check
    __awsprof_renew_check
    $env.AWSPROF_PROMPT = (awsprof_prompt --plain)
}

$env.config = ($env.config | upsert hooks.pre_prompt (
    ($env.config.hooks.pre_prompt? | default []) | append {|| __awsprof_precmd }
))
$env.config = ($env.config | upsert hooks.env_change.PWD (
    ($env.config.hooks.env_change.PWD? | default []) | append {|before, after| __awsprof_dir_check }
))
