# What awsprof's fish integration runs at start-up (fisher runs this file; `awsprof init fish`
# prints it): before each prompt, and at once on cd, the profile of a trusted .aws-profile
# file on entering its directory (what the shell had comes back on leaving); the renewal of
# credentials from `use --credentials` shortly before they expire; and AWSPROF_PROMPT. In a
# directory without a .aws-profile none of this starts a process: builtins only. The
# `awsprof` function and its completion load on demand from functions/ and completions/.

# The variables `use` may set or clear, and the way back of `use -`: what entering a
# directory with a .aws-profile saves and leaving it puts back.
set -g __awsprof_vars AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID \
    AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION \
    AWS_SESSION_EXPIRATION AWS_DEFAULT_PROFILE AWSPROF_PREVIOUS_PROFILE

# How long before the expiry of exported credentials they are renewed, in seconds: the
# refresh window of awsprof's credential cache, so that the renewal fetches new ones.
set -g __awsprof_renew_before 300

# The shell's clock, in seconds since the epoch. fish has no clock builtin, but `path mtime`
# gives a file's time and `path mtime --relative` the seconds since then.
function __awsprof_now
    math (path mtime /) + (path mtime --relative /)
end

# Seconds since the epoch of an RFC 3339 UTC time (2026-11-26T12:00:00Z, fractions and
# +00:00 allowed); status 1 for anything else. Builtins only.
function __awsprof_epoch --argument-names t
    set -l p (string match -r -g '^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:[Zz]|\+00:00)$' -- "$t")
    or return 1
    set -l y (math $p[1])
    set -l m (math $p[2])
    set -l d (math $p[3])
    test $m -le 2; and set y (math $y - 1)
    set -l era (math "floor($y / 400)")
    set -l yoe (math "$y - $era * 400")
    set -l doy (math "floor((153 * (($m + 9) % 12) + 2) / 5) + $d - 1")
    set -l days (math "$era * 146097 + $yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + $doy - 719468")
    math "$days * 86400 + $p[4] * 3600 + $p[5] * 60 + $p[6]"
end

# The text of awsprof_prompt (functions/awsprof_prompt.fish).
function __awsprof_prompt_text
    set -l who "$AWS_PROFILE"
    test -n "$who"; or set who "$AWS_DEFAULT_PROFILE"
    if test -z "$who"; and test -n "$AWS_ACCESS_KEY_ID"
        set who '(keys)'
    end
    test -n "$who"; or return 0
    set -l out "$who"
    set -l region "$AWS_REGION"
    test -n "$region"; or set region "$AWS_DEFAULT_REGION"
    test -n "$region"; and set -a out "$region"
    # The expiry is parsed once, when it changes.
    if test "$AWS_CREDENTIAL_EXPIRATION" != "$__awsprof_exp_text"
        set -g __awsprof_exp_text "$AWS_CREDENTIAL_EXPIRATION"
        set -g __awsprof_exp_at (__awsprof_epoch "$AWS_CREDENTIAL_EXPIRATION")
    end
    if test -n "$__awsprof_exp_at"
        set -l left (math $__awsprof_exp_at - (path mtime /) - (path mtime --relative /))
        set -l time
        set -l urgent
        if test $left -le 0
            set time expired
            set urgent 1
        else if test $left -lt $__awsprof_renew_before
            set time '!'(math -s0 $left / 60)m
            set urgent 1
        else if test $left -lt 3600
            set time (math -s0 $left / 60)m
        else
            set time (math -s0 $left / 3600)h(math -s0 $left % 3600 / 60)m
        end
        if test -n "$urgent"; and not contains -- --plain $argv; and test -z "$NO_COLOR"; and test "$TERM" != dumb
            set time (set_color red)$time(set_color normal)
        end
        set -a out $time
    end
    # A quoted list is its elements joined by spaces.
    builtin printf '%s' "$out"
end

# Saves what `use` may change (set or not) before a directory's profile is applied.
function __awsprof_dir_save
    for v in $__awsprof_vars
        set -e __awsprof_saved_$v
        set -q $v; and set -g __awsprof_saved_$v "$$v"
    end
end

