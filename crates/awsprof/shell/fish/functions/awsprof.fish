# awsprof for fish. Load it from ~/.config/fish/config.fish with:  awsprof init fish | source
# (or install this directory as a fisher plugin).
#
# The `awsprof` function sources the binary's output only for the commands that change this
# shell (use, unset), makes allow and deny take effect in this shell at once, and runs every
# other command as it is. The hooks it works with are in conf.d/awsprof.fish.
#
# The function's name is written as the word awsprof in double quotes, and only there: loaded
# as it is, that is awsprof; `awsprof init fish --cmd NAME` writes NAME there. The builtins a
# function can shadow (source, printf, complete, commandline, functions) are called through
# `builtin`; `command awsprof` is always the binary.
function "awsprof" --description 'Switch AWS profiles in this shell (awsprof --help)'
    switch "$argv[1]"
        case use unset
            set -l creds
            for __awsprof_arg in $argv
                switch $__awsprof_arg
                    case --
                        break
                    case --credentials
                        set creds 1
                    case -h --help
                        command awsprof $argv
                        return
                end
            end
            command awsprof $argv[1] --shell fish $argv[2..-1] | builtin source
            set -l rc $pipestatus[1]
            test $rc -eq 0; or return $rc
            # Temporary credentials from `use --credentials` renew themselves (conf.d);
            # any other switch ends that.
            set -g __awsprof_renew_profile
            if test "$argv[1]" = use; and test -n "$creds"; and test -n "$AWS_CREDENTIAL_EXPIRATION"
                set -g __awsprof_renew_profile "$AWS_PROFILE"
            end
            return 0
        case allow deny
            command awsprof $argv; or return
            # Put back what the directory's file changed, then look again as on entering.
            __awsprof_dir_leave
            set -g __awsprof_dir_seen ''
            __awsprof_dir_check
        case '*'
            command awsprof $argv
    end
end
