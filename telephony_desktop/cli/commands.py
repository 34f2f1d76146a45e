"""What each command does: thin glue from arguments to services, and results to the terminal."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from telephony_desktop.cli.jsonout import to_json
from telephony_desktop.cli.text import duration, table, when
from telephony_desktop.domain.errors import InputError, SecretStoreError
from telephony_desktop.domain.models import E911Address
from telephony_desktop.domain.numbers import display
from telephony_desktop.services.dids import DidService
from telephony_desktop.services.e911 import E911Service
from telephony_desktop.services.freshness import Fresh
from telephony_desktop.services.session import AccountSession, open_cache, open_session
from telephony_desktop.services.sync import LAST_SYNC_META, HistorySync, SyncProgress
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.store import calls as calls_store
from telephony_desktop.store import paths, settings
from telephony_desktop.store.audio import write_atomic
from telephony_desktop.store.secrets import SecretStore, secret_env_var
from telephony_desktop.store.state import get_meta

log = logging.getLogger(__name__)


class Context:
    """What every command needs: parsed arguments, language, config location, secrets."""

    def __init__(self, args: argparse.Namespace, lang: str) -> None:
        self.args = args
        self.lang = lang
        self.config_file = paths.config_path(Path(args.config) if args.config else None)
        self.secrets = SecretStore()

    def config(self) -> settings.Config:
        return settings.load_config(self.config_file)

    def account(self) -> settings.Account:
        return settings.get_account(self.config(), self.args.account)

    def say(self, text: str) -> None:
        print(text, flush=True)

    def warn(self, text: str) -> None:
        print(f"telephony-desktop: {text}", file=sys.stderr, flush=True)

    def json(self, value: object) -> None:
        json.dump(to_json(value), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")

    def note_stale(self, fresh: Fresh[Any]) -> None:
        if fresh.error is not None:
            self.warn(
                "showing the cached copy: " + fresh.error.user_message(self.lang)
                if self.lang != "fr"
                else "copie en cache affichée : " + fresh.error.user_message("fr")
            )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AccountSession]:
        s = await open_session(self.account(), self.secrets, language=self.lang)
        try:
            yield s
        finally:
            await s.aclose()


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--{field} must be a date like 2026-11-22.",
            f"--{field} doit être une date comme 2026-11-22.",
            field=field,
        ) from None


# --- account -------------------------------------------------------------------------------


async def account_cmd(ctx: Context) -> int:
    a = ctx.args
    if a.action == "add":
        extra: dict[str, settings.SettingValue] = {"ring_first": a.ring} if a.ring else {}
        for item in a.setting:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise InputError(
                    f"--setting takes KEY=VALUE, not {item!r}.",
                    f"--setting prend CLE=VALEUR, pas {item!r}.",
                    field="settings",
                )
            extra[key.strip()] = value.strip()
        account = settings.Account(
            name=a.name,
            provider=a.provider,
            account_id=a.account_id or "",
            caller_id=a.caller_id or "",
            region=a.region,
            base_url=a.base_url,
            allow_insecure_http=a.allow_insecure_http,
            settings=extra,
        )
        config = settings.add_account(ctx.config(), account, make_default=a.default)
        settings.save_config(ctx.config_file, config)
        if account.allow_insecure_http and _insecure_remote(account.base_url):
            ctx.warn(
                f"{account.name} uses plain http:// to another computer: its credentials will "
                "cross the network unencrypted. Use https:// unless you trust every network "
                "in between (a PBX on your own LAN)."
            )
        fields = " / ".join(account.secret_fields)
        either = " (either or both)" if account.spec.optional_secrets else ""
        ctx.say(
            f"Added account {account.name}. Now store its {fields}{either}: "
            f"telephony-desktop account set-secret {account.name} {account.secret_fields[0]}"
        )
        return 0
    if a.action == "list":
        config = ctx.config()
        entries: list[dict[str, Any]] = []
        for acc in config.accounts:
            secrets: dict[str, str] = {}
            for name in acc.secret_fields:
                try:
                    where = await asyncio.to_thread(ctx.secrets.source, acc.name, name)
                    secrets[name] = where or "missing"
                except SecretStoreError:
                    secrets[name] = "unavailable"
            entries.append(
                {
                    "name": acc.name,
                    "provider": acc.provider,
                    "account_id": acc.account_id,
                    "region": acc.region,
                    "caller_id": acc.caller_id,
                    "base_url": acc.base_url,
                    "default": acc.name == (config.default_account or ""),
                    "secrets": secrets,
                }
            )
        if a.json:
            ctx.json(entries)
        elif not entries:
            ctx.say(f"No accounts yet. {settings.ADD_ACCOUNT_HINT}")
        else:
            rows = [
                [
                    ("* " if e["default"] else "  ") + str(e["name"]),
                    str(e["provider"]),
                    str(e["account_id"]),
                    str(e["region"]),
                    display(str(e["caller_id"]), str(e["region"])),
                    ", ".join(f"{k}: {v}" for k, v in dict(e["secrets"]).items()),
                ]
                for e in entries
            ]
            ctx.say(table(["account", "provider", "id", "region", "caller ID", "secrets"], rows))
        return 0
    if a.action == "remove":
        config = ctx.config()
        account = settings.get_account(config, a.name)
        settings.save_config(ctx.config_file, settings.remove_account(config, account.name))
        try:
            await asyncio.to_thread(ctx.secrets.delete_all, account.name, account.secret_fields)
        except SecretStoreError as exc:
            ctx.warn("the account was removed, but its secrets could not be deleted: " + str(exc))
        ctx.say(f"Removed account {account.name}.")
        return 0
    if a.action == "set-secret":
        account = settings.get_account(ctx.config(), a.name)
        field = settings.check_secret_field(account, a.field or account.secret_fields[0])
        if a.stdin or not sys.stdin.isatty():
            value = sys.stdin.readline().rstrip("\r\n")
        else:
            value = await asyncio.to_thread(getpass.getpass, f"{field} for {account.name}: ")
        await ctx.secrets.aset(account.name, field, value)
        ctx.say(f"Stored {field} for {account.name} in the system keyring.")
        return 0
    raise AssertionError(a.action)


def _insecure_remote(url: str | None) -> bool:
    """A plain http:// URL to another computer (what ``allow_insecure_http`` lets through)."""
    from urllib.parse import urlsplit

    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "http" and not settings.is_loopback_host(parts.hostname or "")


