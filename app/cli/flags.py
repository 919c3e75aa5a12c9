"""Command-line flags made from the settings' declarations (after llama-cpp-python's
``add_args_from_model``): each flag's type, range or choices, default and help come from the
field it sets, so ``slice-chat`` accepts exactly what the settings dialogs and file accept.

A bad value is an argparse error that names the flag and the valid range; argparse exits
with :data:`~app.cli.errors.Exit.USAGE` (2).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from inference.options import check_value, field_spec

# argparse accepts both a parser and an argument group here.
Parser = argparse.ArgumentParser | argparse._ArgumentGroup

_NO_DEFAULT: Any = object()


def value_parser(
    model: type[BaseModel], name: str, also: Iterable[int] = ()
) -> Callable[[str], Any]:
    """An argparse ``type`` for field ``name``: a number in its range (or one of ``also``)."""
    spec = field_spec(model, name)
    number: type[int] | type[float] = (
        float if model.model_fields[name].annotation is float else int
    )
    extra = tuple(also)

    def parse(text: str) -> Any:
        try:
            value = number(text)
        except ValueError:
            kind = "a whole number" if number is int else "a number"
            raise argparse.ArgumentTypeError(
                f"'{text}' is not {kind}: give a value {spec.range_text()}"
            ) from None
        if value in extra:
            return value
        problem = check_value(model, name, value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    parse.__name__ = number.__name__  # argparse names the type in some messages
    return parse


def add_value_flag(
    parser: Parser,
    flag: str,
    model: type[BaseModel],
    name: str,
    *,
    default: Any = _NO_DEFAULT,
    metavar: str = "N",
    help: str = "",
    also: Iterable[int] = (),
) -> None:
    """Add ``flag`` that sets field ``name`` of ``model``: a number in range, or a choice.

    ``default`` replaces the field's own (a command that means "decide later" passes a
    value from ``also``, such as 0, or None for "the model's recommendation"); ``help``
    replaces the field's description.
    """
    spec = field_spec(model, name)
    value = spec.default if default is _NO_DEFAULT else default
    text = help or spec.help
    if spec.choices:
        parser.add_argument(flag, choices=spec.choices, default=value,
                            help=f"{text} (default {value})")
        return
    extra = tuple(also)
    valid = spec.range_text()
    if extra:
        valid = f"{', '.join(str(v) for v in extra)} or {valid}"
    # None: the command decides once it knows more (the model's recommendation).
    shown = "the model's recommendation" if value is None else value
    parser.add_argument(
        flag, type=value_parser(model, name, extra), default=value, metavar=metavar,
        help=f"{text} ({valid}; default {shown})".replace("%", "%%"),
    )


def add_switch(
    parser: Parser, flag: str, model: type[BaseModel], name: str, help: str = ""
) -> None:
    """Add an on/off ``flag`` for the boolean field ``name``; it flips the field's default."""
    parser.add_argument(flag, action="store_true",
                        help=(help or field_spec(model, name).help).replace("%", "%%"))


def validation_problem(exc: ValidationError, flags: dict[str, str]) -> str:
    """The first error of ``exc`` in words, naming the flag (``flags``: field -> flag)."""
    error = exc.errors()[0]
    field = str(error["loc"][-1]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    flag = flags.get(field, field)
    return f"{flag}: {message}" if flag else message
