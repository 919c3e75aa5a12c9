"""``slice-chat bench``: Slice's latency measured beside llama.cpp's own, on one model."""
