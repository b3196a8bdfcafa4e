# Prints "PROFILE REGION TIME-LEFT" (each part only when known; `(keys)` when only keys are
# set) for a prompt, or nothing when no AWS identity is set. Under five minutes the time is
# marked `!4m` (or `expired`) and red, unless --plain, NO_COLOR or a dumb terminal. Builtins
# only, so it starts no process. (The text is made in conf.d/awsprof.fish, which the
# prompt hook also uses.)
#   function fish_right_prompt; awsprof_prompt; end
function awsprof_prompt --description 'Print the AWS profile, region and time left for a prompt'
    __awsprof_prompt_text $argv
end
