# shellcheck shell=bash
# The part of awsprof's shell integration that bash and zsh share. It lives beside the zsh
# plugin so that this directory is a complete oh-my-zsh plugin by itself; the bash script
# and the zsh plugin each include it (`awsprof init` prints it inline, once).
#
# Every builtin is called as `\builtin NAME` and the binary as `\builtin command awsprof`,
# so that no alias or function of the user's (`alias local=...`, `eval() {...}`) can change
# what these functions do.
#
# The function's name is written as the word awsprof in double quotes, and only there:
# sourced as it is, that is awsprof; `awsprof init bash|zsh --cmd NAME` writes NAME there.

# The variables `use` may set or clear, and the way back of `use -`: what entering a
# directory with a .aws-profile saves and leaving it puts back.
__awsprof_vars=(AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION
    AWS_DEFAULT_PROFILE AWSPROF_PREVIOUS_PROFILE)

# How long before the expiry of exported credentials they are renewed, in seconds: the
# refresh window of awsprof's credential cache, so that the renewal fetches new ones.
__awsprof_renew_before=300

# Evaluates the binary's output (shell code) with the aliases of the moment ignored: none
# of them (an `alias unset=...`) may change it.
__awsprof_eval() {
    if [[ -n "${ZSH_VERSION-}" ]]; then
        \builtin emulate -L zsh -o no_aliases
        \builtin eval "$1"
    elif \builtin shopt -q expand_aliases; then
        \builtin shopt -u expand_aliases
        \builtin eval "$1"
        \builtin shopt -s expand_aliases
    else
        \builtin eval "$1"
    fi
}

# use and unset change this shell, so their output (shell code) is evaluated, and only when
# the binary succeeded; -h/--help is passed through; allow and deny take effect in this
# shell at once; every other command runs as it is.
__awsprof_main() {
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh -o no_aliases
    case "${1-}" in
        use | unset)
            \builtin local __awsprof_arg __awsprof_code __awsprof_sh=bash __awsprof_creds=""
            [[ -z "${ZSH_VERSION-}" ]] || __awsprof_sh=zsh
            for __awsprof_arg in "$@"; do
                case "$__awsprof_arg" in
                    --) break ;;
                    --credentials) __awsprof_creds=1 ;;
                    -h | --help)
                        \builtin command awsprof "$@"
                        \builtin return
                        ;;
                esac
            done
            __awsprof_code="$(\builtin command awsprof "$1" --shell "$__awsprof_sh" "${@:2}")" || \builtin return
            __awsprof_eval "$__awsprof_code"
            # Temporary credentials from `use --credentials` renew themselves (see
            # __awsprof_renew); any other switch ends that.
            __awsprof_renew_profile=""
            if [[ "$1" == use && -n "$__awsprof_creds" && -n "${AWS_CREDENTIAL_EXPIRATION-}" ]]; then
                __awsprof_renew_profile="${AWS_PROFILE-}"
            fi
            __awsprof_prompt_update
            ;;
        allow | deny)
            \builtin command awsprof "$@" || \builtin return
            # Put back what the directory's file changed, then look again as on entering.
            __awsprof_dir_leave
            __awsprof_dir_seen=""
            __awsprof_dir_check
            __awsprof_prompt_update
            ;;
        *)
            \builtin command awsprof "$@"
            ;;
    esac
}

# bash takes a function's name only as a plain word, so the named function is defined
# through eval; an alias of the same name would otherwise win over it.
\builtin unalias "awsprof" 2>/dev/null || \builtin true
\builtin eval "awsprof"'() { __awsprof_main "$@"; }'

