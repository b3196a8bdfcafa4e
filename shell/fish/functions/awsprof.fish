# awsprof for fish. Load it from ~/.config/fish/config.fish with:  awsprof init fish | source
# (or install this directory as a fisher plugin).
#
# The `awsprof` function sources the binary's output only for the commands that change this
# shell (use, unset) and runs every other command as it is.
#
# The function's name is written as the word awsprof in double quotes, and only there: loaded
# as it is, that is awsprof; `awsprof init fish --cmd NAME` writes NAME there. The builtins a
# function can shadow (source, printf, complete, commandline, functions) are called through
# `builtin`; `command awsprof` is always the binary.
function "awsprof" --description 'Switch AWS profiles in this shell (awsprof --help)'
    switch "$argv[1]"
        case use unset
            for __awsprof_arg in $argv
                switch $__awsprof_arg
                    case --
                        break
                    case -h --help
                        command awsprof $argv
                        return
                end
            end
            command awsprof $argv[1] --shell fish $argv[2..-1] | builtin source
            return $pipestatus[1]
        case '*'
            command awsprof $argv
    end
end
