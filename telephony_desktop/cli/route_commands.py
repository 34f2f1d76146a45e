"""Commands that work across providers: ``call --route``, ``recording find`` (Verba) and
``account test``."""

from __future__ import annotations

from pathlib import Path

from telephony_desktop.cli import text
from telephony_desktop.cli.commands import Context
from telephony_desktop.domain.errors import InputError, OutcomeUnknown
from telephony_desktop.domain.models import PlacedCall
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import _
from telephony_desktop.services.accounts import ClientPool, check_account, open_client
from telephony_desktop.services.call_routes import (
    Route,
    call_routes,
    describe_legs,
    find_route,
    place_routed_call,
    prepare_routed_call,
    read_call_status,
)
from telephony_desktop.services.caller_name import (
    Announcement,
    announce,
    caller_name_account,
)
from telephony_desktop.services.verba_recordings import VerbaLookup, media_dir, parse_status
from telephony_desktop.store import settings

# Which route field ``--ring`` fills: the phone that rings first.
_RING_FIELD = {"voicemeup": "ring_first", "telecmi": "agent_number", "simotel": "caller"}


def _route(ctx: Context, config: settings.Config) -> Route:
    a = ctx.args
    if a.route:
        return find_route(config, a.route)
    if a.account:
        return find_route(config, a.account)
    routes = call_routes(config)
    if not routes:
        raise InputError(
            _("No account can place calls: add a VoiceMeUp, TeleCMI or Simotel account."),
            field="route",
        )
    return routes[0]


async def _announce(
    ctx: Context, config: settings.Config, clients: ClientPool, calling: str, called: str
) -> Announcement | None:
    account = caller_name_account(config)
    if account is None or ctx.args.no_caller_name:
        return None
    return await announce(clients, account, calling=calling, called=called)


def _report(ctx: Context, outcome: Announcement | None, *, force: bool) -> None:
    if outcome is not None and outcome.state != "sent" and force:
        ctx.warn(outcome.message)


async def call_cmd(ctx: Context) -> int:
    """Place one call on a route; TrueCLID rides beside it. Never retried."""
    a = ctx.args
    config = ctx.config()
    route = _route(ctx, config)
    fields = {_RING_FIELD[route.provider]: a.ring} if a.ring else {}
    prepared = prepare_routed_call(
        route, a.number, region=route.account.region, caller_id=a.caller_id or "", fields=fields
    )
    dest = prepared.destination.e164
    clients = ClientPool(ctx.secrets)
    try:
        try:
            result = await place_routed_call(await clients.get(route.account), prepared)
        except OutcomeUnknown:
            # The call may be ringing: TrueCNAM is still told, then the outcome is reported.
            outcome = await _announce(ctx, config, clients, prepared.caller_id, dest)
            _report(ctx, outcome, force=True)
            raise
        # Only a call the provider took is announced; the user's own phone rings first, so
        # the announcement still precedes the callee's ring.
        outcome = await _announce(ctx, config, clients, prepared.caller_id, dest)
    finally:
        await clients.aclose()
    _report(ctx, outcome, force=not a.json)
    region = route.account.region
    if a.json:
        ctx.json(
            {
                "route": route.name,
                "provider": route.provider,
                "reference": result.reference,
                "status": result.status,
                "destination": prepared.destination.e164,
                "caller_id": prepared.caller_id,
                "warnings": [w.message() for w in result.warnings],
                "caller_name": None
                if outcome is None
                else {"state": outcome.state, "message": outcome.message},
            }
        )
        return 0
    ctx.say(
        # Translators: {route}: the account that places the call; {provider}: its provider's
        # key (telecmi); {reference}: the provider's reference of the call; {status}: what the
        # provider said of it (in progress, dispatched...).
        _(
            "Calling {number} through {route} ({provider}): your phone rings first "
            "(reference {reference}, {status})."
        ).format(
            number=display(prepared.destination.e164, region),
            route=route.name,
            provider=route.provider,
            reference=result.reference or "-",
            status=text.placed_status(result.status),
        )
    )
    for note in prepared.notes:
        ctx.say(note)
    for warning in result.warnings:
        ctx.warn(warning.message())
    if outcome is not None and outcome.state == "sent":
        ctx.say(outcome.message)
    return 0


async def call_status_cmd(ctx: Context) -> int:
    """The legs TeleCMI logged for a bridge it accepted."""
    config = ctx.config()
    route = find_route(config, ctx.args.route or "telecmi")
    placed = PlacedCall(route.provider, ctx.args.reference.strip())
    client = await open_client(route.account, ctx.secrets)
    try:
        legs = await read_call_status(client, placed)
    finally:
        await client.aclose()
    if ctx.args.json:
        ctx.json(
            [
                {
                    "leg": leg.leg,
                    "from": leg.from_number,
                    "to": leg.to_number,
                    "status": leg.status,
                    "duration_s": leg.duration,
                    "direction": leg.direction,
                    "time": leg.time.isoformat() if leg.time else None,
                    "rate": str(leg.rate) if leg.rate is not None else None,
                }
                for leg in legs
            ]
        )
    else:
        ctx.say(describe_legs(legs, route.account.region))
    return 0


def _verba_account(ctx: Context, config: settings.Config) -> settings.Account:
    if ctx.args.account:
        account = settings.get_account(config, ctx.args.account)
        if account.provider == "verba":
            return account
    found = next((acc for acc in config.accounts if acc.provider == "verba"), None)
    if found is None:
        raise InputError(
            # Translators: {command} is the command that adds a Verba account.
            _("No Verba account is configured: add one with '{command}'.").format(
                # Translators: NAME, URL and LOGIN are placeholders: translate them (NOM, URL,
                # IDENTIFIANT); the rest is typed as it is.
                command=_(
                    "telephony-desktop account add NAME --provider verba --base-url URL "
                    "--setting username=LOGIN"
                )
            ),
            field="account",
        )
    return found


async def recording_cmd(ctx: Context) -> int:
    a = ctx.args
    config = ctx.config()
    account = _verba_account(ctx, config)
    status = parse_status(a.status)
    from telephony_desktop.providers.verba.client import VerbaClient

    client = await open_client(account, ctx.secrets)
    assert isinstance(client, VerbaClient)
    lookup = VerbaLookup(client, media_dir(account.name))
    try:
        found = await lookup.find(a.extension, status)
        saved: Path | None = None
        if a.download:
            saved = await lookup.save_copy(found.call_id, Path(a.download))
    finally:
        await client.aclose()
    if a.json:
        ctx.json(
            {
                "account": account.name,
                "extension": found.extension,
                "status": list(found.status),
                "call_id": found.call_id,
                "url": found.url,
                "saved_to": str(saved) if saved else None,
            }
        )
        return 0
    ctx.say(
        # Translators: {status}: which of the extension's calls it is (last, ongoing, next; two
        # of them comma-separated); {extension}: the extension or number on the call.
        _("Call {call_id} ({status} call on {extension})").format(
            call_id=found.call_id,
            status=", ".join(text.recording_status(s) for s in found.status),
            extension=found.extension,
        )
    )
    ctx.say(_("Open in Verba: {url}").format(url=found.url))
    if saved is not None:
        ctx.say(_("Recording saved to {path}").format(path=saved))
    return 0


async def account_test_cmd(ctx: Context) -> int:
    account = settings.get_account(ctx.config(), ctx.args.name)
    ctx.say(await check_account(account, ctx.secrets))
    return 0
