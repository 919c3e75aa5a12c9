"""The OpenAI-compatible HTTP API: other apps use the model the user already runs."""
