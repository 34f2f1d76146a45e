"""Dialer routes and account credentials: everything checked before anything is sent."""

from __future__ import annotations

import pytest

from telephony_desktop.domain.errors import InputError, SecretMissing
from telephony_desktop.domain.numbers import normalise
from telephony_desktop.domain.telecmi import TeleCMILeg
from telephony_desktop.services.accounts import ClientPool, build_client, read_credentials
from telephony_desktop.services.call_routes import (
    Route,
    call_routes,
    describe_legs,
    find_route,
    pbx_dial_string,
    prepare_routed_call,
)
from telephony_desktop.services.verba_recordings import check_extension, parse_status
from telephony_desktop.store import settings
from telephony_desktop.store.secrets import SecretStore

VMU = settings.Account(
    name="office",
    provider="voicemeup",
    account_id="80012345",
    caller_id="+14385550102",
    settings={"ring_first": "peer:alice01"},
)
CMI = settings.Account(
    name="bridge",
    provider="telecmi",
    account_id="2222226",
    caller_id="+14385550102",
    settings={"agent_number": "+15145550100"},
)
PBX = settings.Account(
    name="pbx",
    provider="simotel",
    base_url="https://pbx.example.com",
    settings={"caller": "557", "context": "main_routing", "username": "api"},
)
CNAM = settings.Account(name="cnam", provider="truecnam", settings={"username": "u1234"})
VERBA = settings.Account(
    name="rec",
    provider="verba",
    base_url="https://verba.example.com/verba/api",
    settings={"username": "agent"},
)
CONFIG = settings.Config(accounts=(CNAM, PBX, VMU, CMI, VERBA), default_account="bridge")


def test_routes_are_the_accounts_that_can_call_default_first() -> None:
    assert [r.name for r in call_routes(CONFIG)] == ["bridge", "pbx", "office"]
    assert find_route(CONFIG, "PBX").provider == "simotel"
    assert find_route(CONFIG, "voicemeup").name == "office"  # a provider with one account
    with pytest.raises(InputError) as info:
        find_route(CONFIG, "cnam")
    assert info.value.field == "route" and "bridge, pbx, office" in str(info.value)


@pytest.mark.usefixtures("french")
def test_routes_speak_french() -> None:
    with pytest.raises(InputError) as info:
        find_route(CONFIG, "cnam")
    assert str(info.value) == (
        "Aucune route d'appel nommée « cnam ». Routes : bridge, pbx, office."
    )
    with pytest.raises(InputError) as info:
        find_route(settings.Config(accounts=(CNAM,)), "x")
    assert str(info.value).endswith("Routes : aucune n'est configurée.")
    route = find_route(CONFIG, "pbx")
    assert route.label == "pbx — Appel lancé par le PBX Simotel"
    assert route.fields[0] == (
        "caller",
        "Votre poste",
        "Votre poste du PBX — il sonne d'abord, p. ex. 557",
    )
    with pytest.raises(InputError) as info:
        prepare_routed_call(Route(CMI), "5145550199", region="CA", fields={"agent_number": "12"})
    assert str(info.value).startswith("Votre numéro n'est pas utilisable : ")
    assert describe_legs((), "CA").startswith("TeleCMI n'a pas encore de détails sur cet appel")
    leg = TeleCMILeg(to_number="15145550100", duration=42, status="")
    assert describe_legs((leg,), "CA") == "Segment 1 vers (514) 555-0100 : inconnu, 0:42"


def test_voicemeup_route_uses_call_dispatch_forms() -> None:
    call = prepare_routed_call(Route(VMU), "514 555 0199", region="CA")
    assert call.params == {
        "source_type": "peer",
        "source": "alice01",
        "destination": "5145550199",
        "callerid_number": "4385550102",
    }
    assert call.caller_id == "+14385550102"


def test_telecmi_route_needs_the_users_phone_and_a_caller_id() -> None:
    call = prepare_routed_call(Route(CMI), "+33 1 23 45 67 89", region="CA")
    assert call.params == {"agent_number": "+15145550100", "destination": "+33123456789"}
    with pytest.raises(InputError) as info:
        prepare_routed_call(Route(CMI), "5145550199", region="CA", fields={"agent_number": ""})
    assert info.value.field == "agent_number"
    no_caller = settings.Account(
        name="b2", provider="telecmi", account_id="1", settings={"agent_number": "5145550100"}
    )
    with pytest.raises(InputError) as info:
        prepare_routed_call(Route(no_caller), "5145550199", region="CA")
    assert info.value.field == "caller_id"


