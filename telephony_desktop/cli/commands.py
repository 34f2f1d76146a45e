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

from telephony_desktop.cli import text
from telephony_desktop.cli.jsonout import to_json
from telephony_desktop.cli.text import duration, table, when
from telephony_desktop.domain.errors import InputError, SecretStoreError
from telephony_desktop.domain.models import Call, E911Address
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import _, formats, ngettext, pgettext
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
    """What every command needs: parsed arguments, config location, secrets. ``lang`` is the
    language messages are shown in (already set process-wide: information only)."""

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
                # Translators: a listing could not be refreshed; {reason} is the error's sentence.
                _("showing the cached copy: {reason}").format(reason=fresh.error.user_message())
            )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AccountSession]:
        s = await open_session(self.account(), self.secrets)
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
            # Translators: {option} is --since or --until.
            _("{option} must be a date like 2026-11-22.").format(option=f"--{field}"),
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
                    _("--setting takes KEY=VALUE, not {text}.").format(text=repr(item)),
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
                _(
                    "{name} uses plain http:// to another computer: its credentials will "
                    "cross the network unencrypted. Use https:// unless you trust every network "
                    "in between (a PBX on your own LAN)."
                ).format(name=account.name)
            )
        fields = " / ".join(account.secret_fields)
        command = f"telephony-desktop account set-secret {account.name} {account.secret_fields[0]}"
        if account.spec.optional_secrets:
            # Translators: {fields}: the names of the account's secrets as typed in commands
            # (auth_token / password); {command}: the command that stores the first one.
            added = _("Added account {name}. Now store its {fields} (either or both): {command}")
        else:
            # Translators: {fields}: the name of the account's secret as typed in commands
            # (auth_token); {command}: the command that stores it.
            added = _("Added account {name}. Now store its {fields}: {command}")
        ctx.say(added.format(name=account.name, fields=fields, command=command))
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
            # Translators: {command}: the command that adds an account, printed after this.
            ctx.say(_("No accounts yet. {command}").format(command=settings.ADD_ACCOUNT_HINT))
        else:
            rows = [
                [
                    ("* " if e["default"] else "  ") + str(e["name"]),
                    str(e["provider"]),
                    str(e["account_id"]),
                    str(e["region"]),
                    display(str(e["caller_id"]), str(e["region"])),
                    ", ".join(
                        # Translators: one secret of an account in `account list`: its name
                        # (auth_token) and where it is (keyring, environment, missing).
                        _("{secret}: {where}").format(secret=k, where=text.secret_source(v))
                        for k, v in dict(e["secrets"]).items()
                    ),
                ]
                for e in entries
            ]
            headings = [
                pgettext("column", "account"),
                pgettext("column", "provider"),
                pgettext("column", "id"),
                pgettext("column", "region"),
                pgettext("column", "caller ID"),
                pgettext("column", "secrets"),
            ]
            ctx.say(table(headings, rows, max_width=72))  # the secrets, last, whole
        return 0
    if a.action == "remove":
        config = ctx.config()
        account = settings.get_account(config, a.name)
        settings.save_config(ctx.config_file, settings.remove_account(config, account.name))
        try:
            await asyncio.to_thread(ctx.secrets.delete_all, account.name, account.secret_fields)
        except SecretStoreError as exc:
            ctx.warn(
                # Translators: {reason} is the keyring error's sentence.
                _("the account was removed, but its secrets could not be deleted: {reason}").format(
                    reason=exc.user_message()
                )
            )
        ctx.say(_("Removed account {name}.").format(name=account.name))
        return 0
    if a.action == "set-secret":
        account = settings.get_account(ctx.config(), a.name)
        field = settings.check_secret_field(account, a.field or account.secret_fields[0])
        if a.stdin or not sys.stdin.isatty():
            value = sys.stdin.readline().rstrip("\r\n")
        else:
            # Translators: the prompt for a secret; {secret} is its name (auth_token, password).
            prompt = _("{secret} for {name}: ").format(secret=field, name=account.name)
            value = await asyncio.to_thread(getpass.getpass, prompt)
        await ctx.secrets.aset(account.name, field, value)
        ctx.say(
            # Translators: {secret} is the secret's name (auth_token, password).
            _("Stored {secret} for {name} in the system keyring.").format(
                secret=field, name=account.name
            )
        )
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
        _(
            "Wrote the diagnostic report to {path}. It holds versions, your settings, where "
            "each secret is stored (never the secrets themselves) and the recent log; attach it "
            "to your problem report."
        ).format(path=written)
    )
    return 0


# --- history -------------------------------------------------------------------------------


