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

# use and unset change this shell, so their output (shell code) is evaluated, and only when
# the binary succeeded; -h/--help is passed through; every other command runs as it is.
__awsprof_main() {
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh -o no_aliases
    case "${1-}" in
        use | unset)
            \builtin local __awsprof_arg __awsprof_code __awsprof_sh=bash
            [[ -z "${ZSH_VERSION-}" ]] || __awsprof_sh=zsh
            for __awsprof_arg in "$@"; do
                case "$__awsprof_arg" in
                    --) break ;;
                    -h | --help)
                        \builtin command awsprof "$@"
                        \builtin return
                        ;;
                esac
            done
            __awsprof_code="$(\builtin command awsprof "$1" --shell "$__awsprof_sh" "${@:2}")" || \builtin return
            # Evaluated code is read with the aliases of the moment: none of them (an
            # `alias unset=...`) may change it. zsh: no_aliases above, for this function.
            if [[ -z "${ZSH_VERSION-}" ]] && \builtin shopt -q expand_aliases; then
                \builtin shopt -u expand_aliases
                \builtin eval "$__awsprof_code"
                \builtin shopt -s expand_aliases
            else
                \builtin eval "$__awsprof_code"
            fi
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

# Sets AWSPROF_PROMPT to "PROFILE REGION TIME-LEFT" (each part only when known), or to
# nothing when no AWS identity is set. Starts no process; keeps $? for the prompt code
# that runs after it.
__awsprof_prompt_update() {
    \builtin local __awsprof_rc=$?
    [[ -z "${ZSH_VERSION-}" ]] || \builtin emulate -L zsh
    AWSPROF_PROMPT=""
    \builtin local who="${AWS_PROFILE:-${AWS_DEFAULT_PROFILE-}}"
    if [[ -z "$who" && -n "${AWS_ACCESS_KEY_ID-}" ]]; then
        who="(keys)"
    fi
    if [[ -n "$who" ]]; then
        AWSPROF_PROMPT="$who"
        \builtin local region="${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
        [[ -n "$region" ]] && AWSPROF_PROMPT+=" $region"
        # The shell's own clock: EPOCHSECONDS (bash 5, zsh/datetime), else bash 4's printf.
        \builtin local __awsprof_epoch now="${EPOCHSECONDS-}" left
        if [[ -z "$now" && -z "${ZSH_VERSION-}" ]]; then
            \builtin printf -v now '%(%s)T' -1
        fi
        if [[ -n "$now" ]] && __awsprof_parse_time "${AWS_CREDENTIAL_EXPIRATION-}"; then
            left=$((__awsprof_epoch - now))
            if ((left <= 0)); then
                AWSPROF_PROMPT+=" expired"
            elif ((left < 3600)); then
                AWSPROF_PROMPT+=" $((left / 60))m"
            else
                AWSPROF_PROMPT+=" $((left / 3600))h$((left % 3600 / 60))m"
            fi
        fi
    fi
    \builtin return "$__awsprof_rc"
}
