"""Every error code the vendor documents maps to a typed exception with a sentence in English and
in French (from the catalogue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony_desktop import i18n
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
    ErrorSpec,
    error_for,
    is_warning,
    spec_for,
    warning_for,
)

CODES = Path(__file__).parents[1] / "data" / "voicemeup_error_codes.txt"
DOCUMENTED = sorted(line.strip() for line in CODES.read_text().splitlines() if line.strip())


def _french(spec: ErrorSpec) -> str:
    with i18n.using("fr"):
        return spec.text()


def test_the_table_covers_the_vendor_list_exactly() -> None:
    assert len(DOCUMENTED) == 160
    assert set(DOCUMENTED) == ALL_DOCUMENTED_CODES


@pytest.mark.parametrize("code", DOCUMENTED)
def test_each_code_has_a_class_and_two_sentences(code: str) -> None:
    spec = spec_for(code)
    assert spec is not None, code
    assert issubclass(spec.cls, ProviderRejected)
    english, french = spec.text(), _french(spec)
    assert english and french and english != french
    assert english.endswith(".") and french.endswith(".")
    error = error_for([(code, "vendor text")], status=200)
    assert isinstance(error, spec.cls)
    assert error.code == code and error.codes == (code,)
    assert error.user_message() == english
    with i18n.using("fr"):
        assert error_for([(code, "vendor text")], status=200).user_message() == french


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
        ("internal_error-invalid_argument", ProviderInternalError),
        ("password_invalid", InvalidRequest),  # a device's password, not the account's
        ("auth_username_required", InvalidRequest),
        ("billing_contact_not_found", PaymentError),
        ("forward_number_used_by_did", Conflict),
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
    assert "fee" in fee.message()
    with i18n.using("fr"):
        assert "frais" in warning_for("last_endpoint_was_deleted", "").message()


_PAYMENT = ("amount_", "bank_", "billing_", "credit_card_", "currency_", "minimum_", "payment_")
_CONFLICT = ("_dependency", "_limit_reached", "_already_in_use", "_used_by_did")
_ADDRESS = frozenset(
    {
        "alternate_address_provided", "civic_number_not_found", "street_not_found",
        "city_not_found", "state_not_found", "country_not_found", "first_name_not_found",
        "last_name_not_found", "postal_code_not_found",
    }
)  # fmt: skip


def _expected_family(code: str) -> type[ProviderRejected]:
    """The contract's "Failures" rules, restated independently of the implementation."""
    if code in {"authentication_failed", "authentication_token_required"} or code.startswith(
        "client_account_id_"
    ):
        return AuthenticationError
    if code in {"request_type_invalid", "request_type_not_implemented"}:
        return UnsupportedRequest
    if code.startswith("internal_error-") or code in {"socket_error", "could_not_send"}:
        return ProviderInternalError
    if code.startswith(_PAYMENT):
        return PaymentError
    if code.endswith(_CONFLICT) or code in {"peer_exist", "entry_is_default_endpoint"}:
        return Conflict
    if code in _ADDRESS:
        return E911AddressRejected
    if code == "no_e911_endpoint_found" or (
        code.endswith("_not_found") and code != "required_parameter_not_found"
    ):
        return NotFound
    return InvalidRequest


@pytest.mark.parametrize("code", [c for c in DOCUMENTED if not is_warning(c)])
def test_every_code_is_in_its_contract_family(code: str) -> None:
    spec = spec_for(code)
    assert spec is not None and spec.cls is _expected_family(code), code


def test_every_warning_code_is_documented_and_has_sentences() -> None:
    for code in (
        "last_endpoint_was_deleted",
        "callerid_rejection_notice",
        "peer_excluded_from_sync",
    ):
        assert code in ALL_DOCUMENTED_CODES and is_warning(code)
        english = warning_for(code, "vendor text").message()
        with i18n.using("fr"):
            french = warning_for(code, "vendor text").message()
        assert english and french
        assert english != french


def test_vendor_typos_are_not_copied() -> None:
    for code in DOCUMENTED:
        spec = spec_for(code)
        assert spec is not None
        for typo in ("Foudn", "occured", "provisionned", "retreive", "simultanious"):
            assert typo not in spec.text(), code


def test_french_sentences_look_french() -> None:
    for code in DOCUMENTED:
        spec = spec_for(code)
        assert spec is not None
        english, french = spec.text(), _french(spec)
        assert " is not valid" not in french and " needs the " not in french, code
        assert "  " not in english and "  " not in french, code


@pytest.mark.usefixtures("french")
def test_unknown_warning_code_keeps_the_provider_text() -> None:
    warning = warning_for("new_notice", "Avis\x07 important")
    assert warning.message() == "VoiceMeUp : Avis important"


def test_pattern_sentences_name_the_field_in_each_language() -> None:
    """A pattern sentence takes the field's label with its French article; the labels that share
    an English word with other messages (name, options, unit number) keep their own French."""
    cases = {
        "friendly_name_invalid": (
            "VoiceMeUp says the name is not valid. Correct it and try again.",
            "VoiceMeUp indique que le nom n'est pas valide. Corrigez cette valeur et réessayez.",
        ),
        "options_invalid": (
            "VoiceMeUp says the options are not valid. Correct it and try again.",
            "VoiceMeUp indique que les options ne sont pas valides. Corrigez cette valeur et "
            "réessayez.",
        ),
        "client_account_id_required": (
            "VoiceMeUp needs the account ID. Check the account in Settings.",
            "VoiceMeUp exige le numéro de compte. Vérifiez le compte dans les paramètres.",
        ),
        "street_not_found": (
            "The emergency service could not find the street. Check the spelling (it must match "
            "exactly) or pick a suggested address.",
            "Le service d'urgence n'a pas trouvé la rue. Vérifiez l'orthographe (la "
            "correspondance doit être exacte) ou choisissez une adresse suggérée.",
        ),
    }
    for code, (english, french) in cases.items():
        spec = spec_for(code)
        assert spec is not None
        assert (spec.text(), _french(spec)) == (english, french), code


def test_e911_errors_carry_alternates() -> None:
    from telephony_desktop.domain.models import AlternateAddress

    alt = AlternateAddress("1200", "Rue Sainte-Catherine O", "Montréal", "QC", "CA", "H3B 1K9")
    error = error_for([("alternate_address_provided", "")], alternates=[alt], status=200)
    assert isinstance(error, E911AddressRejected) and error.alternates == (alt,)
    assert error.status == 200 and error.provider == "VoiceMeUp"


def test_an_empty_error_list_is_still_an_error() -> None:
    error = error_for([])
    assert type(error) is ProviderRejected and error.codes == ("unknown_error",)