# Seconds since the epoch of an RFC 3339 UTC time (2026-11-26T12:00:00Z, fractions and
# +00:00 allowed) in __awsprof_epoch; returns 1 for anything else. Arithmetic only.
__awsprof_parse_time() {
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh
    \builtin local t="$1"
    [[ "$t" == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9]* ]] || \builtin return 1
    case "${t:19}" in
        ([Zz] | +00:00 | .*[Zz] | .*+00:00) ;;
        (*) \builtin return 1 ;;
    esac
    \builtin local y=$((10#${t:0:4})) m=$((10#${t:5:2})) d=$((10#${t:8:2}))
    ((m <= 2)) && y=$((y - 1))
    \builtin local era=$((y / 400)) yoe=$((y % 400))
    \builtin local doy=$(((153 * ((m + 9) % 12) + 2) / 5 + d - 1))
    \builtin local days=$((era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468))
    __awsprof_epoch=$((days * 86400 + 10#${t:11:2} * 3600 + 10#${t:14:2} * 60 + 10#${t:17:2}))
}

# The shell's own clock in __awsprof_now: EPOCHSECONDS (bash 5; zsh/datetime, loaded
# here at the first need rather than at start-up), else bash 4's printf; returns 1 when
# there is none.
__awsprof_clock() {
    if [[ -n "${ZSH_VERSION-}" && -z "${EPOCHSECONDS-}" ]]; then
        \builtin zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
    fi
    __awsprof_now="${EPOCHSECONDS-}"
    if [[ -z "$__awsprof_now" && -z "${ZSH_VERSION-}" ]]; then
        \builtin printf -v __awsprof_now '%(%s)T' -1
    fi
    [[ -n "$__awsprof_now" ]]
}

# The expiry of exported credentials in seconds since the epoch, in __awsprof_exp_at (empty
# when AWS_CREDENTIAL_EXPIRATION is not a time): parsed once, when the variable changes.
__awsprof_expiry() {
    [[ "${AWS_CREDENTIAL_EXPIRATION-}" != "${__awsprof_exp_text-}" ]] || \builtin return 0
    \builtin local __awsprof_epoch
    __awsprof_exp_text="${AWS_CREDENTIAL_EXPIRATION-}" __awsprof_exp_at=""
    if __awsprof_parse_time "$__awsprof_exp_text"; then
        __awsprof_exp_at="$__awsprof_epoch"
    fi
}

# The prompt's parts, each empty when unknown: __awsprof_who (the profile, or `(keys)`
# when only keys are set), __awsprof_where (the region) and __awsprof_left (the time left
# of temporary credentials: 42m, 1h5m, !4m under five minutes, expired), and
# __awsprof_urgent (1 under five minutes). Starts no process.
__awsprof_prompt_parts() {
    __awsprof_who="${AWS_PROFILE:-${AWS_DEFAULT_PROFILE-}}" __awsprof_where="" __awsprof_left="" __awsprof_urgent=""
    if [[ -z "$__awsprof_who" && -n "${AWS_ACCESS_KEY_ID-}" ]]; then
        __awsprof_who="(keys)"
    fi
    [[ -n "$__awsprof_who" ]] || \builtin return 0
    __awsprof_where="${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
    \builtin local __awsprof_now left
    __awsprof_expiry
    if [[ -n "${__awsprof_exp_at-}" ]] && __awsprof_clock; then
        left=$((__awsprof_exp_at - __awsprof_now))
        if ((left <= 0)); then
            __awsprof_left="expired" __awsprof_urgent=1
        elif ((left < __awsprof_renew_before)); then
            __awsprof_left="!$((left / 60))m" __awsprof_urgent=1
        elif ((left < 3600)); then
            __awsprof_left="$((left / 60))m"
        else
            __awsprof_left="$((left / 3600))h$((left % 3600 / 60))m"
        fi
    fi
}

# Sets AWSPROF_PROMPT to "PROFILE REGION TIME-LEFT" (each part only when known), or to
# nothing when no AWS identity is set. The time left is red when under five minutes,
# where colour is on (not NO_COLOR, not a dumb terminal) and the variable is this shell's
# own; exported for another program (starship), it is plain text. zsh: `%` is written
# `%%`, since prompt_subst expands the value again. Starts no process; keeps $? for the
# prompt code that runs after it.
__awsprof_prompt_update() {
    \builtin local __awsprof_rc=$?
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh
    __awsprof_prompt_parts
    \builtin local who="$__awsprof_who" where="$__awsprof_where" left="$__awsprof_left" own=1
    ! __awsprof_exported || own=""
    if [[ -n "$own" && -n "${ZSH_VERSION-}" ]]; then
        who="${who//\%/%%}" where="${where//\%/%%}"
    fi
    if [[ -n "$own" && -n "$__awsprof_urgent" && -z "${NO_COLOR-}" && "${TERM-}" != dumb ]]; then
        __awsprof_red "$left"
        # shellcheck disable=SC2154 # set by __awsprof_red (the bash script's or zsh plugin's)
        left="$__awsprof_out"
    fi
    # shellcheck disable=SC2034 # read by the user's prompt
    AWSPROF_PROMPT="$who${where:+ $where}${left:+ $left}"
    \builtin return "$__awsprof_rc"
}

# Saves what `use` may change (set or not) before a directory's profile is applied.
__awsprof_dir_save() {
    \builtin local v
    for v in "${__awsprof_vars[@]}"; do
        if [[ -v "$v" ]]; then
            \builtin eval "__awsprof_saved_$v=\"\${$v}\""
        else
            \builtin unset "__awsprof_saved_$v"
        fi
    done
}

# Leaving the directory tree of the .aws-profile that was applied puts back exactly what
# the shell had, set or not, unless the profile was switched by hand since.
__awsprof_dir_leave() {
    [[ -n "${__awsprof_dir_file-}" ]] || \builtin return 0
    \builtin local v restore=""
    [[ "${AWS_PROFILE-}" != "${__awsprof_dir_applied-}" ]] || restore=1
    for v in "${__awsprof_vars[@]}"; do
        if [[ -n "$restore" ]]; then
            if [[ -v "__awsprof_saved_$v" ]]; then
                \builtin eval "\builtin export $v=\"\${__awsprof_saved_$v}\""
            else
                \builtin unset "$v"
            fi
        fi
        \builtin unset "__awsprof_saved_$v"
    done
    __awsprof_dir_file="" __awsprof_dir_seen="" __awsprof_dir_applied=""
}

# The directory hook: the nearest .aws-profile in PWD or above is looked for with the
# shell's own tests, so in a directory without one (and none above) no process starts. A
# file, or content, this shell has not handled yet goes to `awsprof hook`, which prints
# the code of `use PROFILE` when the file is allowed as it is, and otherwise says why once.
__awsprof_dir_check() {
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh
    \builtin local d f="" text="" code sh=bash
    # Where the file could be, nearest first: worked out once per directory, since the
    # shell's pattern removal costs more than the tests.
    if [[ "$PWD" != "${__awsprof_dir_pwd-}" ]]; then
        __awsprof_dir_pwd="$PWD" __awsprof_dir_candidates=()
        d="$PWD"
        while :; do
            __awsprof_dir_candidates+=("$d/.aws-profile")
            [[ -n "$d" ]] || break
            d="${d%/*}"
        done
    fi
    for d in "${__awsprof_dir_candidates[@]}"; do
        if [[ -f "$d" ]]; then
            f="$d"
            break
        fi
    done
    if [[ -z "$f" ]]; then
        __awsprof_dir_leave
        \builtin return 0
    fi
    # The first 4 KiB, read by a builtin: enough to notice a change.
    if [[ -n "${ZSH_VERSION-}" ]]; then
        sh=zsh
        IFS= \builtin read -r -u 0 -k 4096 text 2>/dev/null <"$f" || \builtin true
    else
        IFS= \builtin read -r -d '' -N 4096 text 2>/dev/null <"$f" || \builtin true
    fi
    [[ "$f"$'\n'"$text" != "${__awsprof_dir_seen-}" ]] || \builtin return 0
    [[ -z "${__awsprof_dir_file-}" || "$__awsprof_dir_file" == "$f" ]] || __awsprof_dir_leave
    __awsprof_dir_seen="$f"$'\n'"$text"
    code="$(\builtin command awsprof hook --shell "$sh" -- "$f")" || \builtin return 0
    [[ -n "${__awsprof_dir_file-}" ]] || __awsprof_dir_save
    __awsprof_eval "$code"
    __awsprof_dir_file="$f" __awsprof_dir_applied="${AWS_PROFILE-}"
}

# Credentials exported by `use --credentials` keep their expiry (__awsprof_exp_at, in
# seconds since the epoch); once the shell's clock is within five minutes of it, they are
# renewed once by the same `use --credentials`: from the cache, or from the provider under
# the cache's lock, so that several shells make one call between them. Until then this is
# arithmetic on variables.
__awsprof_renew() {
    [[ -n "${__awsprof_renew_profile-}" && "${AWS_PROFILE-}" == "$__awsprof_renew_profile" ]] || \builtin return 0
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh
    \builtin local __awsprof_now code sh=bash
    __awsprof_expiry
    [[ -n "${__awsprof_exp_at-}" && "$__awsprof_exp_text" != "${__awsprof_renew_tried-}" ]] || \builtin return 0
    __awsprof_clock && ((__awsprof_now >= __awsprof_exp_at - __awsprof_renew_before)) || \builtin return 0
    # Once for these credentials, whatever comes of it.
    __awsprof_renew_tried="$__awsprof_exp_text"
    [[ -z "${ZSH_VERSION-}" ]] || sh=zsh
    code="$(\builtin command awsprof use --shell "$sh" --credentials -- "$__awsprof_renew_profile")" || \builtin return 0
    __awsprof_eval "$code"
}

# Before every prompt: the directory's profile, renewal, then the prompt text.
__awsprof_precmd() {
    \builtin local __awsprof_rc=$?
    __awsprof_dir_check
    __awsprof_renew
    __awsprof_prompt_update
    \builtin return "$__awsprof_rc"
}
