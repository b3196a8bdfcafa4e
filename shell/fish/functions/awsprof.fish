# awsprof for fish. Load it from ~/.config/fish/config.fish with:  awsprof init fish | source
# (or install this directory as a fisher plugin).
#
# The `awsprof` function sources the binary's output only for the commands that change this
# shell (use, unset) and runs every other command as it is.
function awsprof --description 'Switch AWS profiles in this shell (awsprof --help)'
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
            command awsprof $argv[1] --shell fish $argv[2..-1] | source
            return $pipestatus[1]
        case '*'
            command awsprof $argv
    end
end
