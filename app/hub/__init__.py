"""The Hugging Face hub: search, the access token, resumable transfers, the download queue."""
