"""``--demo``: the app against an in-process sandbox, with a throw-away config, cache and logs.

Only the language and theme chosen in the demo's Settings outlive it: they are kept in
``paths.demo_preferences_path()``, beside the user's real config (``settings.save_config`` writes
them back while the demo runs), and the next demo starts with them.
"""

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
DEMO_AGENT_NUMBER = "+15145550100"  # "your own phone" for the TeleCMI bridge


def demo_accounts(server: SandboxServer) -> list[tuple[settings.Account, dict[str, str]]]:
    """One account per provider on ``server``, each with its secrets: VoiceMeUp (``demo``, the
    main account), TeleCMI (``bridge``), Simotel (``pbx``), TrueCNAM (``callername``) and Verba
    (``recorder``)."""
    with server.state.lock:
        first_did = min(server.state.dids.values(), key=lambda d: d.client_did_id)
        first_peer = min(server.state.peers.values(), key=lambda p: p.client_peer_id)
    origin = server.origin
    return [
        (
            settings.Account(
                name=DEMO_ACCOUNT,
                provider="voicemeup",
                account_id=server.account_id,
                caller_id=first_did.phone_number,
                region="CA",
                base_url=server.base_url,
                settings={"ring_first": f"peer:{first_peer.username}"},
            ),
            {"auth_token": server.auth_token},
        ),
        (
            settings.Account(
                name="bridge",
                provider="telecmi",
                account_id=server.telecmi.appid,
                caller_id=first_did.phone_number,
                region="CA",
                base_url=origin,
                settings={"agent_number": DEMO_AGENT_NUMBER, "endpoint": "global"},
            ),
            {"secret": server.telecmi.secret},
        ),
        (
            settings.Account(
                name="pbx",
                provider="simotel",
                region="CA",
                base_url=origin,
                settings={
                    "username": server.simotel.username,
                    "caller": "557",
                    "context": "main_routing",
                    "timeout": 30,
                },
            ),
            {"api_key": server.simotel.api_key, "password": server.simotel.password},
        ),
        (
            settings.Account(
                name="callername",
                provider="truecnam",
                region="CA",
                base_url=origin + "/api/v1",
                settings={"username": server.truecnam.username},
            ),
            {"password": server.truecnam.password},
        ),
        (
            settings.Account(
                name="recorder",
                provider="verba",
                region="CA",
                base_url=origin + "/verba/api",
                settings={"username": server.verba.login},
            ),
            {"api_key": server.verba.api_key, "password": server.verba.password},
        ),
    ]


@contextmanager
def demo_environment(*, live_interval_s: float = 20.0) -> Iterator[SandboxServer]:
    """Start the sandbox on loopback and point config, data, logs and the demo secret at it.

    The demo token is the sandbox's own, handed over through the environment override of this
    process only: nothing is written to the keyring. The config starts with the language and
    theme of the last demo, and keeps a new choice of them for the next one.
    """
    preferences = paths.demo_preferences_path()  # the real config folder: asked before the switch
    saved: dict[str, str | None] = {
        name: os.environ.get(name)
        for name in (paths.ENV_CONFIG, paths.ENV_DATA_DIR, paths.ENV_LOG_DIR)
    }
    with (
        tempfile.TemporaryDirectory(prefix="telephony-desktop-demo-") as tmp,
        SandboxServer() as server,
    ):
        root = Path(tmp)
        demo_config = root / "config.toml"
        os.environ[paths.ENV_CONFIG] = str(demo_config)
        os.environ[paths.ENV_DATA_DIR] = str(root / "data")
        os.environ[paths.ENV_LOG_DIR] = str(root / "logs")
        try:
            remembered = settings.load_demo_preferences(preferences)
            config = settings.Config(
                language=remembered.get("language", "system"),
                theme=remembered.get("theme", "system"),
            )
            for account, secrets in demo_accounts(server):
                for field, secret in secrets.items():
                    var = secret_env_var(account.name, field)
                    saved.setdefault(var, os.environ.get(var))
                    os.environ[var] = secret
                config = settings.add_account(
                    config, account, make_default=account.name == DEMO_ACCOUNT
                )
            settings.save_config(demo_config, config)
            settings.keep_demo_preferences(demo_config, preferences)
            if live_interval_s > 0:
                server.start_live(interval_s=live_interval_s)
            yield server
        finally:
            settings.keep_demo_preferences(demo_config, None)
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
