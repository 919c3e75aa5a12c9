"""Remote engines: OpenAI-compatible servers the user adds as providers, used like local models."""
