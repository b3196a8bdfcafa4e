# fisher runs this file at start-up. The functions and the completion load on demand from
# functions/ and completions/; this only cleans up when fisher removes the plugin.
function _awsprof_uninstall --on-event awsprof_uninstall
    builtin functions --erase awsprof awsprof_prompt _awsprof_uninstall
    builtin complete -c awsprof -e
end