def _progress_printer(ctx: Context) -> Callable[[SyncProgress], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(p: SyncProgress) -> None:
        # Translators: a sync's progress, on one line that is rewritten as it goes.
        line = _("syncing: {pages} pages, {calls} calls, {new} new").format(
            pages=formats.number(p.pages_done),
            calls=formats.number(p.calls_fetched),
            new=formats.number(p.calls_new),
        )
        print(f"\r\x1b[K{line}", end="", file=sys.stderr, flush=True)

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
            # Translators: {fetched}, {pages} and {total} are counts too; the sentence's plural
            # follows {count}, the new calls.
            ngettext(
                "Synced: {count} new call ({fetched} fetched in {pages} pages). "
                "The cache holds {total} calls.",
                "Synced: {count} new calls ({fetched} fetched in {pages} pages). "
                "The cache holds {total} calls.",
                report.calls_new,
            ).format(
                count=formats.number(report.calls_new),
                fetched=formats.number(report.calls_fetched),
                pages=formats.number(report.pages),
                total=formats.number(total),
            )
        )
        return 0
    if a.action == "list":
        since, until = _date(a.since, "since"), _date(a.until, "until")
        if since and until and since > until:
            raise InputError(_("--since is after --until."), field="since")
        account = ctx.account()
        db, _audio = await open_cache(account)
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
                [*_call_headings(), pgettext("column", "cost")],
                [[*_call_cells(c, region), text.cost(c.billed_amount)] for c in rows],
            )
        )
        if last_sync is None:
            ctx.warn(
                _("the cache has never been synced: run `{command}`.").format(
                    command="telephony-desktop history sync"
                )
            )
        return 0
    raise AssertionError(a.action)


def _call_headings() -> list[str]:
    """The history table's columns (``history list``, ``overview``)."""
    return [
        pgettext("column", "date"),
        # Translators: a short column heading: the call's direction (in or out).
        pgettext("column", "dir"),
        pgettext("column", "from"),
        pgettext("column", "to"),
        pgettext("column", "name"),
        pgettext("column", "duration"),
        pgettext("column", "status"),
    ]


