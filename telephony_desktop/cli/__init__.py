"""The command-line face of the services: ``telephony-desktop COMMAND``."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from telephony_desktop.cli.parser import parse_args
from telephony_desktop.diagnostics import setup_logging, write_crash_report
from telephony_desktop.domain.errors import (
    ConfigError,
    InputError,
    MalformedResponse,
    OutcomeUnknown,
    ProviderRejected,
    SecretStoreError,
    TelephonyError,
    TransportError,
)
from telephony_desktop.i18n import _
from telephony_desktop.redaction import redact_text
from telephony_desktop.runtime import load_core_before_qt, tune_interpreter
from telephony_desktop.store import paths

if TYPE_CHECKING:
    from telephony_desktop.cli import commands
    from telephony_desktop.providers.http import Waiting

log = logging.getLogger(__name__)
DEMO_ACCOUNT = "demo"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2
EXIT_CONFIG = 3
EXIT_UNREACHABLE = 4
EXIT_REJECTED = 5
EXIT_OUTCOME_UNKNOWN = 6
EXIT_INTERRUPTED = 130


def exit_code(exc: TelephonyError) -> int:
    if isinstance(exc, InputError):
        return EXIT_INPUT
    if isinstance(exc, ConfigError | SecretStoreError):
        return EXIT_CONFIG
    if isinstance(exc, OutcomeUnknown):
        return EXIT_OUTCOME_UNKNOWN
    if isinstance(exc, TransportError | MalformedResponse):
        return EXIT_UNREACHABLE
    if isinstance(exc, ProviderRejected):
        return EXIT_REJECTED
    return EXIT_FAILED


def _option_value(argv: Sequence[str], option: str) -> str | None:
    """The value of a top-level ``--option VALUE`` / ``--option=VALUE`` before parsing."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == option and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def choose_language(argv: Sequence[str]) -> str:
    """Messages, ``--help`` included, in the language of ``--lang``, else of the setting, else
    of the system. Chosen before argparse reads the line so its own words are translated too."""
    from telephony_desktop import i18n

    configured: str | None = None
    config_arg = _option_value(argv, "--config")
    path = paths.config_path(Path(config_arg) if config_arg else None)
    if path.exists() and "--demo" not in argv:
        from telephony_desktop.store import settings

        with contextlib.suppress(TelephonyError, OSError):  # the command reports a broken file
            configured = settings.load_config(path).language
    lang = i18n.choose_language(_option_value(argv, "--lang"), configured)
    i18n.set_language(lang)
    return lang


async def _dispatch(ctx: commands.Context) -> int:
    from telephony_desktop.cli import commands, route_commands
    from telephony_desktop.providers import http

    handlers = {
        "account": commands.account_cmd,
        "history": commands.history_cmd,
        "voicemail": commands.voicemail_cmd,
        "dids": commands.dids_cmd,
        "e911": commands.e911_cmd,
        "call": route_commands.call_cmd,
        "recording": route_commands.recording_cmd,
        "call-status": route_commands.call_status_cmd,
        "diagnostics": commands.diagnostics_cmd,
    }
    with contextlib.suppress(TelephonyError):  # a broken config file is the command's to report
        http.set_budget(ctx.config().request_budget_s)
    with http.watch_waits(_wait_printer()):
        return await _run_command(ctx, handlers)


def _wait_printer() -> Callable[[Waiting], None]:
    """A request the provider is slow to answer: on a terminal, one line that counts the
    seconds and goes away when the answer comes; otherwise one line when the wait begins."""
    tty = sys.stderr.isatty()

    def show(waiting: Waiting) -> None:
        if tty:
            text = "" if waiting.done else waiting.sentence() + "…"
            print(f"\r\x1b[K{text}", end="", file=sys.stderr, flush=True)
        elif waiting.first:
            print(f"telephony-desktop: {waiting.sentence()}…", file=sys.stderr, flush=True)

    return show


async def _run_command(
    ctx: commands.Context, handlers: Mapping[str, Callable[[commands.Context], Awaitable[int]]]
) -> int:
    from telephony_desktop.cli import commands, route_commands

    command = ctx.args.command
    if command == "account" and ctx.args.action == "test":
        return await route_commands.account_test_cmd(ctx)
    if command == "overview":
        return await commands.demo_tour(ctx)
    if ctx.args.demo and command == "history" and ctx.args.action == "list":
        await commands.quiet_sync(ctx)  # each demo starts with an empty cache
    return await handlers[command](ctx)


