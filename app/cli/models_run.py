"""What ``slice-chat models ...`` does; the commands are declared in :mod:`app.cli.models`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from app.api.model_ids import model_ids
from app.cli.errors import Exit, fail, print_error
from app.hub.api import HubError, load_catalog, local_path, repo_page, search
from app.hub.downloads import FINISHED, DownloadManager, DownloadState, DownloadStatus
from app.hub.sidecar import FileSpec, read_sidecar, sidecar_path, spec_from_sidecar
from app.hub.token import TokenStore
from app.models.check_report import report_lines
from app.models.files import ModelImportError, sha256_of
from app.models.library import ModelLibrary
from app.models.memory_fit import format_bytes, judge_fit, rough_need
from app.models.preload_check import check_model
from app.paths import app_paths


def run(args: argparse.Namespace) -> int:
    """Run ``slice-chat models ...``; returns the exit code."""
    paths = app_paths().ensure()
    library = ModelLibrary(paths.library_file, paths.models)
    command = args.models_command
    try:
        if command == "list":
            return _list(library, args.json)
        if command == "import":
            return _import(library, args.paths, args.watch)
        if command == "check":
            return _check(args)
        token = TokenStore(paths.config).get()
        if command == "search":
            return _search(args, token)
        if command == "files":
            return _files(args, token)
        return _download(library, args, token)
    except HubError as exc:
        return fail(exc.message)


def _list(library: ModelLibrary, as_json: bool) -> int:
    library.scan_folders()
    entries = library.models()
    ids = {entry.path: model_id for model_id, entry in model_ids(entries).items()}
    if as_json:
        print(json.dumps([dataclasses.asdict(e) | {"id": ids[e.path],
                                                   "origin_label": e.origin_label}
                          for e in entries], indent=2))
        return 0
    if not entries:
        print("No models yet: `slice-chat models import PATH` or `slice-chat models download`.")
    for e in entries:
        template = "template" if e.has_template else "fallback template"
        print(f"{e.name}  [id {ids[e.path]}]\n  {e.path}\n  "
              f"{e.architecture}, {e.n_params / 1e6:,.0f} M params, "
              f"{e.quantization}, {format_bytes(e.size)}, context {e.context_length:,}, "
              f"{template}, licence {e.license or 'unknown'}\n  {e.origin_label}"
              f"{', sha256 ' + e.sha256 if e.sha256 else ''}")
    return 0


def _import(library: ModelLibrary, paths: Sequence[str], folders: Sequence[str]) -> int:
    if not paths and not folders:
        return fail("give at least one PATH or --watch FOLDER", Exit.USAGE)
    failed = 0
    for path in paths:
        try:
            entry = library.import_file(path)
        except ModelImportError as exc:
            failed += 1
            print_error(str(exc))
            continue
        if not entry.sha256:
            library.set_sha256(entry.path, sha256_of(Path(entry.path)))
        print(f"imported {entry.name}: {entry.path}")
    for folder in folders:
        try:
            added, problems = library.add_folder(folder)
        except ModelImportError as exc:
            failed += 1
            print_error(str(exc))
            continue
        print(f"watching {folder}: {len(added)} model(s) added")
        for problem in problems:
            print(f"  skipped: {problem}", file=sys.stderr)
    return Exit.FAILED if failed else 0


def _check(args: argparse.Namespace) -> int:
    # --ctx and --cache-type were checked by argparse against the LoadSettings fields.
    report = check_model(args.path, n_ctx=args.ctx, cache_type=args.cache_type,
                         trial=not args.no_trial, log_path=app_paths().host_log)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report_lines(report)))
    if not report.ok:
        print(f"slice-chat: {report.path}: do not load: {report.reason}", file=sys.stderr)
        return Exit.FAILED
    return 0


def _search(args: argparse.Namespace, token: str | None) -> int:
    if not args.query:
        catalog = load_catalog()
        if args.json:
            print(json.dumps([dataclasses.asdict(c) for c in catalog], indent=2))
        else:
            for c in catalog:
                print(f"{c.repo_id}  ({c.quantization}, about {format_bytes(c.approx_size)})"
                      f"  {c.note}")
        return 0
    results = search(args.query, sort=args.sort, limit=args.limit, token=token)
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in results], indent=2))
    else:
        for r in results:
            flags = " gated" if r.gated else ""
            print(f"{r.repo_id}  {r.downloads:,} downloads  {r.likes:,} likes  "
                  f"{r.last_modified}{flags}")
        if not results:
            print(f"No GGUF repositories match '{args.query}'.")
    return 0


def _files(args: argparse.Namespace, token: str | None) -> int:
    page = repo_page(args.repo_id, args.revision, token=token)
    n_ctx = 4096
    groups: dict[str, list[dict[str, Any]]] = {}
    for quant, choices in page.groups().items():
        groups[quant] = [
            {"path": c.path, "size": c.size, "parts": len(c.files),
             "fit": judge_fit(rough_need(c.size, n_ctx)).verdict}
            for c in choices
        ]
    if args.json:
        print(json.dumps({"repo_id": page.repo_id, "commit": page.commit,
                          "license": page.license, "gated": page.gated, "groups": groups,
                          "skipped": list(page.skipped)}, indent=2))
        return 0
    print(f"{page.repo_id}@{page.commit[:10]}  licence {page.license or 'unknown'}"
          f"{'  gated (' + page.gated + ')' if page.gated else ''}")
    for quant, choices_json in groups.items():
        print(f"  {quant}")
        for c in choices_json:
            parts = f" in {c['parts']} parts" if c["parts"] > 1 else ""
            print(f"    {c['path']}  {format_bytes(c['size'])}{parts}  [{c['fit']}]")
    for note in page.skipped:
        print(f"  skipped: {note}", file=sys.stderr)
    return 0


def _pinned(library: ModelLibrary, spec: FileSpec) -> FileSpec:
    """Resume a partial download at the commit it started from, if its content is the same."""
    record = read_sidecar(sidecar_path(local_path(library.models_dir, spec.repo_id,
                                                  spec.repo_path)))
    earlier = spec_from_sidecar(record) if record else None
    if earlier is not None and (earlier.sha256, earlier.size) == (spec.sha256, spec.size):
        return earlier
    return spec


def _progress_line(statuses: Sequence[DownloadStatus]) -> str:
    done = sum(s.done for s in statuses)
    size = sum(s.size for s in statuses) or 1
    speed = sum(s.speed for s in statuses)
    eta = f", ETA {(size - done) / speed:.0f} s" if speed > 0 else ""
    name = statuses[0].name + (f" (+{len(statuses) - 1} parts)" if len(statuses) > 1 else "")
    return (f"{name}: {100 * done / size:5.1f}% ({format_bytes(done)} of {format_bytes(size)})"
            f", {format_bytes(speed)}/s{eta}")


def _download(library: ModelLibrary, args: argparse.Namespace, token: str | None) -> int:
    page = repo_page(args.repo_id, args.revision, token=token, with_card=False)
    choice = page.choice_for(args.filename)
    if choice is None:
        unsafe = [s for s in page.skipped if repr(args.filename) in s or args.filename in s]
        if unsafe:
            return fail(unsafe[0])
        available = ", ".join(c.path for c in page.choices) or "none"
        return fail(f"'{args.filename}' is not a GGUF model in {page.repo_id} at "
                     f"{page.commit[:10]}. Available: {available}")
    specs = [_pinned(library, FileSpec(page.repo_id, f.path, page.commit, f.size, f.sha256))
             for f in choice.files]
    manager = DownloadManager(library, token=lambda: token)
    interrupted = False

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        for key in keys:
            manager.pause(key)

    keys = manager.enqueue(specs)
    previous = signal.signal(signal.SIGINT, on_interrupt)
    tty = sys.stderr.isatty()
    last_line, last_print = "", 0.0
    said: dict[str, str] = {}
    try:
        while not manager.wait(keys, timeout=0.5):
            statuses = [s for k in keys if (s := manager.status(k)) is not None]
            line = _progress_line(statuses)
            now = time.monotonic()
            if tty:
                print(f"\r{line}\033[K", end="", file=sys.stderr, flush=True)
            elif now - last_print >= 2.0 and line != last_line:
                print(line, file=sys.stderr, flush=True)
                last_print, last_line = now, line
            for s in statuses:
                if s.message and s.state not in FINISHED and said.get(s.key) != s.message:
                    said[s.key] = s.message
                    print(("\n" if tty else "") + f"{s.name}: {s.message}", file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, previous)
    if tty:
        print(file=sys.stderr)
    statuses = [s for k in keys if (s := manager.status(k)) is not None]
    if interrupted:
        print("Paused; run the same command again to continue.", file=sys.stderr)
        return Exit.INTERRUPTED
    problems = [f"{s.name}: {s.message}" for s in statuses if s.state != DownloadState.DONE]
    if problems:
        hint = "" if any(s.state != DownloadState.PAUSED for s in statuses) else (
            " Run the same command again to continue.")
        return fail("; ".join(problems) + hint)
    model_path = next((s.model_path for s in statuses if s.model_path), "")
    if not model_path:
        return fail("the download finished but the model is not in the library")
    print(model_path)
    print(f"Verified (SHA-256) and added to the library: {model_path}", file=sys.stderr)
    return 0
