# Prints "PROFILE REGION until HH:MMZ" (each part only when known) for a prompt, or nothing
# when no AWS identity is set. Builtins only, so it starts no process; fish has no clock
# builtin, so it shows when temporary credentials expire rather than the time left.
#   function fish_right_prompt; awsprof_prompt; end
function awsprof_prompt --description 'Print the AWS profile, region and expiry for a prompt'
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
    set -l until (string match -r -g '^\d{4}-\d\d-\d\d[Tt](\d\d:\d\d):\d\d(?:\.\d+)?(?:[Zz]|\+00:00)$' -- "$AWS_CREDENTIAL_EXPIRATION")
    and set -a out "until $until"Z
    builtin printf '%s' (string join ' ' -- $out)
end