@contextmanager
def _maybe_demo(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    from telephony_desktop.demo import demo_environment  # the sandbox only loads when asked

    with demo_environment():
        yield


def _self_test(args: argparse.Namespace) -> int:
    import importlib

    try:
        module = importlib.import_module("telephony_desktop.selftest")
    except ModuleNotFoundError as exc:
        if exc.name != "telephony_desktop.selftest":
            raise
        print(
            "telephony-desktop: " + _("--self-test is not available in this build"),
            file=sys.stderr,
        )
        return EXIT_FAILED
    run_self_test: Callable[[argparse.Namespace], int] = module.run_self_test
    return run_self_test(args)


def _remember_start_at_login(args: argparse.Namespace, on: bool) -> None:
    """Keep Settings' "Start when I log in" in step with what was just written (or removed)."""
    import dataclasses

    from telephony_desktop.store import settings

    path = paths.config_path(Path(args.config) if args.config else None)
    if not path.exists():
        return
    config = settings.load_config(path)
    if config.start_at_login != on:
        settings.save_config(path, dataclasses.replace(config, start_at_login=on))


def _desktop_cmd(args: argparse.Namespace) -> int:
    from telephony_desktop import desktop

    try:
        if args.action == "install":
            lines = desktop.install(with_autostart=args.autostart)
            if args.autostart:
                _remember_start_at_login(args, True)
        elif args.action == "uninstall":
            lines = desktop.uninstall()
            _remember_start_at_login(args, False)
        else:
            lines = desktop.status()
    except TelephonyError as exc:
        print(f"telephony-desktop: {exc.user_message()}", file=sys.stderr)
        return exit_code(exc)
    for line in lines:
        print(line)
    return EXIT_OK


def _open_window(args: argparse.Namespace, lang: str) -> int:
    """No COMMAND: hand a link/--dial (or just "come forward") to the running instance, else
    open the window with the number in the dialer."""
    dial: str | None = None
    if args.link or args.dial:
        from telephony_desktop.desktop.links import dial_text

        try:
            dial = dial_text(args.link or args.dial)
        except InputError as exc:
            print(f"telephony-desktop: {exc.user_message()}", file=sys.stderr)
            return EXIT_INPUT
    setup_logging(paths.log_dir(), debug=args.debug)
    config = paths.config_path(Path(args.config) if args.config else None)
    if not args.demo:  # each demo is its own throw-away instance
        from telephony_desktop.desktop.instance_address import surely_alone

        if surely_alone(config):
            log.debug("no instance is listening (no socket file): starting the window")
        else:
            from telephony_desktop.desktop.single_instance import hand_off  # QtNetwork only

            if hand_off(dial or "", config_path=config, raise_window=not args.minimized):
                return EXIT_OK
    load_core_before_qt()
    from telephony_desktop.ui.app import run_gui  # Qt widgets load only for the window

    return run_gui(
        config_path=config,
        account=args.account,
        lang=lang,
        demo=args.demo,
        dial=dial,
        minimized=args.minimized,
    )


def main(argv: Sequence[str] | None = None) -> int:
    tune_interpreter()
    line = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(line)
    args = parse_args(line)
    if args.self_test:
        return _self_test(args)
    if args.command is None:
        return _open_window(args, lang)
    if args.command == "desktop":
        setup_logging(paths.log_dir(), debug=args.debug)
        return _desktop_cmd(args)
    if args.demo:  # the demo brings its own throw-away config and account
        args.config, args.account = None, DEMO_ACCOUNT
    # The services (and asyncio) load only for a command: a second launch that hands a link over
    # needs none of them.
    import asyncio

    from telephony_desktop.cli import commands

    try:
        with _maybe_demo(args.demo):
            setup_logging(paths.log_dir(), debug=args.debug)
            log.info("command: %s", args.command or "demo")
            ctx = commands.Context(args, lang)
            if args.command == "sandbox":
                return commands.sandbox_cmd(ctx)
            return asyncio.run(_dispatch(ctx))
    except KeyboardInterrupt:
        # Translators: the command was stopped with Ctrl+C.
        print("telephony-desktop: " + _("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except TelephonyError as exc:
        log.info("failed: %s (%s)", type(exc).__name__, exc.message)
        print(f"telephony-desktop: {redact_text(exc.user_message())}", file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:
        from telephony_desktop.store.storage import storage_error

        if not exc.filename:  # not a file's trouble: a bug, reported as one below
            return _unexpected(exc, args)
        # Disk trouble met outside the store's own guards: still the sentence that names the fix.
        failure = storage_error(exc.filename, exc)
        log.info("failed: %s (%s)", type(failure).__name__, failure.message)
        print(f"telephony-desktop: {redact_text(failure.user_message())}", file=sys.stderr)
        return EXIT_CONFIG
    except Exception as exc:
        return _unexpected(exc, args)


def _unexpected(exc: Exception, args: argparse.Namespace) -> int:
    """A bug: the one path that exits 1, with a crash report to send."""
    log.error("unexpected error", exc_info=exc)
    report = write_crash_report(exc, context=f"command: {args.command}")
    kind = type(exc).__name__
    if report is not None:
        # Translators: {kind}: the Python name of the error (ValueError); {path}: a file.
        text = _("unexpected error ({kind}); details are in the crash report {path}")
        where = report
    else:
        # Translators: {kind}: the Python name of the error (ValueError); {path}: the log folder.
        text = _("unexpected error ({kind}); details are in {path}")
        where = paths.log_dir()
    print("telephony-desktop: " + text.format(kind=kind, path=where), file=sys.stderr)
    return EXIT_FAILED
