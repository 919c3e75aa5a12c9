"""Slice's application core: paths, settings, model library, the engine worker, entry points.

QtCore only where it must be (the worker's signals and thread); no widgets.
"""
