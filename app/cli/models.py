"""``slice-chat models``: the model library and the hub downloader, for scripts and checks.

- ``models list [--json]``: the models Slice knows.
- ``models import PATH...``: add GGUF files (``--watch FOLDER`` watches a folder).
- ``models check PATH [--ctx N] [--json]``: the pre-load check; exits 1 for a file that must
  not be loaded, with the reason.
- ``models search [QUERY] [--sort downloads|likes|recent] [--json]``: GGUF repositories (no
  query: the curated starting models).
- ``models files REPO_ID [--json]``: a repository's GGUF models by quantization.
- ``models download REPO_ID FILENAME [--revision REV]``: progress on stderr; resumes an
  earlier partial download of the same file; exits 0 only when the verified model is in
  the library.

This module only declares the commands: the hub client and the rest load when one runs.
"""

from __future__ import annotations

import argparse

from app.cli.flags import add_value_flag
from inference.options import LoadSettings


def add_models_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``slice-chat models ...`` to the top-level parser."""
    models = subparsers.add_parser(
        "models", help="list, import, check, search and download models",
        description="The model library and the Hugging Face downloader.",
    )
    sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="the models Slice knows")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")

    add = sub.add_parser("import", help="add GGUF files to the library (referenced in place)")
    add.add_argument("paths", nargs="*", metavar="PATH", help="GGUF files")
    add.add_argument("--watch", metavar="FOLDER", action="append", default=[],
                     help="also watch FOLDER: its GGUF files are imported now and later")

    check = sub.add_parser("check", help="check a model before loading it")
    check.add_argument("path", metavar="PATH")
    add_value_flag(check, "--ctx", LoadSettings, "n_ctx", default=0, also=(0,),
                   help="context size (0: 4096, or the model's own if smaller)")
    add_value_flag(check, "--cache-type", LoadSettings, "kv_cache_type")
    check.add_argument("--no-trial", action="store_true",
                       help="only the header check, no trial load")
    check.add_argument("--json", action="store_true", help="one JSON object on stdout")

    find = sub.add_parser("search", help="search the hub for GGUF repositories")
    find.add_argument("query", nargs="?", default="", metavar="QUERY",
                      help="words to search for (none: the curated starting models)")
    find.add_argument("--sort", default="downloads", choices=("downloads", "likes", "recent"))
    find.add_argument("--limit", type=int, default=20, metavar="N")
    find.add_argument("--json", action="store_true", help="one JSON array on stdout")

    files = sub.add_parser("files", help="a repository's GGUF models, by quantization")
    files.add_argument("repo_id", metavar="REPO_ID")
    files.add_argument("--revision", default="main", metavar="REV")
    files.add_argument("--json", action="store_true", help="one JSON object on stdout")

    get = sub.add_parser("download", help="download a GGUF file into the library")
    get.add_argument("repo_id", metavar="REPO_ID")
    get.add_argument("filename", metavar="FILENAME",
                     help="the file's path in the repository (any part of a split model)")
    get.add_argument("--revision", default="main", metavar="REV",
                     help="branch, tag or commit (default main); pinned to its commit")


def run_models(args: argparse.Namespace) -> int:
    """Run ``slice-chat models ...``; returns the exit code."""
    from app.cli.models_run import run

    return run(args)