def test_simotel_route_sends_what_the_pbx_dials() -> None:
    call = prepare_routed_call(Route(PBX), "(514) 555-0199", region="CA")
    assert call.params == {
        "caller": "557",
        "callee": "15145550199",
        "context": "main_routing",
        "trunk_name": "",
        "caller_id": "557",  # no caller ID chosen: the extension's own
    }
    with pytest.raises(InputError) as info:
        prepare_routed_call(Route(PBX), "5145550199", region="CA", fields={"context": " "})
    assert info.value.field == "context"


@pytest.mark.parametrize(
    ("number", "region", "dialed"),
    [
        ("+15145550199", "CA", "15145550199"),
        ("+33123456789", "CA", "01133123456789"),
        ("+33123456789", "FR", "0123456789"),
        ("+982188776655", "IR", "02188776655"),
    ],
)
def test_pbx_dial_string(number: str, region: str, dialed: str) -> None:
    assert pbx_dial_string(normalise(number, region), region) == dialed


def test_an_invalid_number_is_refused_on_every_route() -> None:
    for route in call_routes(CONFIG):
        with pytest.raises(InputError):
            prepare_routed_call(route, "555", region="CA")


async def test_credentials_required_optional_and_typed() -> None:
    store = SecretStore()
    with pytest.raises(SecretMissing):
        await read_credentials(PBX, store)  # neither of its two
    store.set("pbx", "api_key", "k" * 20)
    assert await read_credentials(PBX, store) == {"api_key": "k" * 20}
    assert await read_credentials(PBX, store, typed={"password": "pw12"}) == {
        "password": "pw12",
        "api_key": "k" * 20,
    }
    with pytest.raises(SecretMissing):
        await read_credentials(VERBA, store)
    store.set("rec", "password", "pw-verba")
    with pytest.raises(SecretMissing):  # both are required for Verba
        await read_credentials(VERBA, store)


async def test_clients_are_built_per_provider_and_pooled() -> None:
    from telephony_desktop.providers.simotel.client import SimotelClient
    from telephony_desktop.providers.truecnam.client import TrueCnamClient

    client = build_client(PBX, {"api_key": "k" * 20})
    assert isinstance(client, SimotelClient)
    await client.aclose()
    store = SecretStore()
    store.set("cnam", "password", "p" * 16)
    pool = ClientPool(store)
    first = await pool.get(CNAM)
    assert isinstance(first, TrueCnamClient)
    assert await pool.get(CNAM) is first
    edited = settings.Account(name="cnam", provider="truecnam", settings={"username": "u9999"})
    assert await pool.get(edited) is not first  # an edited account gets a new client
    await pool.aclose()


def test_verba_inputs() -> None:
    assert parse_status("ongoing, next") == ("ongoing", "next")
    for bad in ("", "yesterday", "last,soon"):
        with pytest.raises(InputError):
            parse_status(bad)
    assert check_extension(" 8856 ") == "8856"
    with pytest.raises(InputError):
        check_extension("88 56")


def test_call_route_preference(tmp_path: object) -> None:
    import dataclasses
    from pathlib import Path

    config = dataclasses.replace(CONFIG, call_route="PBX")
    assert config.call_route == "pbx"
    assert call_routes(config)[0].name == "pbx"
    for bad in ("cnam", "nobody"):
        with pytest.raises(InputError) as info:
            dataclasses.replace(CONFIG, call_route=bad)
        assert info.value.field == "call_route"
    path = Path(str(tmp_path)) / "config.toml"
    settings.save_config(path, config)
    assert settings.load_config(path).call_route == "pbx"
    assert settings.remove_account(config, "pbx").call_route is None


def test_a_voicemeup_connection_says_the_balance_as_money() -> None:
    from decimal import Decimal

    from telephony_desktop import i18n
    from telephony_desktop.domain.models import AccountDetails
    from telephony_desktop.services.accounts import _voicemeup_connected

    details = AccountDetails(
        "80012345", callerid_name="Café Inc.", currency="CAD", funds_left=Decimal("125.4")
    )
    assert _voicemeup_connected(details, "x") == (
        "Connected: account 80012345 (Café Inc.), balance $125.40."
    )
    bare = AccountDetails("", account_balance=Decimal("-12"))
    assert _voicemeup_connected(bare, "80012345") == "Connected: account 80012345, balance -$12.00."
    with i18n.using("fr"):
        assert _voicemeup_connected(details, "x") == (
            "Connecté : compte 80012345 (Café Inc.), solde 125,40\xa0$."
        )
        assert _voicemeup_connected(AccountDetails("1"), "x") == "Connecté : compte 1."
