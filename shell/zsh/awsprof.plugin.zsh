# awsprof for zsh. Load it from ~/.zshrc, after compinit, with:  eval "$(awsprof init zsh)"
# (or copy this directory to $ZSH_CUSTOM/plugins/awsprof and add `awsprof` to oh-my-zsh's
# plugins=(...): it is that plugin).
#
# Defines the `awsprof` function: it evals the binary's output only for the commands that
# change this shell (use, unset) and runs every other command as it is; tab completion that
# reads profile names live from the files; and AWSPROF_PROMPT, kept up to date before each
# prompt without starting a process:
#   setopt prompt_subst; RPROMPT='${AWSPROF_PROMPT}'

# The function and the prompt text, shared with bash (`awsprof init zsh` prints it here).
\builtin source "${${(%):-%x}:A:h}/awsprof-common.sh"

\builtin zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null

\builtin autoload -Uz add-zsh-hook
\add-zsh-hook precmd __awsprof_prompt_update
__awsprof_prompt_update

# Completion through the binary (clap's dynamic completion): profile names are read from
# the files each time, so a profile added a second ago completes. This runs inside zsh's
# completion system and keeps the options it sets: an `emulate` here would reset them, and
# `_describe` would then add no match at all.
_awsprof_complete() {
    \builtin local -a candidates
    candidates=("${(@f)$(
        _CLAP_IFS=$'\n' _CLAP_COMPLETE_INDEX=$((CURRENT - 1)) \
            COMPLETE=zsh \builtin command awsprof -- "${words[@]}" 2>/dev/null
    )}")
    candidates=(${candidates:#})
    (( ${#candidates} )) && \_describe -V values candidates
}
if (( ${+functions[compdef]} )); then
    \compdef _awsprof_complete "awsprof"
fi
