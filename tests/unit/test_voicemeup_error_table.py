"""Every error code the vendor documents maps to a typed exception with English and French."""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    E911AddressRejected,
    InvalidRequest,
    NotFound,
    PaymentError,
    ProviderInternalError,
    ProviderRejected,
    UnsupportedRequest,
)
from telephony_desktop.providers.voicemeup.errors import (
    ALL_DOCUMENTED_CODES,
    error_for,
    is_warning,
    spec_for,
    warning_for,
)

CODES = Path(__file__).parents[1] / "data" / "voicemeup_error_codes.txt"
DOCUMENTED = sorted(line.strip() for line in CODES.read_text().splitlines() if line.strip())


def test_the_table_covers_the_vendor_list_exactly() -> None:
    assert len(DOCUMENTED) == 160
    assert set(DOCUMENTED) == ALL_DOCUMENTED_CODES


@pytest.mark.parametrize("code", DOCUMENTED)
def test_each_code_has_a_class_and_two_sentences(code: str) -> None:
    spec = spec_for(code)
    assert spec is not None, code
    assert issubclass(spec.cls, ProviderRejected)
    assert spec.en and spec.fr and spec.en != spec.fr
    assert spec.en.endswith(".") and spec.fr.endswith(".")
    error = error_for([(code, "vendor text")], status=200)
    assert isinstance(error, spec.cls)
    assert error.code == code and error.codes == (code,)
    assert error.user_message("fr") == spec.fr


@pytest.mark.parametrize(
    ("code", "family"),
    [
        ("authentication_failed", AuthenticationError),
        ("client_account_id_invalid", AuthenticationError),
        ("authentication_token_required", AuthenticationError),
        ("result_limit_invalid", InvalidRequest),
        ("required_parameter_not_found", InvalidRequest),
        ("npa_required", InvalidRequest),
        ("client_did_id_not_found", NotFound),
        ("no_e911_endpoint_found", NotFound),
        ("street_not_found", E911AddressRejected),
        ("alternate_address_provided", E911AddressRejected),
        ("peer_exist", Conflict),
        ("peers_limit_reached", Conflict),
        ("entry_is_default_endpoint", Conflict),
        ("payment_denied", PaymentError),
        ("credit_card_number_invalid", PaymentError),
        ("request_type_not_implemented", UnsupportedRequest),
        ("internal_error-database_error", ProviderInternalError),
        ("socket_error", ProviderInternalError),
        ("could_not_send", ProviderInternalError),
    ],
)
def test_families(code: str, family: type[ProviderRejected]) -> None:
    assert isinstance(error_for([(code, "")]), family)


def test_only_internal_errors_are_retryable() -> None:
    for code in DOCUMENTED:
        error = error_for([(code, "")])
        assert error.retryable == isinstance(error, ProviderInternalError), code


def test_unknown_code_keeps_the_provider_text_sanitised() -> None:
    error = error_for([("brand_new_code", "Something\x00 odd\nhappened" + "x" * 500)])
    assert type(error) is ProviderRejected
    assert "Something odd happened" in str(error)
    assert "\x00" not in str(error) and len(str(error)) < 260


def test_several_codes_are_all_kept() -> None:
    error = error_for([("source_invalid", ""), ("destination_invalid", "")])
    assert isinstance(error, InvalidRequest)
    assert error.codes == ("source_invalid", "destination_invalid")
    assert "number to call" in str(error)


def test_warnings() -> None:
    assert is_warning("last_endpoint_was_deleted") and not is_warning("street_not_found")
    fee = warning_for("last_endpoint_was_deleted", "")
    assert "fee" in fee.message("en") and "frais" in fee.message("fr")
