"""Run the sandbox as its own process: ``python -m telephony_desktop.sandbox --port 8765``.

Prints the engine URL, account and token, then serves until interrupted. Faults, calls and
voicemails can then be driven through the loopback control API (see :mod:`.server`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import datetime

from telephony_desktop.sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m telephony_desktop.sandbox")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--account-id", default="80012345")
    parser.add_argument("--auth-token", default=None, help="32 hex (random when omitted)")
    parser.add_argument("--call-count", type=int, default=2400)
    parser.add_argument("--now", default=None, help="ISO date-time the data is relative to")
    parser.add_argument("--failure-status", type=int, default=200)
    parser.add_argument("--live", type=float, default=0.0, help="live mode interval (seconds)")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="PROVIDER=NAME[,NAME]",
        help="serve a real-world shape instead of the documented one, e.g. voicemeup=real",
    )
    args = parser.parse_args(argv)

    async def serve() -> None:
        server = SandboxServer(
            args.host,
            args.port,
            seed=args.seed,
            account_id=args.account_id,
            auth_token=args.auth_token,
            call_count=args.call_count,
            now=datetime.fromisoformat(args.now) if args.now else None,
            failure_status=args.failure_status,
        )
        for spec in args.variant:
            server.variants.set_from_spec(spec)
        await server.start_async()
        if args.live > 0:
            server.start_live(args.live)
        print(f"endpoint:          {server.base_url}", flush=True)
        print(f"client_account_id: {server.account_id}", flush=True)
        print(f"auth_token:        {server.auth_token}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop_async()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
