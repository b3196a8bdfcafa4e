# Prints "PROFILE REGION TIME-LEFT" (each part only when known; `(keys)` when only keys are
# set) for a prompt, or nothing when no AWS identity is set. Under five minutes the time is
# marked `!4m` (or `expired`) and red, unless --plain, NO_COLOR or a dumb terminal. Builtins
# only, so it starts no process.
#   function fish_right_prompt; awsprof_prompt; end
function awsprof_prompt --description 'Print the AWS profile, region and time left for a prompt'
    argparse plain -- $argv; or return
    set -l who "$AWS_PROFILE"
    test -n "$who"; or set who "$AWS_DEFAULT_PROFILE"
    if test -z "$who"; and test -n "$AWS_ACCESS_KEY_ID"
        set who '(keys)'
    end
    test -n "$who"; or return 0
    set -l out "$who"
    set -l region "$AWS_REGION"
    test -n "$region"; or set region "$AWS_DEFAULT_REGION"
    test -n "$region"; and set -a out "$region"
    set -l at (__awsprof_epoch "$AWS_CREDENTIAL_EXPIRATION")
    if test -n "$at"
        set -l left (math $at - (__awsprof_now))
        set -l time
        set -l urgent
        if test $left -le 0
            set time expired
            set urgent 1
        else if test $left -lt $__awsprof_renew_before
            set time '!'(math -s0 "floor($left / 60)")m
            set urgent 1
        else if test $left -lt 3600
            set time (math -s0 "floor($left / 60)")m
        else
            set time (math -s0 "floor($left / 3600)")h(math -s0 "floor($left % 3600 / 60)")m
        end
        if test -n "$urgent"; and not set -q _flag_plain; and test -z "$NO_COLOR"; and test "$TERM" != dumb
            set time (set_color red)$time(set_color normal)
        end
        set -a out $time
    end
    builtin printf '%s' (string join ' ' -- $out)
end
