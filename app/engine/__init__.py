"""The one local engine and its queue: every client (window, API server, CLI) submits here."""
