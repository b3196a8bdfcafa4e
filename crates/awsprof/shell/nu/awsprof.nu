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

# Applies `plan`: each variable to its value, removed where the value is null. Each entry
# point (the command, the hooks) works out one plan without changing anything and calls
# this once, last: nushell shows a caller's value of a variable again when an earlier call
# of the same command has set anything and a later one hides it.
def --env __awsprof_commit [plan: record] {
    let gone = ($plan | transpose key value | where value == null | get key)
    for key in $gone {
        hide-env -i $key
    }
    load-env ($plan | reject ...$gone)
}

# A variable as `plan` leaves it: its value there (null: removed), else what is set now.
def __awsprof_var [plan: record, key: string] {
    if $key in $plan {
        $plan | get $key
    } else if $key in $env {
        $env | get $key
    } else {
        null
    }
}

# The profile variables as `plan` leaves them, for a command that records the profile it
# leaves (empty is none to it).
def __awsprof_who [plan: record] {
    {
        AWS_PROFILE: ((__awsprof_var $plan AWS_PROFILE) | default "")
        AWS_DEFAULT_PROFILE: ((__awsprof_var $plan AWS_DEFAULT_PROFILE) | default "")
    }
}

# What `use` may change, as `plan` leaves it: a plan that puts it back.
def __awsprof_snapshot [plan: record] {
    $__awsprof_vars | reduce --fold {} {|key, acc| $acc | insert $key (__awsprof_var $plan $key) }
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
        # Temporary credentials from `use --credentials` renew themselves (see
        # __awsprof_renew); any other switch ends that.
        let creds = $sub == "use" and ("--credentials" in ($rest | take while {|a| $a != "--" }))
        let renew = if $creds and (__awsprof_var $plan AWS_CREDENTIAL_EXPIRATION) != null {
            (__awsprof_var $plan AWS_PROFILE) | default ""
        } else { "" }
        $env.__awsprof_state = ((__awsprof_state) | merge {renew: $renew})
        __awsprof_commit $plan
    } else if $sub in [allow deny] {
        ^awsprof ...$args
        # At once, in this shell: put back what the directory's file changed, then look
        # again as if entering.
        let left = (__awsprof_leave (__awsprof_state) {})
        let now = (__awsprof_dir ($left.state | merge {seen: ""}) $left.plan)
        $env.__awsprof_state = $now.state
        __awsprof_commit $now.plan
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

# Seconds left before `text` (an RFC 3339 time), or null when it is not a time.
def __awsprof_left [text: string] {
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
    let left = (__awsprof_left ($env.AWS_CREDENTIAL_EXPIRATION? | default ""))
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
# put back, unless the profile was switched by hand since. Returns {state, plan}.
def __awsprof_leave [st: record, plan: record] {
    if $st.file == "" { return {state: $st, plan: $plan} }
    let plan = if ((__awsprof_var $plan AWS_PROFILE) | default "") == $st.applied {
        $plan | merge $st.saved
    } else { $plan }
    {state: ($st | merge {file: "" seen: "" applied: "" saved: {}}), plan: $plan}
}

# The directory hook: looks for the nearest .aws-profile with nushell's own commands, so in
# a directory without one (and none above) no process starts. A file, or content, this
# shell has not handled yet goes to `awsprof hook`, which prints the plan of `use PROFILE`
# when the file is allowed as it is, and otherwise says why once. Returns {state, plan}.
def __awsprof_dir [st: record, plan: record] {
    let found = (__awsprof_dir_find)
    if $found == "" { return (__awsprof_leave $st $plan) }
    let text = (try { open --raw $found | into string } catch { "" })
    let seen = $"($found)\n($text)"
    if $seen == $st.seen { return {state: $st, plan: $plan} }
    let r = if $st.file != "" and $st.file != $found { __awsprof_leave $st $plan } else { {state: $st, plan: $plan} }
    let st = ($r.state | merge {seen: $seen})
    # Not allowed (said once, on stderr), denied or unknown: nothing changes.
    let dir_plan = (try {
        with-env (__awsprof_who $r.plan) { ^awsprof hook --shell nu $found | from json }
    } catch { null })
    if $dir_plan == null { return {state: $st, plan: $r.plan} }
    let saved = if $st.file == "" { __awsprof_snapshot $r.plan } else { $st.saved }
    let plan = ($r.plan | merge $dir_plan)
    {state: ($st | merge {file: $found applied: ((__awsprof_var $plan AWS_PROFILE) | default "") saved: $saved}), plan: $plan}
}

# Credentials exported by `use --credentials` are renewed once, a few minutes before they
# expire, by the same `use --credentials`: from the cache, or from the provider under the
# cache's lock, so that several shells make one call between them. Until then this is a
# comparison of times. Returns {state, plan}.
def __awsprof_renew [st: record, plan: record] {
    let same = {state: $st, plan: $plan}
    if $st.renew == "" or ((__awsprof_var $plan AWS_PROFILE) | default "") != $st.renew { return $same }
    let expiry = ((__awsprof_var $plan AWS_CREDENTIAL_EXPIRATION) | default "")
    let left = (__awsprof_left $expiry)
    if $left == null or $left > $__awsprof_renew_before or $expiry == $st.tried { return $same }
    # Once for these credentials, whatever comes of it.
    let st = ($st | merge {tried: $expiry})
    let renewed = (try {
        with-env (__awsprof_who $plan) { ^awsprof use --shell nu --credentials -- $st.renew | from json }
    } catch { {} })
    {state: $st, plan: ($plan | merge $renewed)}
}

# Before every prompt: the directory's profile, renewal, then the prompt text.
def --env __awsprof_precmd [] {
    let r = (__awsprof_dir (__awsprof_state) {})
    let r = (__awsprof_renew $r.state $r.plan)
    $env.__awsprof_state = $r.state
    __awsprof_commit $r.plan
    $env.AWSPROF_PROMPT = (awsprof_prompt --plain)
}

# On cd at once, not at the next prompt: `cd project; terraform plan` uses its profile.
def --env __awsprof_on_cd [] {
    let r = (__awsprof_dir (__awsprof_state) {})
    $env.__awsprof_state = $r.state
    __awsprof_commit $r.plan
}

$env.config = ($env.config | upsert hooks.pre_prompt (
    ($env.config.hooks.pre_prompt? | default []) | append {|| __awsprof_precmd }
))
$env.config = ($env.config | upsert hooks.env_change.PWD (
    ($env.config.hooks.env_change.PWD? | default []) | append {|before, after| __awsprof_on_cd }
))
