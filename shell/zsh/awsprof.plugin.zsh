# awsprof for zsh. Load it from ~/.zshrc, after compinit, with:  eval "$(awsprof init zsh)"
# (or add `awsprof` to oh-my-zsh's plugins=(...): this file is that plugin).
#
# Defines the `awsprof` function: it evals the binary's output only for the commands that
# change this shell (use, unset) and runs every other command as it is; tab completion that
# reads profile names live from the files; and AWSPROF_PROMPT, kept up to date before each
# prompt without starting a process:
#   setopt prompt_subst; RPROMPT='${AWSPROF_PROMPT}'

awsprof() {
    emulate -L zsh
    case "${1-}" in
        use | unset)
            local __awsprof_arg
            for __awsprof_arg in "$@"; do
                case "$__awsprof_arg" in
                    --) break ;;
                    -h | --help)
                        command awsprof "$@"
                        return
                        ;;
                esac
            done
            local __awsprof_code
            __awsprof_code="$(command awsprof "$1" --shell zsh "${@:2}")" || return
            eval "$__awsprof_code"
            __awsprof_prompt_update
            ;;
        *)
            command awsprof "$@"
            ;;
    esac
}

zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null

# Seconds since the epoch of an RFC 3339 UTC time (2026-11-26T12:00:00Z, fractions and
# +00:00 allowed) in __awsprof_epoch; returns 1 for anything else. Arithmetic only.
__awsprof_parse_time() {
    emulate -L zsh
    local t="$1"
    [[ "$t" == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9]* ]] || return 1
    case "${t:19}" in
        ([Zz] | +00:00 | .*[Zz] | .*+00:00) ;;
        (*) return 1 ;;
    esac
    local -i y=$((10#${t:0:4})) m=$((10#${t:5:2})) d=$((10#${t:8:2}))
    ((m <= 2)) && y=$((y - 1))
    local -i era=$((y / 400)) yoe=$((y % 400)) doy=$(((153 * ((m + 9) % 12) + 2) / 5 + d - 1))
    local -i days=$((era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468))
    __awsprof_epoch=$((days * 86400 + 10#${t:11:2} * 3600 + 10#${t:14:2} * 60 + 10#${t:17:2}))
}

# Sets AWSPROF_PROMPT to "PROFILE REGION TIME-LEFT" (each part only when known), or to
# nothing when no AWS identity is set. Keeps $? for the hooks that follow.
__awsprof_prompt_update() {
    local -i last=$?
    emulate -L zsh
    AWSPROF_PROMPT=""
    local who="${AWS_PROFILE:-${AWS_DEFAULT_PROFILE-}}"
    if [[ -z "$who" && -n "${AWS_ACCESS_KEY_ID-}" ]]; then
        who="(keys)"
    fi
    if [[ -n "$who" ]]; then
        AWSPROF_PROMPT="$who"
        local region="${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
        [[ -n "$region" ]] && AWSPROF_PROMPT+=" $region"
        local -i __awsprof_epoch left
        if (( ${+EPOCHSECONDS} )) && __awsprof_parse_time "${AWS_CREDENTIAL_EXPIRATION-}"; then
            left=$((__awsprof_epoch - EPOCHSECONDS))
            if ((left <= 0)); then
                AWSPROF_PROMPT+=" expired"
            elif ((left < 3600)); then
                AWSPROF_PROMPT+=" $((left / 60))m"
            else
                AWSPROF_PROMPT+=" $((left / 3600))h$((left % 3600 / 60))m"
            fi
        fi
    fi
    return last
}

autoload -Uz add-zsh-hook
add-zsh-hook precmd __awsprof_prompt_update
__awsprof_prompt_update

# Completion through the binary (clap's dynamic completion): profile names are read from
# the files each time, so a profile added a second ago completes.
_awsprof_complete() {
    emulate -L zsh
    local -a candidates
    candidates=("${(@f)$(
        _CLAP_IFS=$'\n' _CLAP_COMPLETE_INDEX=$((CURRENT - 1)) \
            COMPLETE=zsh command awsprof -- "${words[@]}" 2>/dev/null
    )}")
    candidates=(${candidates:#})
    (( ${#candidates} )) && _describe -V values candidates
}
if (( ${+functions[compdef]} )); then
    compdef _awsprof_complete awsprof
fi
