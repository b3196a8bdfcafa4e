# Completion through the binary (clap's dynamic completion): profile names are read from the
# files each time, so a profile added a second ago completes.
complete -c awsprof -e
complete -c awsprof --keep-order --no-files --arguments '(COMPLETE=fish command awsprof -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))'
