"""Every documented XML Engine error code, mapped to a typed exception and a sentence a person can
act on, from the message catalogue.

Most codes follow a pattern (``<field>_invalid``, ``<field>_required``, ``<thing>_not_found``), so
their sentences are one pattern per kind with the field's label in it; the rest are written out.
Each ``ErrorSpec`` keeps its English sentence (the catalogue's id) and is translated when the
exception is raised. The code list is the vendor page's tables
(tests/data/voicemeup_error_codes.txt checks that none is missing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

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
from telephony_desktop.domain.models import AlternateAddress, ProviderWarning
from telephony_desktop.i18n import N_, _, pgettext
from telephony_desktop.providers.voicemeup.names import WARNING_CODES

PROVIDER: Final = "VoiceMeUp"


def _labels() -> dict[str, str]:
    """Each field a pattern sentence can name, in the language messages are shown in."""
    return {
        # Translators: the "field, with its article" messages name a VoiceMeUp field. Each is
        # inserted as {field} into sentences such as "VoiceMeUp says the {field} is not valid.",
        # "VoiceMeUp needs the {field}." or "Enter the {field}.", so the French needs its
        # article: "le nom de l'afficheur", "la date de début", "l'adresse courriel".
        "auth_username": pgettext("field, with its article", "device authentication username"),
        "callerid_name": pgettext("field, with its article", "caller ID name"),
        "callerid_number": pgettext("field, with its article", "caller ID number"),
        "callerid_mode": pgettext("field, with its article", "caller ID mode"),
        "client_account_id": pgettext("field, with its article", "account ID"),
        "client_did_id": pgettext("field, with its article", "number (DID) ID"),
        "client_extension_id": pgettext("field, with its article", "extension ID"),
        "client_mailbox_id": pgettext("field, with its article", "mailbox ID"),
        "client_peer_id": pgettext("field, with its article", "device (peer) ID"),
        "client_endpoint_id": pgettext("field, with its article", "emergency endpoint ID"),
        "country_id": pgettext("field, with its article", "country"),
        "date_from": pgettext("field, with its article", "start date"),
        "date_to": pgettext("field, with its article", "end date"),
        "email": pgettext("field, with its article", "email address"),
        "forward_number": pgettext("field, with its article", "forwarding number"),
        "forward_timeout": pgettext("field, with its article", "forwarding ring time"),
        "friendly_name": pgettext("field, with its article", "name"),
        "language": pgettext("field, with its article", "language"),
        "mailbox": pgettext("field, with its article", "mailbox"),
        "mode": pgettext("field, with its article", "mode"),
        "npa": pgettext("field, with its article", "area code (NPA)"),
        "nxx": pgettext("field, with its article", "exchange (NXX)"),
        "password": pgettext("field, with its article", "device password"),
        "peer": pgettext("field, with its article", "device (peer)"),
        "peer_timeout": pgettext("field, with its article", "device ring time"),
        "phone_number": pgettext("field, with its article", "phone number"),
        "request_type": pgettext("field, with its article", "request type"),
        "result_limit": pgettext("field, with its article", "result limit"),
        "result_offset": pgettext("field, with its article", "result offset"),
        "state_id": pgettext("field, with its article", "province or state"),
        "status": pgettext("field, with its article", "status"),
        "username": pgettext("field, with its article", "device username"),
        "destination": pgettext("field, with its article", "number to call"),
        "destination_type": pgettext("field, with its article", "destination type"),
        "source": pgettext("field, with its article", "phone to ring first"),
        "source_type": pgettext("field, with its article", "source type"),
        "enable_recording": pgettext("field, with its article", "recording choice"),
        "max_retries": pgettext("field, with its article", "maximum number of retries"),
        "retry_delay": pgettext("field, with its article", "retry delay"),
        "wait_time": pgettext("field, with its article", "wait time"),
        "direction": pgettext("field, with its article", "call direction"),
        "unique_id": pgettext("field, with its article", "call history position (unique ID)"),
        "code": pgettext("field, with its article", "dialing code"),
        "call_issue_id": pgettext("field, with its article", "call issue"),
        "call_hash": pgettext("field, with its article", "call reference (hash)"),
        "call_recording_id": pgettext("field, with its article", "recording ID"),
        "recording_hash": pgettext("field, with its article", "recording reference (hash)"),
        "amount": pgettext("field, with its article", "amount"),
        "bank_account_number": pgettext("field, with its article", "bank account number"),
        "bank_account_type": pgettext("field, with its article", "bank account type"),
        "bank_name": pgettext("field, with its article", "bank name"),
        "bank_routing_number": pgettext("field, with its article", "bank routing number"),
        "credit_card_cvd": pgettext("field, with its article", "card security code (CVD)"),
        "credit_card_expiration_month": pgettext("field, with its article", "card expiry month"),
        "credit_card_expiration_year": pgettext("field, with its article", "card expiry year"),
        "credit_card_type": pgettext("field, with its article", "card type"),
        "credit_card_number": pgettext("field, with its article", "card number"),
        "currency": pgettext("field, with its article", "currency"),
        "payment_method": pgettext("field, with its article", "payment method"),
        "extension": pgettext("field, with its article", "extension"),
        "passcode": pgettext("field, with its article", "mailbox passcode"),
        "codecs": pgettext("field, with its article", "codecs"),
        "default_ip": pgettext("field, with its article", "default IP address"),
        "dtmf": pgettext("field, with its article", "DTMF mode"),
        "host_type": pgettext("field, with its article", "host type"),
        "qualify": pgettext("field, with its article", "qualify interval"),
        "type": pgettext("field, with its article", "type"),
        "prefix": pgettext("field, with its article", "prefix (NPA-NXX)"),
        "ratecenter_id": pgettext("field, with its article", "rate centre"),
        "quantity": pgettext("field, with its article", "quantity"),
        "prefix_preference": pgettext("field, with its article", "prefix preference"),
        "sequential": pgettext("field, with its article", "sequential/random choice"),
        "t38_support": pgettext("field, with its article", "T.38 fax support choice"),
        "capacity": pgettext("field, with its article", "capacity"),
        "options": pgettext("field, with its article", "options"),
        "civic_number": pgettext("field, with its article", "civic number"),
        "street": pgettext("field, with its article", "street"),
        "city": pgettext("field, with its article", "city"),
        "state": pgettext("field, with its article", "province or state"),
        "country": pgettext("field, with its article", "country"),
        "first_name": pgettext("field, with its article", "first name"),
        "last_name": pgettext("field, with its article", "last name"),
        "postal_code": pgettext("field, with its article", "postal code"),
        "billing_contact": pgettext("field, with its article", "billing contact"),
    }


# Fields whose label is a plural ("the codecs are not valid").
_PLURAL: Final = frozenset({"codecs", "options"})
_PAYMENT_FIELDS: Final = frozenset(
    {
        "amount", "bank_account_number", "bank_account_type", "bank_name", "bank_routing_number",
        "credit_card_cvd", "credit_card_expiration_month", "credit_card_expiration_year",
        "credit_card_type", "credit_card_number", "currency", "payment_method",
    }
)  # fmt: skip
_ADDRESS_FIELDS: Final = frozenset(
    {"civic_number", "street", "city", "state", "country", "first_name", "last_name",
     "postal_code"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """A code's exception class and sentence. ``message`` is the English sentence, the
    catalogue's id (marked with ``N_``); a pattern sentence names ``field`` as ``{field}``."""

    cls: type[ProviderRejected]
    message: str
    field: str = ""

    def text(self) -> str:
        """The sentence, in the language messages are shown in."""
        if not self.field:
            return _(self.message)
        return _(self.message).format(field=_labels()[self.field])


