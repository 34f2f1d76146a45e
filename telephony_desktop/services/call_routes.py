"""Dialer routes: which provider bridges a click-to-call, and what each needs from the user.

A route is an account that can place calls: VoiceMeUp (``call_dispatch``: ring a phone or SIP
device of the account first), TeleCMI (PCMO bridge: ring the user's own number first) or Simotel
(PBX originate: ring the user's extension first). Everything is checked before anything is sent,
and a call is placed once: a lost answer is ``OutcomeUnknown``, never a retry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import phonenumbers

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import PlacedCall
from telephony_desktop.domain.numbers import PhoneNumber, display, normalise
from telephony_desktop.i18n import N_, _, formats, pgettext
from telephony_desktop.services.dialer import caller_id_field, prepare_call
from telephony_desktop.store.settings import Account, Config

if TYPE_CHECKING:
    from telephony_desktop.domain.telecmi import TeleCMILeg
    from telephony_desktop.services.accounts import ProviderClient

ROUTE_PROVIDERS: Final = ("voicemeup", "telecmi", "simotel")

# The fields each route asks for, in order: (key, label, hint). Label and hint are marked for
# the catalogue: show them as ``_(label)``, ``_(hint)`` (``Route.fields`` does).
ROUTE_FIELDS: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    "voicemeup": (
        (
            "ring_first",
            N_("Ring first"),
            N_("Your phone or peer:USERNAME — it rings, then the number"),
        ),
    ),
    "telecmi": (
        (
            "agent_number",
            N_("Your phone"),
            N_("Your own number — it rings first, then the call"),
        ),
    ),
    "simotel": (
        ("caller", N_("Your extension"), N_("Your PBX extension — it rings first, e.g. 557")),
        (
            "context",
            # Translators: the Asterisk dialplan context of a PBX extension.
            N_("Context"),
            N_("The PBX outgoing route of your extension, e.g. main_routing"),
        ),
        ("trunk_name", N_("Trunk"), N_("Only when your first leg is an outside number")),
    ),
}
# Shown as ``_(KIND_LABELS[provider])`` (``Route.label`` does).
KIND_LABELS: Final = {
    "voicemeup": N_("VoiceMeUp call dispatch"),
    "telecmi": N_("TeleCMI bridge"),
    "simotel": N_("Simotel PBX originate"),
}


@dataclass(frozen=True, slots=True)
class Route:
    account: Account

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def provider(self) -> str:
        return self.account.provider

    @property
    def label(self) -> str:
        """``office — VoiceMeUp call dispatch``, in the language messages are shown in."""
        return f"{self.account.name} — {_(KIND_LABELS[self.provider])}"

    @property
    def fields(self) -> tuple[tuple[str, str, str], ...]:
        """(key, label, hint) of each field, label and hint translated."""
        return tuple((key, _(label), _(hint)) for key, label, hint in ROUTE_FIELDS[self.provider])

    def defaults(self) -> dict[str, str]:
        settings = self.account.settings
        return {key: str(settings.get(key, "")) for key, _label, _hint in self.fields}


def call_routes(config: Config) -> list[Route]:
    """Every account that can place calls: the chosen call route first, else the default
    account (when it can call), then the others in the file's order."""
    routes = [Route(a) for a in config.accounts if a.provider in ROUTE_PROVIDERS]
    first = (config.call_route or config.default_account or "").lower()
    routes.sort(key=lambda r: r.name.lower() != first)
    return routes


def find_route(config: Config, name: str) -> Route:
    """The route named ``name`` (an account name, or a provider when only one account has it)."""
    routes = call_routes(config)
    key = name.strip().lower()
    for route in routes:
        if route.name.lower() == key:
            return route
    by_provider = [r for r in routes if r.provider == key]
    if len(by_provider) == 1:
        return by_provider[0]
    if not routes:
        raise InputError(
            _("No call route named {name!r}. Routes: none configured.").format(name=name),
            field="route",
        )
    names = ", ".join(r.name for r in routes)
    raise InputError(
        _("No call route named {name!r}. Routes: {names}.").format(name=name, names=names),
        field="route",
    )


@dataclass(frozen=True, slots=True)
class RoutedCall:
    """A call ready to place on one route: every value checked and in the provider's form."""

    route: Route
    destination: PhoneNumber
    caller_id: str  # E.164, or "" for the provider's default
    params: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def describe(self, region: str) -> str:
        return display(self.destination.e164, region)


def _required(value: str, key: str, message: str) -> str:
    if not value.strip():
        raise InputError(message, field=key)
    return value.strip()


def _caller_id(text: str, region: str) -> str:
    if not text.strip():
        return ""
    with caller_id_field():
        return normalise(text, region).e164


def pbx_dial_string(number: PhoneNumber, region: str) -> str:
    """What a phone in ``region`` would dial for ``number`` (national form at home, the
    international prefix abroad): what a PBX's outgoing route expects."""
    parsed = phonenumbers.parse(number.e164)
    text = phonenumbers.format_out_of_country_calling_number(parsed, region)
    return re.sub(r"[^0-9+]", "", text) or number.e164


