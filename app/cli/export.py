"""``slice-chat export`` and ``slice-chat import``: chats in and out on the command line.

These commands may run while the Slice window is open: SQLite's locking keeps both safe.
They never repair a damaged database (only the app, which holds the single-instance lock,
does); they say so and exit non-zero.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app.cli.errors import fail
from app.files import write_atomically
from app.paths import app_paths
from app.store.chat_store import ChatStore
from app.store.export import (
    InvalidExportError,
    export_json,
    export_markdown,
    import_chats,
    parse_export,
)
from app.store.recovery import DamagedStoreError, StoreUnavailableError, open_chat_store
from app.store.schema import NewerSchemaError


def add_export_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` and ``import`` subcommands."""
    export = subparsers.add_parser(
        "export",
        help="write chats to a Markdown or JSON file",
        description="Write one or more chats, or all of them, as Markdown (to read) or JSON "
        "(lossless: every branch, setting and stat; `slice-chat import` reads it back).",
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", type=int, default=[], metavar="ID",
                       help="chat ids (see --list)")
    which.add_argument("--all", action="store_true", help="every chat")
    which.add_argument("--list", action="store_true", help="list the chats and their ids")
    export.add_argument("--format", choices=("md", "json"),
                        help="md or json (default: from the -o file's extension, else json)")
    export.add_argument("-o", "--output", metavar="PATH",
                        help="the file to write (default: standard output)")
    imported = subparsers.add_parser(
        "import",
        help="add the chats of a JSON export",
        description="Add the chats of a file written by `slice-chat export --format json`. "
        "Chats already present are skipped; nothing is written if the file has a problem.",
    )
    imported.add_argument("path", metavar="PATH", help="the JSON file ('-': standard input)")



def _open_store() -> ChatStore:
    return open_chat_store(app_paths().ensure().data, recover=False).store


def run_export(args: argparse.Namespace) -> int:
    """Run ``slice-chat export``; returns the exit code."""
    try:
        store = _open_store()
    except (DamagedStoreError, NewerSchemaError, StoreUnavailableError) as exc:
        return fail(str(exc))
    try:
        if args.list:
            for summary in store.chat_summaries():
                stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.updated_at))
                print(f"{summary.id}\t{stamp}\t{summary.title or 'Untitled chat'}")
            return 0
        if args.all:
            ids = store.chat_ids()
        else:
            ids = list(dict.fromkeys(args.ids))
            known = {c.id for c in store.chat_summaries()}
            missing = [i for i in ids if i not in known]
            if missing:
                return fail(
                    f"there is no chat with id {missing[0]} "
                    "(`slice-chat export --list` shows the chats)"
                )
        output = Path(args.output) if args.output else None
        fmt = args.format or ("md" if output and output.suffix.lower() == ".md" else "json")
        text = export_markdown(store, ids) if fmt == "md" else export_json(store, ids)
        if output is None:
            sys.stdout.write(text)
            return 0
        try:
            write_atomically(output, text, create_folder=False)
        except OSError as exc:
            return fail(f"cannot write '{output}': {exc.strerror or exc}")
        print(f"Exported {len(ids)} chat{'s' if len(ids) != 1 else ''} to {output}",
              file=sys.stderr)
        return 0
    finally:
        store.close()


def run_import(args: argparse.Namespace) -> int:
    """Run ``slice-chat import``; returns the exit code."""
    source = "standard input" if args.path == "-" else args.path
    try:
        text = sys.stdin.read() if args.path == "-" else Path(args.path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return fail(f"cannot read '{source}': {reason}")
    try:
        chats = parse_export(text, source)
    except InvalidExportError as exc:
        return fail(f"{exc}; nothing was imported")
    try:
        store = _open_store()
    except (DamagedStoreError, NewerSchemaError, StoreUnavailableError) as exc:
        return fail(str(exc))
    try:
        result = import_chats(store, chats)
    finally:
        store.close()
    chats_word = "chat" if result.imported == 1 else "chats"
    line = f"Imported {result.imported} {chats_word} ({result.messages} messages)"
    if result.skipped:
        line += f"; skipped {result.skipped} already present"
    print(line)
    return 0