# Codes whose sentence is not the pattern's.
_SPECIAL: Final[dict[str, ErrorSpec]] = {
    "authentication_failed": ErrorSpec(
        AuthenticationError,
        N_("VoiceMeUp refused the account ID or auth token. Check them in Settings."),
    ),
    "authentication_token_required": ErrorSpec(
        AuthenticationError,
        N_("No auth token was sent to VoiceMeUp. Store the account's auth_token in Settings."),
    ),
    "password_mismatch": ErrorSpec(InvalidRequest, N_("The two passwords do not match.")),
    "peers_to_ring_limit_reached": ErrorSpec(Conflict, N_("Choose at most 5 devices to ring.")),
    "request_type_invalid": ErrorSpec(
        UnsupportedRequest,
        N_("VoiceMeUp does not know this request. The app may need an update."),
    ),
    "request_type_not_implemented": ErrorSpec(
        UnsupportedRequest,
        N_("VoiceMeUp does not offer this feature through its API yet."),
    ),
    "required_parameter_not_found": ErrorSpec(
        InvalidRequest,
        N_("VoiceMeUp says a required value is missing from the request."),
    ),
    "search_parameters_required": ErrorSpec(
        InvalidRequest,
        N_("Give at least one search criterion."),
    ),
    "internal_error-database_error": ErrorSpec(
        ProviderInternalError,
        N_("VoiceMeUp had an internal database error. Try again in a few minutes."),
    ),
    # The contract maps every internal_error-* code to ProviderInternalError (so reads retry).
    "internal_error-invalid_argument": ErrorSpec(
        ProviderInternalError,
        N_(
            "VoiceMeUp reported an internal error about one of the values sent (invalid "
            "argument). The item may have been deleted: refresh the list and try again."
        ),
    ),
    "socket_error": ErrorSpec(
        ProviderInternalError,
        N_(
            "VoiceMeUp could not set up the call (socket error). Check the history before trying "
            "again."
        ),
    ),
    "could_not_send": ErrorSpec(
        ProviderInternalError,
        N_("VoiceMeUp could not send the request on; contact VoiceMeUp support."),
    ),
    "global_callerid_name_undefined": ErrorSpec(
        InvalidRequest,
        N_("The account has no global caller ID name. Set one in VoiceMeUp or enter one here."),
    ),
    "global_callerid_infos_undefined": ErrorSpec(
        InvalidRequest,
        N_("The account's global caller ID settings are not defined in VoiceMeUp."),
    ),
    "callerid_rejection_notice": ErrorSpec(
        InvalidRequest,
        N_("Some carriers may reject a toll-free caller ID."),
    ),
    "currency_not_supported": ErrorSpec(
        PaymentError,
        N_("This currency is not supported for that type of payment."),
    ),
    "minimum_amount_required": ErrorSpec(PaymentError, N_("The amount is below the minimum.")),
    "payment_attempt_failed": ErrorSpec(PaymentError, N_("The payment attempt failed.")),
    "payment_denied": ErrorSpec(PaymentError, N_("The payment was denied.")),
    "billing_contact_not_found": ErrorSpec(
        PaymentError,
        N_("The account's billing contact could not be found; contact VoiceMeUp."),
    ),
    "forward_number_used_by_did": ErrorSpec(
        Conflict,
        N_("That forwarding number is already used by one of your numbers."),
    ),
    "extension_already_in_use": ErrorSpec(Conflict, N_("That extension is already in use.")),
    "default_mailbox_dependency": ErrorSpec(
        Conflict,
        N_("This mailbox is the default one, so it cannot be disabled."),
    ),
    "mailbox_did_dependency": ErrorSpec(
        Conflict,
        N_("This mailbox is used by one of your numbers, so it cannot be disabled."),
    ),
    "voice_mailboxes_limit_reached": ErrorSpec(
        Conflict,
        N_("The account has reached its limit of voice mailboxes."),
    ),
    "peer_did_dependency": ErrorSpec(
        Conflict,
        N_("This device is used by one of your numbers, so it cannot be disabled."),
    ),
    "peer_excluded_from_sync": ErrorSpec(
        Conflict,
        N_(
            "This device is excluded from synchronization: changes will not reach its live "
            "configuration."
        ),
    ),
    "peer_exist": ErrorSpec(Conflict, N_("That username is already in use.")),
    "peers_limit_reached": ErrorSpec(
        Conflict,
        N_("The account has reached its limit of devices (peers)."),
    ),
    "alternate_address_provided": ErrorSpec(
        E911AddressRejected,
        N_(
            "The emergency service did not find this exact address. Choose one of its suggestions "
            "or correct the address."
        ),
    ),
    "no_e911_endpoint_found": ErrorSpec(
        NotFound,
        N_("This number has no emergency address on file."),
    ),
    "last_endpoint_was_deleted": ErrorSpec(
        Conflict,
        N_(
            "The last emergency address was deleted. Until another number has one, every 911 call "
            "will be billed an E911 unprovisioned-call fee."
        ),
    ),
    "entry_is_default_endpoint": ErrorSpec(
        Conflict,
        N_(
            "This is the account's default emergency address. Make another one the default before "
            "deleting it."
        ),
    ),
    "prefix_required": ErrorSpec(InvalidRequest, N_("Give a prefix (NPA-NXX) or a rate centre.")),
    "type_invalid": ErrorSpec(  # documented twice: peer protocol, and local/international DID
        InvalidRequest,
        N_("VoiceMeUp did not accept the type given (the number type or the device protocol)."),
    ),
    "quantity_invalid": ErrorSpec(
        InvalidRequest,
        N_("The quantity must be a number above 0 and under 1000."),
    ),
    "prefix_not_found": ErrorSpec(NotFound, N_("VoiceMeUp could not find that prefix.")),
    "ratecenter_id_not_found": ErrorSpec(
        NotFound,
        N_("VoiceMeUp could not find that rate centre."),
    ),
}