def prepare_routed_call(
    route: Route,
    number: str,
    *,
    region: str,
    caller_id: str = "",
    fields: Mapping[str, str] | None = None,
) -> RoutedCall:
    """Validate and convert for ``route``; raises ``InputError`` naming the field. No I/O."""
    values = {**route.defaults(), **{k: v for k, v in (fields or {}).items() if v is not None}}
    destination = normalise(number, region)
    callerid = _caller_id(caller_id or route.account.caller_id, region)
    notes: tuple[str, ...] = ()
    if destination.extension:
        notes = (
            _("Dial extension {extension} when the call is answered.").format(
                extension=destination.extension
            ),
        )
    provider = route.provider
    params: dict[str, str]
    if provider == "voicemeup":
        prepared = prepare_call(
            number, region=region, ring_first=values.get("ring_first", ""), caller_id=callerid
        )
        params = {
            "source_type": prepared.source_type,
            "source": prepared.source,
            "destination": prepared.destination_param,
            "callerid_number": prepared.callerid_number or "",
        }
    elif provider == "telecmi":
        agent = _required(
            values.get("agent_number", ""),
            "agent_number",
            _("Enter your own phone number: TeleCMI rings it first, then connects the call."),
        )
        try:
            agent_e164 = normalise(agent, region).e164
        except InputError as exc:
            raise InputError(
                # Translators: {reason} is a sentence saying what is wrong with the number.
                _("Your phone number is not usable: {reason}").format(reason=exc.user_message()),
                field="agent_number",
            ) from None
        _required(
            callerid,
            "caller_id",
            _("TeleCMI needs a caller ID for every call: choose one of your TeleCMI numbers."),
        )
        params = {"agent_number": agent_e164, "destination": destination.e164}
    elif provider == "simotel":
        caller = _required(
            values.get("caller", ""),
            "caller",
            _("Enter your PBX extension: Simotel rings it first, then the number."),
        )
        context = _required(
            values.get("context", ""),
            "context",
            _("Enter the PBX context (outgoing route) of your extension, e.g. main_routing."),
        )
        # A PBX caller ID set on the account (digits, or a word such as "masking") wins.
        pbx_caller_id = str(route.account.settings.get("pbx_caller_id", "")).strip()
        params = {
            "caller": caller,
            "callee": pbx_dial_string(destination, region),
            "context": context,
            "trunk_name": values.get("trunk_name", "").strip(),
            "caller_id": pbx_caller_id or (callerid.lstrip("+") if callerid else caller),
        }
    else:  # pragma: no cover - call_routes only lists the three
        raise AssertionError(provider)
    return RoutedCall(route, destination, callerid, params, notes)


async def place_routed_call(client: ProviderClient, call: RoutedCall) -> PlacedCall:
    """Send the call once. ``OutcomeUnknown`` means: look at the history before trying again."""
    p = call.params
    provider = call.route.provider
    if provider == "voicemeup":
        from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient

        assert isinstance(client, VoiceMeUpClient)
        result = await client.call_dispatch(
            source_type=p["source_type"],
            source=p["source"],
            destination_type="number",
            destination=p["destination"],
            callerid_number=p["callerid_number"] or None,
            meta_data="telephony-desktop",
        )
        return PlacedCall("voicemeup", result.call_hash, result.status, result.warnings)
    if provider == "telecmi":
        from telephony_desktop.providers.telecmi.client import TeleCMIClient

        assert isinstance(client, TeleCMIClient)
        return await client.make_call(
            agent_number=p["agent_number"], destination=p["destination"], caller_id=call.caller_id
        )
    if provider == "simotel":
        from telephony_desktop.providers.simotel.client import SimotelClient

        assert isinstance(client, SimotelClient)
        settings = call.route.account.settings
        timeout = settings.get("timeout")
        limit = settings.get("call_limit")
        return await client.originate(
            caller=p["caller"],
            callee=p["callee"],
            context=p["context"],
            caller_id=p["caller_id"],
            trunk_name=p["trunk_name"],
            timeout_s=int(timeout) if timeout not in (None, "") else None,
            call_limit_s=int(limit) if limit not in (None, "") else None,
        )
    raise AssertionError(provider)


def describe_legs(legs: tuple[TeleCMILeg, ...], region: str) -> str:
    """``Leg 1 to (514) 555-0100: answered, 0:42 · Leg 2 ...`` (or why there is nothing)."""
    if not legs:
        return _(
            "TeleCMI has no detail for this call yet: it logs each leg when it ends. "
            "Check again in a moment."
        )
    parts = []
    for i, leg in enumerate(legs, 1):
        to = display("+" + leg.to_number.lstrip("+"), region) if leg.to_number else "?"
        # TeleCMI's own word for how the leg ended (``answered``...), shown as it came.
        status = leg.status or pgettext("call leg status", "unknown")
        parts.append(
            # Translators: one leg of a bridged call: "Leg 1 to (514) 555-0100: answered, 0:42".
            _("Leg {leg} to {number}: {status}, {length}").format(
                leg=formats.number(i), number=to, status=status, length=formats.length(leg.duration)
            )
        )
    return " · ".join(parts)


async def read_call_status(client: ProviderClient, placed: PlacedCall) -> tuple[TeleCMILeg, ...]:
    """The legs TeleCMI logged for a bridge it accepted (a read, retried)."""
    from telephony_desktop.providers.telecmi.client import TeleCMIClient

    if placed.provider != "telecmi" or not isinstance(client, TeleCMIClient):
        raise InputError(
            _("Only TeleCMI calls can be looked up by their reference."), field="route"
        )
    return await client.call_detail(placed.reference)