def _call_cells(c: Call, region: str) -> list[str]:
    return [
        when(c.started_at),
        text.direction("inbound" if c.direction == "inbound" else "outbound"),
        display(c.source, region),
        display(c.destination, region),
        c.callerid_name,
        duration(c.duration_s),
        text.call_status(c.status),
    ]


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
                    [
                        pgettext("column", "id"),
                        pgettext("column", "received"),
                        pgettext("column", "from"),
                        pgettext("column", "name"),
                        pgettext("column", "duration"),
                        "",
                    ],
                    [
                        [
                            v.voicemail.voicemail_id,
                            when(v.voicemail.received_at),
                            display(v.voicemail.callerid_number, s.region),
                            v.voicemail.callerid_name,
                            duration(v.voicemail.duration_s),
                            pgettext("voicemail", "new") if v.is_new else "",
                        ]
                        for v in fresh.value
                    ],
                )
            )
            return 0
        if a.action == "download":
            source = await service.audio_file(a.id)
            target, size = await asyncio.to_thread(_save_copy, source, a.output)
            ctx.say(
                # Translators: {size} is in kilobytes (KB: Ko in French).
                _("Saved voicemail {id} to {path} ({size} KB).").format(
                    id=a.id, path=target, size=formats.number(size // 1024)
                )
            )
            return 0
        if a.action == "delete":
            result = await service.delete(a.id)
            for warning in result.warnings:
                ctx.warn(warning.message())
            ctx.say(_("Deleted voicemail {id}.").format(id=a.id))
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
        # Each part of a number's routing, listed with "; " between them.
        parts = []
        if "enable_forwarding" in d.options and d.forward_number:
            number = display(d.forward_number, s.region)
            parts.append(_("forward to {number}").format(number=number))
        if "enable_peer" in d.options and d.peer_ids:
            # Translators: {devices}: the ids of the devices (peers) that ring, comma-separated.
            parts.append(_("peers {devices}").format(devices=",".join(d.peer_ids)))
        if "enable_voicemail" in d.options and d.mailbox_id:
            # Translators: {mailbox}: the id of the voicemail box the calls go to.
            parts.append(_("voicemail {mailbox}").format(mailbox=d.mailbox_id))
        if "enable_recording" in d.options:
            # Translators: the number's calls are recorded.
            parts.append(pgettext("number routing", "recorded"))
        return "; ".join(parts) or formats.NO_VALUE

    ctx.say(
        table(
            [
                pgettext("column", "id"),
                pgettext("column", "number"),
                pgettext("column", "name"),
                pgettext("column", "routing"),
                pgettext("column", "status"),
            ],
            [
                [
                    d.did_id,
                    display(d.phone_number, s.region),
                    d.friendly_name,
                    routing(d),
                    text.number_status(d.status),
                ]
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
                ctx.warn(_("no emergency address is on file for {number}.").format(number=a.number))
                return 5
            addr = endpoint.address
            ctx.say(
                # Translators: the first line of `e911 show`: the number, then the provider's id
                # of its emergency address record (endpoint).
                _("{number}  (endpoint {id})").format(
                    number=display(endpoint.phone_number, s.region), id=endpoint.endpoint_id
                )
            )
            ctx.say(f"  {addr.first_name} {addr.last_name}")
            ctx.say(f"  {addr.one_line()}")
            if endpoint.peer_ids:
                # Translators: the devices (peers) whose 911 calls give this address.
                devices = _("devices: {devices}").format(devices=", ".join(endpoint.peer_ids))
                ctx.say(f"  {devices}")
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
                            {"code": p.code, "message": p.message()} for p in result.problems
                        ],
                    }
                )
            elif result.valid:
                ctx.say(_("Valid: {address}").format(address=address.one_line()))
            else:
                ctx.say(_("Not an exact match for the emergency service."))
                for p in result.problems:
                    ctx.say(f"  - {p.message()}")
                if result.alternates:
                    ctx.say(_("Did you mean:"))
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
        url = s.account.base_url or _("default URL")
        if ctx.args.demo:
            ctx.say(
                _("Account {name} on the built-in sandbox ({url}).").format(
                    name=s.account.name, url=url
                )
            )
        else:
            ctx.say(
                _("Account {name} on the provider ({url}).").format(name=s.account.name, url=url)
            )
        report = await HistorySync(s.db, s.client).run(_progress_printer(ctx))
        if sys.stderr.isatty():
            print(file=sys.stderr)
        ctx.say(
            # Translators: {pages} is a count too; the plural follows {count}, the calls.
            ngettext(
                "History: {count} call synced in {pages} pages. Latest:",
                "History: {count} calls synced in {pages} pages. Latest:",
                report.calls_new,
            ).format(count=formats.number(report.calls_new), pages=formats.number(report.pages))
        )
        latest = await s.db.run(calls_store.query_calls, limit=8)
        ctx.say(table(_call_headings(), [_call_cells(c, s.region) for c in latest]))
        vms = (await VoicemailService(s).listing()).value
        new = sum(1 for v in vms if v.is_new)
        ctx.say(
            "\n"
            # Translators: {new} is a count too; the plural follows {count}, the messages.
            + ngettext(
                "Voicemail: {count} message, {new} new.",
                "Voicemail: {count} messages, {new} new.",
                len(vms),
            ).format(count=formats.number(len(vms)), new=formats.number(new))
        )
        dids = (await DidService(s).listing()).value
        ctx.say(
            # Translators: {numbers}: the account's phone numbers, comma-separated.
            ngettext(
                "Numbers: {count} DID: {numbers}", "Numbers: {count} DIDs: {numbers}", len(dids)
            ).format(
                count=formats.number(len(dids)),
                numbers=", ".join(display(d.phone_number) for d in dids),
            )
        )
        endpoints = (await E911Service(s).listing()).value
        ctx.say(
            ngettext(
                "E911: {count} emergency address on file.",
                "E911: {count} emergency addresses on file.",
                len(endpoints),
            ).format(count=formats.number(len(endpoints)))
        )
    commands = (
        "telephony-desktop --demo history list --search Côté | voicemail list | "
        "dids list | call 514-555-0199"
    )
    # Translators: {commands}: commands to try next, as typed.
    ctx.say("\n" + _("Try: {commands}").format(commands=commands))
    return 0


# --- sandbox ------------------------------------------------------------------------------------


def sandbox_cmd(ctx: Context) -> int:
    from telephony_desktop.sandbox import SandboxServer
    from telephony_desktop.store.settings import is_loopback_host

    a = ctx.args
    if not is_loopback_host(a.host):
        raise InputError(
            _("The sandbox only listens on this machine (127.0.0.1, ::1 or localhost)."),
            field="host",
        )
    server = SandboxServer(host=a.host, port=a.port, seed=a.seed, call_count=a.calls)
    for spec in a.variant:
        try:
            server.variants.set_from_spec(spec)
        except ValueError as exc:
            raise InputError(
                # Translators: {variant}: what was typed after --variant; {reason}: what is wrong
                # with it (in English: the sandbox is a developer's tool).
                _("--variant {variant}: {reason}.").format(variant=spec, reason=exc),
                field="variant",
            ) from None
    server.start()
    try:
        ctx.say(_("Sandbox listening: {url}").format(url=server.base_url))
        ctx.say(
            "  "
            + _("account id {id}; auth token {token} (sandbox only)").format(
                id=server.account_id, token=server.auth_token
            )
        )
        ctx.say(_("To use it from another terminal:"))
        ctx.say(
            f"  telephony-desktop account add sandbox --provider voicemeup --account-id "
            f"{server.account_id} --base-url {server.base_url}"
        )
        ctx.say(f"  export {secret_env_var('sandbox', 'auth_token')}={server.auth_token}")
        if a.live > 0:
            server.start_live(interval_s=a.live)
        ctx.say(_("Press Ctrl+C to stop."))
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