# Account authentication only: auth_username, username and password belong to devices (set_peer).
_AUTH_CODES: Final = frozenset({"client_account_id_invalid", "client_account_id_required"})

# Values the app itself chooses or copies from an earlier answer: the user cannot fix them.
_APP_FIELDS: Final = frozenset(
    {
        "request_type", "result_limit", "result_offset", "source_type", "destination_type",
        "enable_recording", "max_retries", "retry_delay", "mode", "direction", "unique_id",
        "call_hash", "call_recording_id", "recording_hash", "client_did_id", "client_extension_id",
        "client_mailbox_id", "client_peer_id", "client_endpoint_id", "call_issue_id", "country_id",
        "state_id", "code",
    }
)  # fmt: skip

# The pattern sentences, by (kind, hint); {field} is one of the labels above. The hint says
# who can fix the value: the user ("fix"), nobody but a report ("app": the app chose it), the
# account's settings ("auth"), or the address form ("address").
_PATTERNS: Final[dict[tuple[str, str], str]] = {
    # Translators: {field}: a VoiceMeUp field with its article ("le nom de l'afficheur").
    ("invalid", "fix"): N_("VoiceMeUp says the {field} is not valid. Correct it and try again."),
    # Translators: {field}: a VoiceMeUp field in the plural, with its article ("les codecs").
    ("invalid_plural", "fix"): N_(
        "VoiceMeUp says the {field} are not valid. Correct it and try again."
    ),
    # Translators: {field}: a VoiceMeUp field with its article. The app chose this value, so the
    # user cannot correct it.
    ("invalid", "app"): N_(
        "VoiceMeUp says the {field} is not valid. The app sent this value; if it keeps "
        "happening, please report it."
    ),
    # Translators: {field}: a VoiceMeUp field with its article ("le numéro de compte").
    ("invalid", "auth"): N_(
        "VoiceMeUp says the {field} is not valid. Check the account in Settings."
    ),
    # Translators: {field}: a VoiceMeUp field with its article ("le nom de l'afficheur").
    ("required", "fix"): N_("VoiceMeUp needs the {field}. Fill it in and try again."),
    # Translators: {field}: a VoiceMeUp field with its article. The app chose this value, so the
    # user cannot supply it.
    ("required", "app"): N_(
        "VoiceMeUp needs the {field}. The app sent this value; if it keeps happening, please "
        "report it."
    ),
    # Translators: {field}: a VoiceMeUp field with its article ("le numéro de compte").
    ("required", "auth"): N_("VoiceMeUp needs the {field}. Check the account in Settings."),
    # Translators: {field}: a VoiceMeUp field with its article ("l'identifiant du poste").
    ("not_found", "fix"): N_(
        "VoiceMeUp could not find the {field}. It may have been removed: refresh and try again."
    ),
    # Translators: {field}: a part of an emergency address with its article ("la rue").
    ("not_found", "address"): N_(
        "The emergency service could not find the {field}. Check the spelling (it must match "
        "exactly) or pick a suggested address."
    ),
}

