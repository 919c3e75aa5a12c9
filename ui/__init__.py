"""Slice's presentation layer: the chat window and its widgets (no engine logic)."""
