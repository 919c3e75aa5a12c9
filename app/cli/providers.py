"""``slice-chat providers``: the OpenAI-compatible servers Slice can use as remote engines.

- ``providers add NAME BASE_URL [--key-stdin] [--header K=V]... [--insecure] [--replace]``
- ``providers list [--json]``: each provider with its models (``GET /v1/models``); one that
  cannot be reached is listed with what went wrong, and the command still exits 0.
- ``providers remove NAME``

Keys are read from standard input only (never from the command line, where other users
and the shell's history see them), kept as secrets (:mod:`app.remote.providers`), and never
printed: ``list`` says whether a provider has one. Header values are not printed either
(they may hold credentials).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.errors import Exit, fail
from app.paths import app_paths
from app.remote.providers import Provider, ProviderError, ProviderStore, normalise_base_url

if TYPE_CHECKING:
    from app.remote.catalog import ProviderModels


def add_providers_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``slice-chat providers ...`` to the top-level parser."""
    providers = subparsers.add_parser(
        "providers", help="add, list and remove remote servers (OpenAI-compatible)",
        description="Remote engines: OpenAI-compatible servers (llama-server, vLLM, another "
        "Slice...) whose models Slice can chat with, as chat --provider NAME --model ID.",
    )
    sub = providers.add_subparsers(dest="providers_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a provider")
    add.add_argument("name", metavar="NAME", help="what to call it (letters, digits, spaces, "
                     ". _ -)")
    add.add_argument("base_url", metavar="BASE_URL",
                     help="where its OpenAI routes are, for example http://192.168.1.20:8080/v1 "
                     "(a URL without a path gets /v1)")
    add.add_argument("--key-stdin", action="store_true",
                     help="read the API key from standard input (kept in the system keyring, "
                     "else a file only you can read)")
    add.add_argument("--header", action="append", default=[], metavar="K=V",
                     help="an extra header for every request to it; repeat for more")
    add.add_argument("--insecure", action="store_true",
                     help="do not check its TLS certificate (only for a self-signed "
                     "certificate you trust)")
    add.add_argument("--replace", action="store_true",
                     help="replace the provider of that name (its key is kept unless "
                     "--key-stdin gives a new one)")
    listing = sub.add_parser("list", help="the providers and their models")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    remove = sub.add_parser("remove", help="forget a provider and its key")
    remove.add_argument("name", metavar="NAME")


def provider_store() -> ProviderStore:
    """The user's providers (in the config folder)."""
    return ProviderStore(app_paths().config)


def run_providers(args: argparse.Namespace, stdin: TextIO = sys.stdin) -> int:
    """Run ``slice-chat providers ...``; returns the exit code."""
    store = provider_store()
    if args.providers_command == "add":
        return _add(args, store, stdin)
    if args.providers_command == "list":
        return _list(store, as_json=args.json)
    if not store.remove(args.name):
        return fail(f"there is no provider named '{args.name}' (slice-chat providers list "
                    "shows them)")
    print(f"Removed the provider '{args.name}' and its key.")
    return int(Exit.OK)


def _add(args: argparse.Namespace, store: ProviderStore, stdin: TextIO) -> int:
    headers: dict[str, str] = {}
    for item in args.header:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            return fail(f"--header '{name}': give it as NAME=VALUE", Exit.USAGE)
        headers[name.strip()] = value.strip()
    key = None
    if args.key_stdin:
        if stdin.isatty():
            print("API key (then Enter): ", end="", file=sys.stderr, flush=True)
            key = stdin.readline().strip()
        else:
            key = stdin.read().strip()
        if not key:
            return fail("--key-stdin: standard input held no key", Exit.USAGE)
    try:
        provider = Provider(name=args.name, base_url=normalise_base_url(args.base_url),
                            headers=headers, verify_tls=not args.insecure)
        store.save(provider, key, replace=args.name if args.replace else None)
    except ProviderError as exc:
        return fail(str(exc), Exit.USAGE)
    if args.insecure:
        print(f"slice-chat: warning: the TLS certificate of '{provider.name}' will not be "
              "checked: anyone on the network path could read and change what is sent "
              "(the key included). Use this only for a self-signed certificate you trust.",
              file=sys.stderr)
    kept = "; no key" if not (key or store.key(provider.name)) else (
        "; its key is kept as a secret")
    print(f"Added the provider '{provider.name}' at {provider.base_url}{kept}.")
    return int(Exit.OK)


def _describe(found: ProviderModels) -> dict[str, Any]:
    provider = found.provider
    return {
        "name": provider.name, "base_url": provider.base_url,
        "headers": sorted(provider.headers), "verify_tls": provider.verify_tls,
        "key": found.has_key, "models": list(found.models),
        "error": found.error.message if found.error else None,
        "error_kind": str(found.error.kind) if found.error else None,
    }


def _list(store: ProviderStore, as_json: bool) -> int:
    from app.remote.catalog import all_models  # httpx, only when asked

    entries = [_describe(found) for found in all_models(store)]
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return int(Exit.OK)
    if not entries:
        print("No providers yet: slice-chat providers add NAME BASE_URL [--key-stdin]")
    for entry in entries:
        notes = [("key set" if entry["key"] else "no key")]
        if not entry["verify_tls"]:
            notes.append("TLS not checked")
        if entry["headers"]:
            notes.append("headers " + ", ".join(entry["headers"]))
        print(f"{entry['name']}  {entry['base_url']}  ({'; '.join(notes)})")
        if entry["error"]:
            print(f"  cannot list its models: {entry['error']}")
        elif not entry["models"]:
            print("  (serves no models)")
        for model in entry["models"]:
            print(f"  {model}")
    return int(Exit.OK)
