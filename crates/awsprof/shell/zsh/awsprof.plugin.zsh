# awsprof for zsh. Load it from ~/.zshrc, after compinit, with:  eval "$(awsprof init zsh)"
# (or copy this directory to $ZSH_CUSTOM/plugins/awsprof and add `awsprof` to oh-my-zsh's
# plugins=(...): it is that plugin).
#
# Defines the `awsprof` function: it evals the binary's output only for the commands that
# change this shell (use, unset) and runs every other command as it is; tab completion that
# reads profile names live from the files; the profile of a trusted .aws-profile file on
# entering its directory (what the shell had comes back on leaving); the renewal of
# credentials from `use --credentials` shortly before they expire; and AWSPROF_PROMPT, kept
# up to date before each prompt:
#   setopt prompt_subst; RPROMPT='${AWSPROF_PROMPT}'
# In a directory without a .aws-profile none of this starts a process. For themes:
# awsprof_prompt_info (oh-my-zsh) and the powerlevel10k segment `awsprof`, below.

# The function and the prompt text, shared with bash (`awsprof init zsh` prints it here).
\builtin source "${${(%):-%x}:A:h}/awsprof-common.sh"

# The time left in red, as zsh's prompt writes colour.
__awsprof_red() {
    __awsprof_out="%F{red}$1%f"
}

# Whether AWSPROF_PROMPT is exported (for starship, which styles it itself).
__awsprof_exported() {
    [[ ${(t)AWSPROF_PROMPT-} == *export* ]]
}

# oh-my-zsh's convention for themes: RPROMPT='$(awsprof_prompt_info)', with the text
# between $ZSH_THEME_AWSPROF_PREFIX and $ZSH_THEME_AWSPROF_SUFFIX; nothing without an AWS
# identity. (`${AWSPROF_PROMPT}` gives the same without the command substitution.)
awsprof_prompt_info() {
    [[ -n $AWSPROF_PROMPT ]] || \builtin return 0
    \builtin print -rn -- "${ZSH_THEME_AWSPROF_PREFIX-<aws:}${AWSPROF_PROMPT}${ZSH_THEME_AWSPROF_SUFFIX->}"
}

# powerlevel10k: add `awsprof` to POWERLEVEL9K_LEFT_PROMPT_ELEMENTS or
# POWERLEVEL9K_RIGHT_PROMPT_ELEMENTS. The segment is in state NORMAL, or URGENT when
# temporary credentials expire within five minutes (or have), so that
# POWERLEVEL9K_AWSPROF_URGENT_FOREGROUND and the like style it. Variables only.
prompt_awsprof() {
    \builtin emulate -L zsh
    __awsprof_prompt_parts
    [[ -n $__awsprof_who ]] || \builtin return 0
    \builtin local text="$__awsprof_who${__awsprof_where:+ $__awsprof_where}${__awsprof_left:+ $__awsprof_left}"
    if [[ -n $__awsprof_urgent ]]; then
        \p10k segment -s URGENT -f red -t "${text//\%/%%}"
    else
        \p10k segment -s NORMAL -f 208 -t "${text//\%/%%}"
    fi
}
# Instant prompt may show it too: it reads nothing but variables.
instant_prompt_awsprof() {
    prompt_awsprof
}

# The hooks, each once, as add-zsh-hook adds them (without loading it from $fpath, which
# costs start-up as much as the rest of this file). chpwd: on cd at once, not at the next
# prompt, so that `cd project && terraform plan` uses its profile.
() {
    \builtin emulate -L zsh
    \builtin typeset -ga precmd_functions chpwd_functions
    (( ${precmd_functions[(I)__awsprof_precmd]} )) || precmd_functions+=(__awsprof_precmd)
    (( ${chpwd_functions[(I)__awsprof_dir_check]} )) || chpwd_functions+=(__awsprof_dir_check)
}
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