# Every documented code (the vendor's tables, duplicates merged).
ALL_DOCUMENTED_CODES: Final = frozenset(
    [
        "auth_username_invalid",
        "auth_username_required",
        "authentication_failed",
        "authentication_token_required",
        "callerid_name_invalid",
        "callerid_name_required",
        "callerid_number_invalid",
        "callerid_number_required",
        "callerid_rejection_notice",
        "client_account_id_invalid",
        "client_account_id_required",
        "client_did_id_invalid",
        "client_extension_id_invalid",
        "client_mailbox_id_invalid",
        "client_peer_id_invalid",
        "country_id_invalid",
        "country_id_required",
        "date_from_invalid",
        "date_to_invalid",
        "email_invalid",
        "email_required",
        "forward_number_invalid",
        "forward_number_required",
        "forward_timeout_invalid",
        "forward_timeout_required",
        "friendly_name_invalid",
        "friendly_name_required",
        "internal_error-database_error",
        "internal_error-invalid_argument",
        "language_invalid",
        "mailbox_invalid",
        "mode_invalid",
        "npa_invalid",
        "nxx_invalid",
        "npa_required",
        "nxx_required",
        "options_invalid",
        "password_invalid",
        "password_mismatch",
        "password_required",
        "peer_required",
        "peer_timeout_invalid",
        "peer_timeout_required",
        "peers_to_ring_limit_reached",
        "phone_number_invalid",
        "request_type_invalid",
        "request_type_not_implemented",
        "request_type_required",
        "required_parameter_not_found",
        "result_limit_invalid",
        "result_offset_invalid",
        "state_id_invalid",
        "status_invalid",
        "status_required",
        "username_invalid",
        "username_required",
        "destination_invalid",
        "destination_required",
        "destination_type_invalid",
        "destination_type_required",
        "enable_recording_invalid",
        "global_callerid_name_undefined",
        "max_retries_invalid",
        "retry_delay_invalid",
        "socket_error",
        "source_invalid",
        "source_required",
        "source_type_invalid",
        "source_type_required",
        "wait_time_invalid",
        "direction_invalid",
        "unique_id_invalid",
        "code_invalid",
        "search_parameters_required",
        "call_issue_id_invalid",
        "call_hash_invalid",
        "call_recording_id_invalid",
        "recording_hash_invalid",
        "amount_invalid",
        "amount_required",
        "bank_account_number_invalid",
        "bank_account_number_required",
        "bank_account_type_invalid",
        "bank_account_type_required",
        "bank_name_invalid",
        "bank_name_required",
        "bank_routing_number_invalid",
        "bank_routing_number_required",
        "billing_contact_not_found",
        "credit_card_cvd_invalid",
        "credit_card_cvd_required",
        "credit_card_expiration_month_invalid",
        "credit_card_expiration_month_required",
        "credit_card_type_invalid",
        "credit_card_type_required",
        "credit_card_expiration_year_invalid",
        "credit_card_expiration_year_required",
        "credit_card_number_invalid",
        "credit_card_number_required",
        "currency_invalid",
        "currency_not_supported",
        "currency_required",
        "minimum_amount_required",
        "payment_attempt_failed",
        "payment_denied",
        "payment_method_invalid",
        "payment_method_required",
        "forward_number_used_by_did",
        "extension_already_in_use",
        "extension_invalid",
        "extension_required",
        "default_mailbox_dependency",
        "mailbox_did_dependency",
        "passcode_invalid",
        "passcode_required",
        "voice_mailboxes_limit_reached",
        "callerid_mode_invalid",
        "callerid_mode_required",
        "codecs_invalid",
        "codecs_required",
        "default_ip_invalid",
        "dtmf_invalid",
        "global_callerid_infos_undefined",
        "host_type_invalid",
        "host_type_required",
        "peer_did_dependency",
        "peer_excluded_from_sync",
        "peer_exist",
        "peers_limit_reached",
        "qualify_invalid",
        "qualify_required",
        "type_invalid",
        "alternate_address_provided",
        "client_endpoint_id_not_found",
        "client_peer_id_not_found",
        "client_did_id_not_found",
        "phone_number_not_found",
        "no_e911_endpoint_found",
        "civic_number_not_found",
        "street_not_found",
        "city_not_found",
        "state_not_found",
        "country_not_found",
        "first_name_not_found",
        "last_name_not_found",
        "postal_code_not_found",
        "last_endpoint_was_deleted",
        "entry_is_default_endpoint",
        "prefix_required",
        "prefix_invalid",
        "ratecenter_id_invalid",
        "quantity_required",
        "quantity_invalid",
        "prefix_preference_invalid",
        "sequential_invalid",
        "t38_support_invalid",
        "capacity_invalid",
        "prefix_not_found",
        "ratecenter_id_not_found",
        "could_not_send",
    ]
)

