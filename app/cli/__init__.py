"""Every ``slice-chat`` subcommand, with the exit codes and the error printer defined once."""
