# shellcheck shell=bash
# awsprof for bash. Load it from ~/.bashrc with:  eval "$(awsprof init bash)"
#
# Defines the `awsprof` function: it evals the binary's output only for the commands that
# change this shell (use, unset) and runs every other command as it is; tab completion that
# reads profile names live from the files; and AWSPROF_PROMPT, kept up to date before each
# prompt without starting a process:  PS1='${AWSPROF_PROMPT:+[$AWSPROF_PROMPT] }'"$PS1"

awsprof() {
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
            __awsprof_code="$(command awsprof "$1" --shell bash "${@:2}")" || return
            eval "$__awsprof_code"
            __awsprof_prompt_update
            ;;
        *)
            command awsprof "$@"
            ;;
    esac
}

# Seconds since the epoch of an RFC 3339 UTC time (2026-11-26T12:00:00Z, fractions and
# +00:00 allowed) in __awsprof_epoch; returns 1 for anything else. Arithmetic only.
__awsprof_parse_time() {
    local t="$1"
    [[ "$t" == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][Tt][0-9][0-9]:[0-9][0-9]:[0-9][0-9]* ]] || return 1
    case "${t:19}" in
        [Zz] | +00:00 | .*[Zz] | .*+00:00) ;;
        *) return 1 ;;
    esac
    local y=$((10#${t:0:4})) m=$((10#${t:5:2})) d=$((10#${t:8:2}))
    ((m <= 2)) && y=$((y - 1))
    local era=$((y / 400)) yoe=$((y % 400)) doy=$(((153 * ((m + 9) % 12) + 2) / 5 + d - 1))
    local days=$((era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468))
    __awsprof_epoch=$((days * 86400 + 10#${t:11:2} * 3600 + 10#${t:14:2} * 60 + 10#${t:17:2}))
}

# Sets AWSPROF_PROMPT to "PROFILE REGION TIME-LEFT" (each part only when known), or to
# nothing when no AWS identity is set. Keeps $? for the prompt commands that follow.
__awsprof_prompt_update() {
    local status=$?
    AWSPROF_PROMPT=""
    local who="${AWS_PROFILE:-${AWS_DEFAULT_PROFILE-}}"
    if [[ -z "$who" && -n "${AWS_ACCESS_KEY_ID-}" ]]; then
        who="(keys)"
    fi
    if [[ -n "$who" ]]; then
        AWSPROF_PROMPT="$who"
        local region="${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
        [[ -n "$region" ]] && AWSPROF_PROMPT+=" $region"
        local __awsprof_epoch now
        if __awsprof_parse_time "${AWS_CREDENTIAL_EXPIRATION-}"; then
            printf -v now '%(%s)T' -1
            local left=$((__awsprof_epoch - now))
            if ((left <= 0)); then
                AWSPROF_PROMPT+=" expired"
            elif ((left < 3600)); then
                AWSPROF_PROMPT+=" $((left / 60))m"
            else
                AWSPROF_PROMPT+=" $((left / 3600))h$((left % 3600 / 60))m"
            fi
        fi
    fi
    return "$status"
}

if [[ ";${PROMPT_COMMAND-};" != *";__awsprof_prompt_update;"* ]]; then
    PROMPT_COMMAND="__awsprof_prompt_update;${PROMPT_COMMAND-}"
fi
__awsprof_prompt_update

# Completion through the binary (clap's dynamic completion): profile names are read from
# the files each time, so a profile added a second ago completes.
_awsprof_complete() {
    local words=("${COMP_WORDS[@]}") cword=$COMP_CWORD prefix=""
    words[cword]="$2"
    # bash splits `team:dev` into `team` `:` `dev` (COMP_WORDBREAKS). Give the binary the
    # word as typed, then strip what bash will not replace from the answers.
    local line="${COMP_LINE:0:COMP_POINT}"
    local cur="${line##*[[:space:]]}" joined="$2" i=$COMP_CWORD
    while [[ "$joined" != "$cur" && $i -gt 0 && ${#joined} -lt ${#cur} ]]; do
        i=$((i - 1))
        joined="${COMP_WORDS[i]}$joined"
    done
    if [[ "$joined" == "$cur" && $i -lt $COMP_CWORD ]]; then
        words=("${COMP_WORDS[@]:0:i}" "$cur")
        cword=$i
        prefix="${cur:0:${#cur}-${#2}}"
    fi
    mapfile -t COMPREPLY < <(
        _CLAP_IFS=$'\n' _CLAP_COMPLETE_INDEX="$cword" \
            _CLAP_COMPLETE_COMP_TYPE="${COMP_TYPE-9}" \
            COMPLETE=bash command awsprof -- "${words[@]}" 2>/dev/null
    )
    if [[ -n "$prefix" ]]; then
        COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
    fi
}
complete -o bashdefault -F _awsprof_complete awsprof
