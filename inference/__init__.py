"""Slice's inference engine: loads GGUF models with llama.cpp and streams typed events.

This package imports no Qt. The CLI, the benchmark, the tests and the inference host
process all drive the same :class:`inference.engine.Engine`.
"""

__version__ = "0.1.0"