_PATTERN = re.compile(r"^(?P<field>.+)_(?P<kind>invalid|required|not_found)$")


def _from_pattern(code: str) -> ErrorSpec | None:
    match = _PATTERN.match(code)
    if not match or match.group("field") not in _labels():
        return None
    field, kind = match.group("field"), match.group("kind")
    address = kind == "not_found" and field in _ADDRESS_FIELDS
    if code in _AUTH_CODES:
        return ErrorSpec(AuthenticationError, _PATTERNS[kind, "auth"], field)
    hint = (
        "address" if address else "app" if field in _APP_FIELDS and kind != "not_found" else "fix"
    )
    sentence = "invalid_plural" if kind == "invalid" and field in _PLURAL else kind
    message = _PATTERNS[sentence, hint]
    if field in _PAYMENT_FIELDS:
        return ErrorSpec(PaymentError, message, field)
    if kind == "not_found":
        return ErrorSpec(E911AddressRejected if address else NotFound, message, field)
    return ErrorSpec(InvalidRequest, message, field)


def spec_for(code: str) -> ErrorSpec | None:
    """The mapping of one documented code, or None for a code the vendor never documented."""
    return _SPECIAL.get(code) or _from_pattern(code)


def is_warning(code: str) -> bool:
    return code in WARNING_CODES