# Leaving the directory tree of the .aws-profile that was applied puts back exactly what
# the shell had, set or not, unless the profile was switched by hand since.
function __awsprof_dir_leave
    test -n "$__awsprof_dir_file"; or return 0
    set -l restore
    test "$AWS_PROFILE" = "$__awsprof_dir_applied"; and set restore 1
    for v in $__awsprof_vars
        set -l saved __awsprof_saved_$v
        if test -n "$restore"
            if set -q $saved
                set -gx $v "$$saved"
            else
                set -e $v
            end
        end
        set -e $saved
    end
    set -g __awsprof_dir_file ''
    set -g __awsprof_dir_seen ''
    set -g __awsprof_dir_applied ''
end

# The directory hook: the nearest .aws-profile in PWD or above is looked for with builtins,
# so in a directory without one (and none above) no process starts. A file, or content,
# this shell has not handled yet goes to `awsprof hook`, which prints the code of `use
# PROFILE` when the file is allowed as it is, and otherwise says why once.
function __awsprof_dir_check --on-variable PWD
    # Where the file could be, nearest first (worked out once per directory), then one
    # `path filter` for the regular files.
    if test "$PWD" != "$__awsprof_dir_pwd"
        set -g __awsprof_dir_pwd $PWD
        set -g __awsprof_dir_candidates /.aws-profile
        set -l d ''
        for part in (string split -n / -- $PWD)
            set d "$d/$part"
            set -p __awsprof_dir_candidates "$d/.aws-profile"
        end
    end
    set -l f (path filter -f -- $__awsprof_dir_candidates)[1]
    if test -z "$f"
        __awsprof_dir_leave
        return 0
    end
    # The first 4 KiB, read by a builtin: enough to notice a change.
    set -l text
    test -r "$f"; and read -z -n 4096 text <"$f"
    set -l seen "$f"\n"$text"
    test "$seen" != "$__awsprof_dir_seen"; or return 0
    if test -n "$__awsprof_dir_file"; and test "$__awsprof_dir_file" != "$f"
        __awsprof_dir_leave
    end
    set -g __awsprof_dir_seen "$seen"
    set -l code (command awsprof hook --shell fish -- "$f" | string collect)
    or return 0
    test -n "$__awsprof_dir_file"; or __awsprof_dir_save
    builtin printf '%s\n' "$code" | builtin source
    set -g __awsprof_dir_file "$f"
    set -g __awsprof_dir_applied "$AWS_PROFILE"
end

# Credentials exported by `use --credentials` keep their expiry (__awsprof_renew_at, in
# seconds since the epoch); once the clock passes it, a few minutes before they expire,
# they are renewed once by the same `use --credentials`: from the cache, or from the
# provider under the cache's lock, so that several shells make one call between them.
function __awsprof_renew
    test -n "$__awsprof_renew_profile"; and test "$AWS_PROFILE" = "$__awsprof_renew_profile"
    or return 0
    if test "$AWS_CREDENTIAL_EXPIRATION" != "$__awsprof_renew_expiry"
        set -g __awsprof_renew_expiry "$AWS_CREDENTIAL_EXPIRATION"
        set -g __awsprof_renew_at (__awsprof_epoch "$AWS_CREDENTIAL_EXPIRATION")
        and set -g __awsprof_renew_at (math $__awsprof_renew_at - $__awsprof_renew_before)
    end
    test -n "$__awsprof_renew_at"; and test "$__awsprof_renew_expiry" != "$__awsprof_renew_tried"
    or return 0
    test (math (path mtime /) + (path mtime --relative /)) -ge $__awsprof_renew_at; or return 0
    # Once for these credentials, whatever comes of it.
    set -g __awsprof_renew_tried "$__awsprof_renew_expiry"
    command awsprof use --shell fish --credentials -- "$__awsprof_renew_profile" | builtin source
end

function __awsprof_precmd --on-event fish_prompt
    __awsprof_dir_check
    __awsprof_renew
    set -g AWSPROF_PROMPT (__awsprof_prompt_text --plain)
end

# fisher's uninstall event: nothing of awsprof is left behind.
function _awsprof_uninstall --on-event awsprof_uninstall
    builtin functions --erase awsprof awsprof_prompt _awsprof_uninstall __awsprof_now \
        __awsprof_epoch __awsprof_prompt_text __awsprof_dir_save __awsprof_dir_leave __awsprof_dir_check \
        __awsprof_renew __awsprof_precmd
    builtin complete -c awsprof -e
end
