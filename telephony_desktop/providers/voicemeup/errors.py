"""Every documented XML Engine error code, mapped to a typed exception and a sentence a person can
act on, in English and French.

Most codes follow a pattern (``<field>_invalid``, ``<field>_required``, ``<thing>_not_found``), so
their sentences are built from one label per field; the rest are written out. The code list is the
vendor page's tables (tests/data/voicemeup_error_codes.txt checks that none is missing).
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
from telephony_desktop.providers.voicemeup.names import WARNING_CODES

PROVIDER: Final = "VoiceMeUp"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    cls: type[ProviderRejected]
    en: str
    fr: str


# Field labels: (English, French with its article, French is plural).
_LABELS: Final[dict[str, tuple[str, str]]] = {
    "auth_username": (
        "device authentication username",
        "le nom d'utilisateur d'authentification de l'appareil",
    ),
    "callerid_name": ("caller ID name", "le nom de l'afficheur"),
    "callerid_number": ("caller ID number", "le numéro de l'afficheur"),
    "callerid_mode": ("caller ID mode", "le mode d'afficheur"),
    "client_account_id": ("account ID", "le numéro de compte"),
    "client_did_id": ("number (DID) ID", "l'identifiant du numéro (DID)"),
    "client_extension_id": ("extension ID", "l'identifiant du poste"),
    "client_mailbox_id": ("mailbox ID", "l'identifiant de la boîte vocale"),
    "client_peer_id": ("device (peer) ID", "l'identifiant de l'appareil (peer)"),
    "client_endpoint_id": ("emergency endpoint ID", "l'identifiant de l'adresse d'urgence"),
    "country_id": ("country", "le pays"),
    "date_from": ("start date", "la date de début"),
    "date_to": ("end date", "la date de fin"),
    "email": ("email address", "l'adresse courriel"),
    "forward_number": ("forwarding number", "le numéro de renvoi"),
    "forward_timeout": ("forwarding ring time", "le délai de sonnerie avant renvoi"),
    "friendly_name": ("name", "le nom"),
    "language": ("language", "la langue"),
    "mailbox": ("mailbox", "la boîte vocale"),
    "mode": ("mode", "le mode"),
    "npa": ("area code (NPA)", "l'indicatif régional (NPA)"),
    "nxx": ("exchange (NXX)", "le central (NXX)"),
    "password": ("device password", "le mot de passe de l'appareil"),
    "peer": ("device (peer)", "l'appareil (peer)"),
    "peer_timeout": ("device ring time", "le délai de sonnerie des appareils"),
    "phone_number": ("phone number", "le numéro de téléphone"),
    "request_type": ("request type", "le type de requête"),
    "result_limit": ("result limit", "la limite de résultats"),
    "result_offset": ("result offset", "le décalage des résultats"),
    "state_id": ("province or state", "la province ou l'État"),
    "status": ("status", "le statut"),
    "username": ("device username", "le nom d'utilisateur de l'appareil"),
    "destination": ("number to call", "le numéro à appeler"),
    "destination_type": ("destination type", "le type de destination"),
    "source": ("phone to ring first", "le téléphone à faire sonner d'abord"),
    "source_type": ("source type", "le type de source"),
    "enable_recording": ("recording choice", "le choix d'enregistrement"),
    "max_retries": ("maximum number of retries", "le nombre maximal de tentatives"),
    "retry_delay": ("retry delay", "le délai entre tentatives"),
    "wait_time": ("wait time", "le temps d'attente"),
    "direction": ("call direction", "le sens de l'appel"),
    "unique_id": ("call history position (unique ID)", "la position dans l'historique (unique ID)"),
    "code": ("dialing code", "l'indicatif"),
    "call_issue_id": ("call issue", "le problème d'appel"),
    "call_hash": ("call reference (hash)", "la référence d'appel (hash)"),
    "call_recording_id": ("recording ID", "l'identifiant de l'enregistrement"),
    "recording_hash": ("recording reference (hash)", "la référence de l'enregistrement (hash)"),
    "amount": ("amount", "le montant"),
    "bank_account_number": ("bank account number", "le numéro de compte bancaire"),
    "bank_account_type": ("bank account type", "le type de compte bancaire"),
    "bank_name": ("bank name", "le nom de la banque"),
    "bank_routing_number": ("bank routing number", "le numéro de transit bancaire"),
    "credit_card_cvd": ("card security code (CVD)", "le code de sécurité de la carte (CVD)"),
    "credit_card_expiration_month": ("card expiry month", "le mois d'expiration de la carte"),
    "credit_card_expiration_year": ("card expiry year", "l'année d'expiration de la carte"),
    "credit_card_type": ("card type", "le type de carte"),
    "credit_card_number": ("card number", "le numéro de carte"),
    "currency": ("currency", "la devise"),
    "payment_method": ("payment method", "le mode de paiement"),
    "extension": ("extension", "le poste"),
    "passcode": ("mailbox passcode", "le code d'accès de la boîte vocale"),
    "codecs": ("codecs", "les codecs"),
    "default_ip": ("default IP address", "l'adresse IP par défaut"),
    "dtmf": ("DTMF mode", "le mode DTMF"),
    "host_type": ("host type", "le type d'hôte"),
    "qualify": ("qualify interval", "l'intervalle de vérification (qualify)"),
    "type": ("type", "le type"),
    "prefix": ("prefix (NPA-NXX)", "le préfixe (NPA-NXX)"),
    "ratecenter_id": ("rate centre", "le centre de tarification"),
    "quantity": ("quantity", "la quantité"),
    "prefix_preference": ("prefix preference", "la préférence de préfixe"),
    "sequential": ("sequential/random choice", "le choix séquentiel ou aléatoire"),
    "t38_support": ("T.38 fax support choice", "le choix de prise en charge du fax T.38"),
    "capacity": ("capacity", "la capacité"),
    "options": ("options", "les options"),
    "civic_number": ("civic number", "le numéro civique"),
    "street": ("street", "la rue"),
    "city": ("city", "la ville"),
    "state": ("province or state", "la province ou l'État"),
    "country": ("country", "le pays"),
    "first_name": ("first name", "le prénom"),
    "last_name": ("last name", "le nom de famille"),
    "postal_code": ("postal code", "le code postal"),
    "billing_contact": ("billing contact", "le contact de facturation"),
}
_PLURAL_FR: Final = frozenset({"codecs", "options"})
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

_AUTH_HINT_EN = " Check the account in Settings."
_AUTH_HINT_FR = " Vérifiez le compte dans les réglages."

# Codes whose sentence is not the pattern's.
_SPECIAL: Final[dict[str, ErrorSpec]] = {
    "authentication_failed": ErrorSpec(
        AuthenticationError,
        "VoiceMeUp refused the account ID or auth token. Check them in Settings.",
        "VoiceMeUp a refusé le numéro de compte ou le jeton. Vérifiez-les dans les réglages.",
    ),
    "authentication_token_required": ErrorSpec(
        AuthenticationError,
        "No auth token was sent to VoiceMeUp. Store the account's auth_token in Settings.",
        "Aucun jeton n'a été envoyé à VoiceMeUp. Enregistrez l'auth_token du compte dans les "
        "réglages.",
    ),
    "password_mismatch": ErrorSpec(
        InvalidRequest,
        "The two passwords do not match.",
        "Les deux mots de passe ne correspondent pas.",
    ),
    "peers_to_ring_limit_reached": ErrorSpec(
        Conflict,
        "Choose at most 5 devices to ring.",
        "Choisissez au plus 5 appareils à faire sonner.",
    ),
    "request_type_invalid": ErrorSpec(
        UnsupportedRequest,
        "VoiceMeUp does not know this request. The app may need an update.",
        "VoiceMeUp ne connaît pas cette requête. L'application doit peut-être être mise à jour.",
    ),
    "request_type_not_implemented": ErrorSpec(
        UnsupportedRequest,
        "VoiceMeUp does not offer this feature through its API yet.",
        "VoiceMeUp n'offre pas encore cette fonction par son API.",
    ),
    "required_parameter_not_found": ErrorSpec(
        InvalidRequest,
        "VoiceMeUp says a required value is missing from the request.",
        "VoiceMeUp indique qu'une valeur obligatoire manque dans la requête.",
    ),
    "search_parameters_required": ErrorSpec(
        InvalidRequest,
        "Give at least one search criterion.",
        "Donnez au moins un critère de recherche.",
    ),
    "internal_error-database_error": ErrorSpec(
        ProviderInternalError,
        "VoiceMeUp had an internal database error. Try again in a few minutes.",
        "VoiceMeUp a eu une erreur interne de base de données. Réessayez dans quelques minutes.",
    ),
    # The contract maps every internal_error-* code to ProviderInternalError (so reads retry).
    "internal_error-invalid_argument": ErrorSpec(
        ProviderInternalError,
        "VoiceMeUp reported an internal error about one of the values sent (invalid argument). "
        "The item may have been deleted: refresh the list and try again.",
        "VoiceMeUp a signalé une erreur interne au sujet de l'une des valeurs envoyées (argument "
        "invalide). L'élément a peut-être été supprimé : actualisez la liste et réessayez.",
    ),
    "socket_error": ErrorSpec(
        ProviderInternalError,
        "VoiceMeUp could not set up the call (socket error). Check the history before trying "
        "again.",
        "VoiceMeUp n'a pas pu établir l'appel (erreur de socket). Vérifiez l'historique avant "
        "de réessayer.",
    ),
    "could_not_send": ErrorSpec(
        ProviderInternalError,
        "VoiceMeUp could not send the request on; contact VoiceMeUp support.",
        "VoiceMeUp n'a pas pu transmettre la demande; communiquez avec le soutien de VoiceMeUp.",
    ),
    "global_callerid_name_undefined": ErrorSpec(
        InvalidRequest,
        "The account has no global caller ID name. Set one in VoiceMeUp or enter one here.",
        "Le compte n'a pas de nom d'afficheur global. Définissez-en un chez VoiceMeUp ou "
        "entrez-le ici.",
    ),
    "global_callerid_infos_undefined": ErrorSpec(
        InvalidRequest,
        "The account's global caller ID settings are not defined in VoiceMeUp.",
        "Les réglages d'afficheur globaux du compte ne sont pas définis chez VoiceMeUp.",
    ),
    "callerid_rejection_notice": ErrorSpec(
        InvalidRequest,
        "Some carriers may reject a toll-free caller ID.",
        "Certains opérateurs peuvent refuser un afficheur sans frais.",
    ),
    "currency_not_supported": ErrorSpec(
        PaymentError,
        "This currency is not supported for that type of payment.",
        "Cette devise n'est pas prise en charge pour ce type de paiement.",
    ),
    "minimum_amount_required": ErrorSpec(
        PaymentError,
        "The amount is below the minimum.",
        "Le montant est inférieur au minimum.",
    ),
    "payment_attempt_failed": ErrorSpec(
        PaymentError, "The payment attempt failed.", "La tentative de paiement a échoué."
    ),
    "payment_denied": ErrorSpec(
        PaymentError, "The payment was denied.", "Le paiement a été refusé."
    ),
    "billing_contact_not_found": ErrorSpec(
        PaymentError,
        "The account's billing contact could not be found; contact VoiceMeUp.",
        "Le contact de facturation du compte est introuvable; communiquez avec VoiceMeUp.",
    ),
    "forward_number_used_by_did": ErrorSpec(
        Conflict,
        "That forwarding number is already used by one of your numbers.",
        "Ce numéro de renvoi est déjà utilisé par l'un de vos numéros.",
    ),
    "extension_already_in_use": ErrorSpec(
        Conflict, "That extension is already in use.", "Ce poste est déjà utilisé."
    ),
    "default_mailbox_dependency": ErrorSpec(
        Conflict,
        "This mailbox is the default one, so it cannot be disabled.",
        "Cette boîte vocale est celle par défaut; elle ne peut pas être désactivée.",
    ),
    "mailbox_did_dependency": ErrorSpec(
        Conflict,
        "This mailbox is used by one of your numbers, so it cannot be disabled.",
        "Cette boîte vocale est utilisée par l'un de vos numéros; elle ne peut pas être "
        "désactivée.",
    ),
    "voice_mailboxes_limit_reached": ErrorSpec(
        Conflict,
        "The account has reached its limit of voice mailboxes.",
        "Le compte a atteint sa limite de boîtes vocales.",
    ),
    "peer_did_dependency": ErrorSpec(
        Conflict,
        "This device is used by one of your numbers, so it cannot be disabled.",
        "Cet appareil est utilisé par l'un de vos numéros; il ne peut pas être désactivé.",
    ),
    "peer_excluded_from_sync": ErrorSpec(
        Conflict,
        "This device is excluded from synchronization: changes will not reach its live "
        "configuration.",
        "Cet appareil est exclu de la synchronisation : les changements n'atteindront pas sa "
        "configuration active.",
    ),
    "peer_exist": ErrorSpec(
        Conflict, "That username is already in use.", "Ce nom d'utilisateur est déjà utilisé."
    ),
    "peers_limit_reached": ErrorSpec(
        Conflict,
        "The account has reached its limit of devices (peers).",
        "Le compte a atteint sa limite d'appareils (peers).",
    ),
    "alternate_address_provided": ErrorSpec(
        E911AddressRejected,
        "The emergency service did not find this exact address. Choose one of its suggestions "
        "or correct the address.",
        "Le service d'urgence n'a pas trouvé cette adresse exacte. Choisissez l'une de ses "
        "suggestions ou corrigez l'adresse.",
    ),
    "no_e911_endpoint_found": ErrorSpec(
        NotFound,
        "This number has no emergency address on file.",
        "Ce numéro n'a aucune adresse d'urgence enregistrée.",
    ),
    "last_endpoint_was_deleted": ErrorSpec(
        Conflict,
        "The last emergency address was deleted. Until another number has one, every 911 call "
        "will be billed an E911 unprovisioned-call fee.",
        "La dernière adresse d'urgence a été supprimée. Tant qu'aucun autre numéro n'en a une, "
        "chaque appel au 911 sera facturé des frais d'appel E911 non provisionné.",
    ),
    "entry_is_default_endpoint": ErrorSpec(
        Conflict,
        "This is the account's default emergency address. Make another one the default before "
        "deleting it.",
        "C'est l'adresse d'urgence par défaut du compte. Choisissez-en une autre par défaut "
        "avant de la supprimer.",
    ),
    "prefix_required": ErrorSpec(
        InvalidRequest,
        "Give a prefix (NPA-NXX) or a rate centre.",
        "Donnez un préfixe (NPA-NXX) ou un centre de tarification.",
    ),
    "type_invalid": ErrorSpec(  # documented twice: peer protocol, and local/international DID
        InvalidRequest,
        "VoiceMeUp did not accept the type given (the number type or the device protocol).",
        "VoiceMeUp n'a pas accepté le type indiqué (le type de numéro ou le protocole de "
        "l'appareil).",
    ),
    "quantity_invalid": ErrorSpec(
        InvalidRequest,
        "The quantity must be a number above 0 and under 1000.",
        "La quantité doit être un nombre supérieur à 0 et inférieur à 1000.",
    ),
    "prefix_not_found": ErrorSpec(
        NotFound,
        "VoiceMeUp could not find that prefix.",
        "VoiceMeUp n'a pas trouvé ce préfixe.",
    ),
    "ratecenter_id_not_found": ErrorSpec(
        NotFound,
        "VoiceMeUp could not find that rate centre.",
        "VoiceMeUp n'a pas trouvé ce centre de tarification.",
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
_HINTS: Final[dict[str, tuple[str, str]]] = {
    "app": (
        " The app sent this value; if it keeps happening, please report it.",
        " L'application a envoyé cette valeur; si cela se reproduit, veuillez le signaler.",
    ),
    "invalid": (" Correct it and try again.", " Corrigez cette valeur et réessayez."),
    "required": (" Fill it in and try again.", " Indiquez cette valeur et réessayez."),
    "not_found": (
        " It may have been removed: refresh and try again.",
        " L'élément a peut-être été supprimé : actualisez et réessayez.",
    ),
    "address": (
        " Check the spelling (it must match exactly) or pick a suggested address.",
        " Vérifiez l'orthographe (la correspondance doit être exacte) ou choisissez une adresse "
        "suggérée.",
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
    if not match or match.group("field") not in _LABELS:
        return None
    field, kind = match.group("field"), match.group("kind")
    en_label, fr_label = _LABELS[field]
    plural = field in _PLURAL_FR
    address = kind == "not_found" and field in _ADDRESS_FIELDS
    if kind == "invalid":
        en = f"VoiceMeUp says the {en_label} {'are' if plural else 'is'} not valid."
        verb = "ne sont pas valides" if plural else "n'est pas valide"
        fr = f"VoiceMeUp indique que {fr_label} {verb}."
    elif kind == "required":
        en = f"VoiceMeUp needs the {en_label}."
        fr = f"VoiceMeUp exige {fr_label}."
    elif address:
        en = f"The emergency service could not find the {en_label}."
        fr = f"Le service d'urgence n'a pas trouvé {fr_label}."
    else:
        en = f"VoiceMeUp could not find the {en_label}."
        fr = f"VoiceMeUp n'a pas trouvé {fr_label}."
    if code in _AUTH_CODES:
        return ErrorSpec(AuthenticationError, en + _AUTH_HINT_EN, fr + _AUTH_HINT_FR)
    hint = "address" if address else "app" if field in _APP_FIELDS and kind != "not_found" else kind
    en, fr = en + _HINTS[hint][0], fr + _HINTS[hint][1]
    if field in _PAYMENT_FIELDS:
        return ErrorSpec(PaymentError, en, fr)
    if kind == "not_found":
        return ErrorSpec(E911AddressRejected if address else NotFound, en, fr)
    return ErrorSpec(InvalidRequest, en, fr)


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
    spec = spec_for(code)
    if spec is not None:
        return ProviderWarning(code, spec.en, spec.fr)
    clean = _clean(text) or code
    return ProviderWarning(code, f"VoiceMeUp: {clean}", f"VoiceMeUp : {clean}")


def error_for(
    errors: Sequence[tuple[str, str]],
    *,
    status: int | None = None,
    alternates: Sequence[AlternateAddress] = (),
) -> ProviderRejected:
    """The exception for a failure envelope: the first code decides the class."""
    codes = [code for code, _ in errors] or ["unknown_error"]
    first_code, first_text = errors[0] if errors else ("unknown_error", "")
    spec = spec_for(first_code)
    if spec is None:
        detail = _clean(first_text)
        en = "VoiceMeUp refused the request" + (f": {detail}" if detail else ".")
        fr = "VoiceMeUp a refusé la requête" + (f" : {detail}" if detail else ".")
        return ProviderRejected(
            en, fr, provider=PROVIDER, code=first_code, status=status, codes=codes
        )
    if len(errors) > 1:  # name the others too, briefly
        more = [spec_for(c) for c in codes[1:]]
        extra_en = " ".join(s.en for s in more if s is not None)
        extra_fr = " ".join(s.fr for s in more if s is not None)
        en, fr = f"{spec.en} {extra_en}".strip(), f"{spec.fr} {extra_fr}".strip()
    else:
        en, fr = spec.en, spec.fr
    if spec.cls is E911AddressRejected:
        return E911AddressRejected(
            en,
            fr,
            alternates=alternates,
            provider=PROVIDER,
            code=first_code,
            status=status,
            codes=codes,
        )
    return spec.cls(en, fr, provider=PROVIDER, code=first_code, status=status, codes=codes)
