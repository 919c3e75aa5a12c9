"""``slice-chat cache``: the chats' saved KV caches on disk (how much, and clearing them).

The inference host keeps each chat's KV cache, so that reopening a chat, even after a
restart, does not process its history again (:mod:`app.engine.snapshots`). ``info`` says
what is on disk; ``clear`` deletes it all (the window's **Model settings → Clear the
cache** does the same and also empties the running model process's memory).
"""

from __future__ import annotations

import argparse
import json


def add_cache_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cache = subparsers.add_parser(
        "cache", help="the chats' saved caches on disk: info, clear",
        description="Slice keeps each chat's KV cache on disk (within the disk budget of "
        "Model settings) so that a chat reopened after a restart resumes at once.",
    )
    sub = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    info = sub.add_parser("info", help="where the cache is and how much it holds")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    clear = sub.add_parser("clear", help="delete every saved cache (the chats stay)")
    clear.add_argument("--json", action="store_true", help="print one JSON object")


def run_cache(args: argparse.Namespace) -> int:
    """Run ``slice-chat cache``; returns the exit code."""
    from app.engine.snapshots import cache_usage, clear_cache, describe_usage, snapshot_folder

    folder = snapshot_folder()
    if args.cache_command == "clear":
        usage = clear_cache(None)
        text = f"Deleted {describe_usage(usage)} from {folder}."
    else:
        usage = cache_usage()
        text = f"{folder}: {describe_usage(usage)}."
    if args.json:
        print(json.dumps({"folder": str(folder), "files": usage.files, "bytes": usage.bytes,
                          "cleared": args.cache_command == "clear"}))
    else:
        print(text)
    return 0
