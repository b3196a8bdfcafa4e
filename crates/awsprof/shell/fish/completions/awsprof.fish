# Completion through the binary (clap's dynamic completion): profile names are read from the
# files each time, so a profile added a second ago completes.
builtin complete -c "awsprof" -e
builtin complete -c "awsprof" --keep-order --no-files --arguments '(COMPLETE=fish command awsprof -- (builtin commandline --current-process --tokenize --cut-at-cursor) (builtin commandline --current-token))'
