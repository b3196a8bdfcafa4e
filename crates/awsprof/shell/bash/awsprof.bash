# shellcheck shell=bash
# awsprof for bash (4.2 or later). Load it from ~/.bashrc with:  eval "$(awsprof init bash)"
#
# Defines the `awsprof` function: it evals the binary's output only for the commands that
# change this shell (use, unset) and runs every other command as it is; tab completion that
# reads profile names live from the files; and, before each prompt, the profile of a trusted
# .aws-profile file (on entering its directory; what the shell had comes back on leaving),
# the renewal of credentials from `use --credentials` shortly before they expire, and
# AWSPROF_PROMPT:  PS1='${AWSPROF_PROMPT:+[$AWSPROF_PROMPT] }'"$PS1"
# In a directory without a .aws-profile none of this starts a process.

# The function and the prompt text, shared with zsh (`awsprof init bash` prints it here).
# shellcheck source=../zsh/awsprof-common.sh
\builtin source "${BASH_SOURCE[0]%awsprof.bash}../zsh/awsprof-common.sh"

# The time left in red: readline is told that the escape codes take no room (\001 \002).
__awsprof_red() {
    __awsprof_out=$'\001\e[31m\002'"$1"$'\001\e[0m\002'
}

# Whether AWSPROF_PROMPT is exported (for starship): bash 4.4 and later can tell without a
# process; older ones are taken to keep it to themselves.
__awsprof_exported() {
    ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)) && [[ "${AWSPROF_PROMPT@a}" == *x* ]]
}

if [[ ";${PROMPT_COMMAND-};" != *";__awsprof_precmd;"* ]]; then
    PROMPT_COMMAND="__awsprof_precmd;${PROMPT_COMMAND-}"
fi
__awsprof_prompt_update

# Completion through the binary (clap's dynamic completion): profile names are read from
# the files each time, so a profile added a second ago completes.
#
# bash splits words at the characters of COMP_WORDBREAKS (`:` `=` `@` ...): `acct:dev`
# arrives as `acct` `:` `dev`, and the word bash replaces is only what follows the last of
# them (nothing at all after `acct:`). So the binary is given the words as they stand on the
# line, joined again where nothing separated them, and what precedes the word bash replaces
# is cut from the answers.
_awsprof_complete() {
    \builtin local line="${COMP_LINE:0:COMP_POINT}" rest word cur i n=0
    \builtin local -a words
    words=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        rest="${line#"${line%%[![:space:]]*}"}"
        if ((i == COMP_CWORD)); then
            word="$rest"
        else
            word="${COMP_WORDS[i]-}"
        fi
        if [[ "$rest" != "$word"* ]]; then
            # The line does not hold the words as bash listed them: take bash's words.
            words=("${COMP_WORDS[@]:0:COMP_CWORD}" "$2")
            n=$((COMP_CWORD + 1))
            break
        fi
        if ((n > 0)) && ((${#rest} == ${#line})); then
            words[n - 1]+="$word"
        else
            words[n]="$word"
            n=$((n + 1))
        fi
        line="${rest:${#word}}"
    done
    cur="${words[n - 1]}"
    \builtin mapfile -t COMPREPLY < <(
        _CLAP_IFS=$'\n' _CLAP_COMPLETE_INDEX="$((n - 1))" \
            _CLAP_COMPLETE_COMP_TYPE="${COMP_TYPE-9}" \
            COMPLETE=bash \builtin command awsprof -- "${words[@]}" 2>/dev/null
    )
    if [[ "$cur" != "$2" && "$cur" == *"$2" ]]; then
        \builtin local prefix="${cur%"$2"}"
        COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
    fi
}
\builtin complete -o bashdefault -F _awsprof_complete -- "awsprof"
