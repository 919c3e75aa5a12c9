"""The open conversation: its session, presets, fingerprints and the bridge to the engine."""
