"""The TrueCNAM error table, number checks and client construction (no network)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    InputError,
    InvalidRequest,
    NotFound,
    PaymentError,
    ProviderInternalError,
    ProviderRejected,
    TelephonyError,
    UnsupportedRequest,
)
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.truecnam import errors
from telephony_desktop.providers.truecnam.client import (
    DEFAULT_ENDPOINT,
    TrueCnamClient,
    to_truecnam_number,
)
from telephony_desktop.sandbox.truecnam import ERRORS as SANDBOX_ERRORS

EXPECTED_CLASSES = {
    "1": AuthenticationError,
    "2": InvalidRequest,
    "3": InvalidRequest,
    "4": InvalidRequest,
    "5": InvalidRequest,
    "6": UnsupportedRequest,
    "7": PaymentError,
    "8": PaymentError,
    "9": InvalidRequest,
    "99": ProviderInternalError,
}


def both(make: Callable[[], TelephonyError]) -> tuple[str, str]:
    """The sentence of the error ``make`` builds, in English and in French."""
    english = str(make())
    with using("fr"):
        french = str(make())
    return english, french


def test_the_sandbox_and_the_adapter_share_one_set_of_numbers() -> None:
    assert set(errors.ERROR_TABLE) == set(SANDBOX_ERRORS) == set(EXPECTED_CLASSES)


@pytest.mark.parametrize("err", sorted(EXPECTED_CLASSES))
def test_every_number_has_a_class_and_two_sentences(err: str) -> None:
    exc = errors.error_for(err, SANDBOX_ERRORS[err], status=200)
    assert type(exc) is EXPECTED_CLASSES[err]
    assert exc.code == f"truecnam_{err}" and exc.codes == (f"truecnam_{err}",)
    assert exc.provider == "TrueCNAM" and exc.status == 200
    english, french = both(lambda: errors.error_for(err, SANDBOX_ERRORS[err], status=200))
    assert english and french and english != french
    assert exc.user_message() == str(exc) == english


@pytest.mark.parametrize(
    ("msg", "cls"),
    [
        ("Invalid username or password", AuthenticationError),
        ("API key disabled", AuthenticationError),
        ("Insufficient balance", PaymentError),
        ("Monthly query limit exceeded", PaymentError),
        ("Missing required field: called_number", InvalidRequest),
        ("called_number is not a valid number", InvalidRequest),
        ("Something odd happened", ProviderRejected),
        ("", ProviderRejected),
    ],
)
def test_unknown_numbers_are_classified_by_their_message(
    msg: str, cls: type[ProviderRejected]
) -> None:
    exc = errors.error_for("1234", msg)
    assert type(exc) is cls
    assert exc.code == "truecnam_1234"
    english, french = both(lambda: errors.error_for("1234", msg))
    assert "1234" in english and "1234" in french
    if msg:
        assert msg in english and msg in french


def test_an_error_without_a_number_still_carries_the_message() -> None:
    exc = errors.error_for("", "Quelque chose")
    assert type(exc) is ProviderRejected and exc.code == "truecnam_error"
    assert "Quelque chose" in str(exc)


def test_provider_text_is_one_bounded_line_without_secrets() -> None:
    http.register_secret("s3cr3t-value-xyz")
    english, french = both(
        lambda: errors.error_for("555", "bad\r\npassword=hunter22 s3cr3t-value-xyz " + "x" * 500)
    )
    text = english + french
    assert "s3cr3t-value-xyz" not in text and "hunter22" not in text
    assert "\n" not in text and "\r" not in text
    assert len(english) < 400


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, InvalidRequest),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFound),
        (405, UnsupportedRequest),
        (429, ProviderRejected),
        (418, ProviderRejected),
        (302, ProviderRejected),
    ],
)
def test_http_statuses(status: int, cls: type[ProviderRejected]) -> None:
    exc = errors.error_for_status(status)
    assert type(exc) is cls and exc.status == status and exc.code == f"http_{status}"
    english, french = both(lambda: errors.error_for_status(status))
    assert english != french


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("e164", "sent"),
    [
        ("+12125551212", "12125551212"),
        ("+16465557000", "16465557000"),
        (" +33123456789 ", "33123456789"),
    ],
)
def test_numbers_are_sent_as_digits_with_the_country_code(e164: str, sent: str) -> None:
    assert to_truecnam_number(e164, field="calling_number") == sent


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "12125551212",
        "2125551212",
        "+1 212 555 1212",
        "+1212555121",
        "+0123456789",
        "+1212555121212345",
        "tel:+12125551212",
        "+441632960000",
    ],
)
@pytest.mark.parametrize("field", ["calling_number", "called_number"])
def test_bad_numbers_are_refused_before_sending(value: str, field: str) -> None:
    with pytest.raises(InputError) as info:
        to_truecnam_number(value, field=field)
    assert info.value.field == field
    with using("fr"), pytest.raises(InputError) as in_french:
        to_truecnam_number(value, field=field)
    assert str(info.value) != str(in_french.value)


# --- construction --------------------------------------------------------------------------


def test_defaults_and_repr_without_secrets() -> None:
    client = TrueCnamClient(username="apiuser-1234", password="apipass-5678")
    assert client.endpoint == DEFAULT_ENDPOINT == "https://api.truecnam.net/api/v1"
    assert (client.resp_format, client.resp_type, client.language) == ("json", "extended", "en")
    text = repr(client)
    assert "apiuser-1234" not in text and "apipass-5678" not in text
    assert http.redact_text("u=apiuser-1234&p=apipass-5678") == "u=***&p=***"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": " "}, "username"),
        ({"password": ""}, "password"),
        ({"resp_format": "yaml"}, "resp_format"),
        ({"resp_type": "full"}, "resp_type"),
        ({"endpoint": "http://api.truecnam.net/api/v1"}, "endpoint"),
        ({"endpoint": "https://api.truecnam.net/api/v1?x=1"}, "endpoint"),
        ({"endpoint": "https://user:pw@api.truecnam.net/api/v1"}, "endpoint"),
        ({"endpoint": "ftp://api.truecnam.net/"}, "endpoint"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, str], field: str) -> None:
    options = {"username": "apiuser-1234", "password": "apipass-5678", **kwargs}
    with pytest.raises(InputError) as info:
        TrueCnamClient(**options)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:8080/api/v1", "http://localhost/api/v1", "http://[::1]:1/api/v1"]
)
def test_plain_http_is_allowed_on_loopback_only(endpoint: str) -> None:
    assert (
        TrueCnamClient(username="u-1234", password="p-5678", endpoint=endpoint).endpoint == endpoint
    )