# --- diagnostics ---------------------------------------------------------------------------


async def diagnostics_cmd(ctx: Context) -> int:
    """Write the diagnostic bundle ("Report a problem" in the window) to ``-o`` or here."""
    from telephony_desktop.diagnostics import default_bundle_name, write_bundle

    target = Path(ctx.args.output) if ctx.args.output else Path(default_bundle_name())
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    written = await asyncio.to_thread(
        write_bundle,
        target,
        config_path=ctx.config_file,
        log_dir=paths.log_dir(),
        store=ctx.secrets,
    )
    ctx.say(
        f"Wrote the diagnostic report to {written}. It holds versions, your settings, where "
        "each secret is stored (never the secrets themselves) and the recent log; attach it "
        "to your problem report."
    )
    return 0


# --- history -------------------------------------------------------------------------------


def _progress_printer(ctx: Context) -> Callable[[SyncProgress], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(p: SyncProgress) -> None:
        print(
            f"\r\x1b[Ksyncing: {p.pages_done} pages, {p.calls_fetched} calls, {p.calls_new} new",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


async def history_cmd(ctx: Context) -> int:
    a = ctx.args
    if a.action == "sync":
        async with ctx.session() as s:
            report = await HistorySync(s.db, s.client, batch_calls=10_000, batch_seconds=1.0).run(
                _progress_printer(ctx)
            )
            total = await s.db.run(calls_store.count_calls)
        if sys.stderr.isatty():
            print(file=sys.stderr)
        ctx.say(
            f"Synced: {report.calls_new} new calls ({report.calls_fetched} fetched in "
            f"{report.pages} pages). The cache holds {total} calls."
        )
        return 0
    if a.action == "list":
        since, until = _date(a.since, "since"), _date(a.until, "until")
        if since and until and since > until:
            raise InputError(
                "--since is after --until.", "--since est après --until.", field="since"
            )
        account = ctx.account()
        db, _ = await open_cache(account)
        try:
            rows = await db.run(
                calls_store.query_calls,
                since=datetime.combine(since, time.min) if since else None,
                until=datetime.combine(until + timedelta(days=1), time.min) if until else None,
                direction=a.direction,
                status=a.status,
                search=a.search,
                limit=None if a.limit == 0 else a.limit,
            )
            last_sync = await db.run(get_meta, LAST_SYNC_META)
        finally:
            await db.close()
        if a.json:
            ctx.json(rows)
            return 0
        region = account.region
        ctx.say(
            table(
                ["date", "dir", "from", "to", "name", "duration", "status", "cost"],
                [
                    [
                        when(c.started_at),
                        "in" if c.direction == "inbound" else "out",
                        display(c.source, region),
                        display(c.destination, region),
                        c.callerid_name,
                        duration(c.duration_s),
                        c.status,
                        f"{c.billed_amount:.4f}" if c.billed_amount is not None else "",
                    ]
                    for c in rows
                ],
            )
        )
        if last_sync is None:
            ctx.warn("the cache has never been synced: run `telephony-desktop history sync`.")
        return 0
    raise AssertionError(a.action)


def _save_copy(source: Path, output: str) -> tuple[Path, int]:
    """Copy a cached audio file to where the user asked, never leaving a partial file there."""
    target = Path(output).expanduser().absolute()
    data = source.read_bytes()
    write_atomic(target, data)
    return target, len(data)


# --- voicemail ----------------------------------------------------------------------------


async def voicemail_cmd(ctx: Context) -> int:
    a = ctx.args
    async with ctx.session() as s:
        service = VoicemailService(s)
        if a.action == "list":
            fresh = await service.listing()
            ctx.note_stale(fresh)
            if a.json:
                ctx.json(
                    [
                        {
                            **to_json(v.voicemail),
                            "status": "new" if v.is_new else "heard",
                            "cached_audio": v.audio_path,
                        }
                        for v in fresh.value
                    ]
                )
                return 0
            ctx.say(
                table(
                    ["id", "received", "from", "name", "duration", ""],
                    [
                        [
                            v.voicemail.voicemail_id,
                            when(v.voicemail.received_at),
                            display(v.voicemail.callerid_number, s.region),
                            v.voicemail.callerid_name,
                            duration(v.voicemail.duration_s),
                            "new" if v.is_new else "",
                        ]
                        for v in fresh.value
                    ],
                )
            )
            return 0
        if a.action == "download":
            source = await service.audio_file(a.id)
            target, size = await asyncio.to_thread(_save_copy, source, a.output)
            ctx.say(f"Saved voicemail {a.id} to {target} ({size // 1024} KB).")
            return 0
        if a.action == "delete":
            result = await service.delete(a.id)
            for warning in result.warnings:
                ctx.warn(warning.message(ctx.lang))
            ctx.say(f"Deleted voicemail {a.id}.")
            return 0
    raise AssertionError(a.action)


# --- DIDs -------------------------------------------------------------------------------------


async def dids_cmd(ctx: Context) -> int:
    async with ctx.session() as s:
        fresh = await DidService(s).listing()
    ctx.note_stale(fresh)
    if ctx.args.json:
        ctx.json(fresh.value)
        return 0

    def routing(d: Any) -> str:
        parts = []
        if "enable_forwarding" in d.options and d.forward_number:
            parts.append(f"forward to {display(d.forward_number, s.region)}")
        if "enable_peer" in d.options and d.peer_ids:
            parts.append("peers " + ",".join(d.peer_ids))
        if "enable_voicemail" in d.options and d.mailbox_id:
            parts.append(f"voicemail {d.mailbox_id}")
        if "enable_recording" in d.options:
            parts.append("recorded")
        return "; ".join(parts) or "—"

    ctx.say(
        table(
            ["id", "number", "name", "routing", "status"],
            [
                [d.did_id, display(d.phone_number, s.region), d.friendly_name, routing(d), d.status]
                for d in fresh.value
            ],
            max_width=48,
        )
    )
    return 0


# --- E911 -------------------------------------------------------------------------------------


async def e911_cmd(ctx: Context) -> int:
    a = ctx.args
    async with ctx.session() as s:
        service = E911Service(s)
        if a.action == "show":
            fresh = await service.show(a.number)
            ctx.note_stale(fresh)
            endpoint = fresh.value
            if a.json:
                ctx.json(endpoint)
                return 0 if endpoint else 5
            if endpoint is None:
                ctx.warn(f"no emergency address is on file for {a.number}.")
                return 5
            addr = endpoint.address
            ctx.say(
                f"{display(endpoint.phone_number, s.region)}  (endpoint {endpoint.endpoint_id})\n"
                f"  {addr.first_name} {addr.last_name}\n  {addr.one_line()}"
                + (f"\n  devices: {', '.join(endpoint.peer_ids)}" if endpoint.peer_ids else "")
            )
            return 0
        if a.action == "validate":
            address = E911Address(
                first_name="",
                last_name="",
                civic_number=a.civic,
                street=a.street,
                city=a.city,
                state_code=a.state,
                country_code=a.country,
                postal_code=a.postal,
                address_type=a.unit_type or "",
                address_type_number=a.unit or "",
            )
            result = await service.validate(a.number, address)
            if a.json:
                ctx.json(
                    {
                        "valid": result.valid,
                        "alternates": result.alternates,
                        "problems": [
                            {"code": p.code, "message": p.message(ctx.lang)}
                            for p in result.problems
                        ],
                    }
                )
            elif result.valid:
                ctx.say(f"Valid: {address.one_line()}")
            else:
                ctx.say("Not an exact match for the emergency service.")
                for p in result.problems:
                    ctx.say(f"  - {p.message(ctx.lang)}")
                if result.alternates:
                    ctx.say("Did you mean:")
                    for i, alt in enumerate(result.alternates, 1):
                        ctx.say(f"  {i}. {alt.one_line()}")
            return 0 if result.valid else 5
    raise AssertionError(a.action)


# --- call -------------------------------------------------------------------------------------


async def quiet_sync(ctx: Context) -> None:
    async with ctx.session() as s:
        await HistorySync(s.db, s.client).run()


# --- demo tour ----------------------------------------------------------------------------------


async def demo_tour(ctx: Context) -> int:
    """``overview``: a sync and a look at each feature, in the terminal."""
    async with ctx.session() as s:
        where = "the built-in sandbox" if ctx.args.demo else "the provider"
        ctx.say(f"Account {s.account.name} on {where} ({s.account.base_url or 'default URL'}).")
        report = await HistorySync(s.db, s.client).run(_progress_printer(ctx))
        if sys.stderr.isatty():
            print(file=sys.stderr)
        ctx.say(f"History: {report.calls_new} calls synced in {report.pages} pages. Latest:")
        latest = await s.db.run(calls_store.query_calls, limit=8)
        ctx.say(
            table(
                ["date", "dir", "from", "to", "name", "duration", "status"],
                [
                    [
                        when(c.started_at),
                        "in" if c.direction == "inbound" else "out",
                        display(c.source, s.region),
                        display(c.destination, s.region),
                        c.callerid_name,
                        duration(c.duration_s),
                        c.status,
                    ]
                    for c in latest
                ],
            )
        )
        vms = (await VoicemailService(s).listing()).value
        new = sum(1 for v in vms if v.is_new)
        ctx.say(f"\nVoicemail: {len(vms)} messages, {new} new.")
        dids = (await DidService(s).listing()).value
        ctx.say(f"Numbers: {len(dids)} DIDs: " + ", ".join(display(d.phone_number) for d in dids))
        endpoints = (await E911Service(s).listing()).value
        ctx.say(f"E911: {len(endpoints)} emergency addresses on file.")
    ctx.say(
        "\nTry: telephony-desktop --demo history list --search Côté | voicemail list | "
        "dids list | call 514-555-0199"
    )
    return 0


# --- sandbox ------------------------------------------------------------------------------------


def sandbox_cmd(ctx: Context) -> int:
    from telephony_desktop.sandbox import SandboxServer
    from telephony_desktop.store.settings import is_loopback_host

    a = ctx.args
    if not is_loopback_host(a.host):
        raise InputError(
            "The sandbox only listens on this machine (127.0.0.1, ::1 or localhost).",
            "Le bac à sable n'écoute que sur cette machine (127.0.0.1, ::1 ou localhost).",
            field="host",
        )
    server = SandboxServer(host=a.host, port=a.port, seed=a.seed, call_count=a.calls)
    for spec in a.variant:
        try:
            server.variants.set_from_spec(spec)
        except ValueError as exc:
            raise InputError(
                f"--variant {spec}: {exc}.", f"--variant {spec} : {exc}.", field="variant"
            ) from None
    server.start()
    try:
        ctx.say(f"Sandbox listening: {server.base_url}")
        ctx.say(f"  account id {server.account_id}; auth token {server.auth_token} (sandbox only)")
        ctx.say("To use it from another terminal:")
        ctx.say(
            f"  telephony-desktop account add sandbox --provider voicemeup --account-id "
            f"{server.account_id} --base-url {server.base_url}"
        )
        ctx.say(f"  export {secret_env_var('sandbox', 'auth_token')}={server.auth_token}")
        if a.live > 0:
            server.start_live(interval_s=a.live)
        ctx.say("Press Ctrl+C to stop.")
        forever = threading.Event()
        while not forever.wait(3600):
            pass
    finally:
        server.stop()
    return 0


__all__ = [
    "Context",
    "account_cmd",
    "demo_tour",
    "dids_cmd",
    "e911_cmd",
    "history_cmd",
    "sandbox_cmd",
    "voicemail_cmd",
]
