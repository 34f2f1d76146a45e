"""The command-line face of the services: ``telephony-desktop COMMAND``."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from telephony_desktop.cli import commands
from telephony_desktop.cli.parser import build_parser
from telephony_desktop.diagnostics import setup_logging
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
from telephony_desktop.providers.http import redact_text
from telephony_desktop.store import paths

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


def _language(choice: str | None) -> str:
    if choice:
        return choice
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


async def _dispatch(ctx: commands.Context) -> int:
    from telephony_desktop.cli import route_commands

    handlers = {
        "account": commands.account_cmd,
        "history": commands.history_cmd,
        "voicemail": commands.voicemail_cmd,
        "dids": commands.dids_cmd,
        "e911": commands.e911_cmd,
        "call": route_commands.call_cmd,
        "recording": route_commands.recording_cmd,
        "call-status": route_commands.call_status_cmd,
    }
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = _language(args.lang)
    if args.command is None:
        from telephony_desktop.ui.app import run_gui  # Qt loads only for the window

        setup_logging(paths.log_dir(), debug=args.debug)
        config = paths.config_path(Path(args.config) if args.config else None)
        return run_gui(config_path=config, account=args.account, lang=lang, demo=args.demo)
    if args.demo:  # the demo brings its own throw-away config and account
        args.config, args.account = None, DEMO_ACCOUNT
    try:
        with _maybe_demo(args.demo):
            setup_logging(paths.log_dir(), debug=args.debug)
            log.info("command: %s", args.command or "demo")
            ctx = commands.Context(args, lang)
            if args.command == "sandbox":
                return commands.sandbox_cmd(ctx)
            return asyncio.run(_dispatch(ctx))
    except KeyboardInterrupt:
        print("telephony-desktop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TelephonyError as exc:
        log.info("failed: %s (%s)", type(exc).__name__, exc.message_en)
        print(f"telephony-desktop: {redact_text(exc.user_message(lang))}", file=sys.stderr)
        return exit_code(exc)
    except Exception as exc:
        log.exception("unexpected error")
        print(
            f"telephony-desktop: unexpected error ({type(exc).__name__}); details are in "
            f"{paths.log_dir()}",
            file=sys.stderr,
        )
        return EXIT_FAILED