def _clean(text: str) -> str:
    """Provider text fit for a message: one line, no control characters, at most 200 chars."""
    text = " ".join(re.sub(r"[\x00-\x1f\x7f]+", " ", text or "").split())
    return text if len(text) <= 200 else text[:199] + "…"


def warning_for(code: str, text: str) -> ProviderWarning:
    """The notice for a warning code, in the language messages are shown in."""
    spec = spec_for(code)
    if spec is not None:
        return ProviderWarning(code, spec.text())
    clean = _clean(text) or code
    # Translators: {text}: VoiceMeUp's own notice, as it sent it (often in English).
    return ProviderWarning(code, _("VoiceMeUp: {text}").format(text=clean))


def error_for(
    errors: Sequence[tuple[str, str]],
    *,
    status: int | None = None,
    alternates: Sequence[AlternateAddress] = (),
) -> ProviderRejected:
    """The exception for a failure envelope: the first code decides the class."""
    codes = [code for code, _text in errors] or ["unknown_error"]
    first_code, first_text = errors[0] if errors else ("unknown_error", "")
    spec = spec_for(first_code)
    if spec is None:
        detail = _clean(first_text)
        message = (
            # Translators: {detail}: VoiceMeUp's own explanation, as it sent it.
            _("VoiceMeUp refused the request: {detail}").format(detail=detail)
            if detail
            else _("VoiceMeUp refused the request.")
        )
        return ProviderRejected(
            message, provider=PROVIDER, code=first_code, status=status, codes=codes
        )
    # Several codes: the first one's sentence, then the others', briefly.
    found = [spec, *(s for s in map(spec_for, codes[1:]) if s is not None)]
    message = " ".join(s.text() for s in found)
    if spec.cls is E911AddressRejected:
        return E911AddressRejected(
            message,
            alternates=alternates,
            provider=PROVIDER,
            code=first_code,
            status=status,
            codes=codes,
        )
    return spec.cls(message, provider=PROVIDER, code=first_code, status=status, codes=codes)
