"""``--demo``: the app against an in-process sandbox, with a throw-away config, cache and logs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import secret_env_var

DEMO_ACCOUNT = "demo"


@contextmanager
def demo_environment(*, live_interval_s: float = 20.0) -> Iterator[SandboxServer]:
    """Start the sandbox on loopback and point config, data, logs and the demo secret at it.

    The demo token is the sandbox's own, handed over through the environment override of this
    process only: nothing is written to the keyring.
    """
    saved = {
        name: os.environ.get(name)
        for name in (
            paths.ENV_CONFIG,
            paths.ENV_DATA_DIR,
            paths.ENV_LOG_DIR,
            secret_env_var(DEMO_ACCOUNT, "auth_token"),
        )
    }
    with (
        tempfile.TemporaryDirectory(prefix="telephony-desktop-demo-") as tmp,
        SandboxServer() as server,
    ):
        root = Path(tmp)
        os.environ[paths.ENV_CONFIG] = str(root / "config.toml")
        os.environ[paths.ENV_DATA_DIR] = str(root / "data")
        os.environ[paths.ENV_LOG_DIR] = str(root / "logs")
        os.environ[secret_env_var(DEMO_ACCOUNT, "auth_token")] = server.auth_token
        try:
            with server.state.lock:
                first_did = min(server.state.dids.values(), key=lambda d: d.client_did_id)
                first_peer = min(server.state.peers.values(), key=lambda p: p.client_peer_id)
            account = settings.Account(
                name=DEMO_ACCOUNT,
                provider="voicemeup",
                account_id=server.account_id,
                caller_id=first_did.phone_number,
                region="CA",
                base_url=server.base_url,
                settings={"ring_first": f"peer:{first_peer.username}"},
            )
            config = settings.add_account(settings.Config(), account, make_default=True)
            settings.save_config(paths.config_path(), config)
            if live_interval_s > 0:
                server.start_live(interval_s=live_interval_s)
            yield server
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
