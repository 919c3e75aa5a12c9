"""Model files the app knows: the library, memory and GPU fit, the pre-load check."""
