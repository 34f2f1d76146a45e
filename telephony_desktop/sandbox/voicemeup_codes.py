"""Documented VoiceMeUp XML Engine error codes and their descriptions (vendor page, verbatim).

French sentences are given for the codes the app meets most; others fall back to English.
"""

from __future__ import annotations

from typing import Final

ERRORS_EN: Final[dict[str, str]] = {
    "auth_username_invalid": "Auth username is invalid.",
    "auth_username_required": "Auth username is required.",
    "authentication_failed": (
        "Authentication failed. Please verify 'client_account_id' and 'auth_token'."
    ),
    "authentication_token_required": "Auth token is required.",
    "callerid_name_invalid": "Caller ID name is invalid.",
    "callerid_name_required": "Caller ID name is required.",
    "callerid_number_invalid": "Caller ID number is invalid.",
    "callerid_number_required": "Caller ID number is required.",
    "callerid_rejection_notice": "Some providers might reject toll free Caller ID.",
    "client_account_id_invalid": "Client account ID is invalid.",
    "client_account_id_required": "Client account ID is required.",
    "client_did_id_invalid": "Client DID ID is invalid.",
    "client_extension_id_invalid": "Client account ID is invalid.",
    "client_mailbox_id_invalid": "Client mailbox ID is invalid.",
    "client_peer_id_invalid": "Client peer ID is invalid.",
    "country_id_invalid": "Country ID is invalid.",
    "country_id_required": "Country ID is required.",
    "date_from_invalid": "Date from is invalid.",
    "date_to_invalid": "Date to is invalid.",
    "email_invalid": "Email address is invalid.",
    "email_required": "Email address is required.",
    "forward_number_invalid": "Forward number is invalid.",
    "forward_number_required": "Forward number is required.",
    "forward_timeout_invalid": "Call forward ring timeout is invalid.",
    "forward_timeout_required": "Call forward ring timeout is required.",
    "friendly_name_invalid": "Friendly name is invalid.",
    "friendly_name_required": "Friendly name is required.",
    "internal_error-database_error": "There was an internal error with our database.",
    "internal_error-invalid_argument": "Invalid argument.",
    "language_invalid": "Language is invalid.",
    "mailbox_invalid": "Mailbox is invalid.",
    "mode_invalid": "Mode is invalid.",
    "npa_invalid": "NPA is invalid.",
    "nxx_invalid": "NXX is invalid.",
    "npa_required": "NPA is required.",
    "nxx_required": "NXX is required.",
    "options_invalid": "Options are invalid.",
    "password_invalid": "Password is invalid.",
    "password_mismatch": "The password verification did not match.",
    "password_required": "Password is required.",
    "peer_required": "Peer is required.",
    "peer_timeout_invalid": "Peer ring timeout is invalid.",
    "peer_timeout_required": "Peer ring timeout is required.",
    "peers_to_ring_limit_reached": "Please choose a maximum of 5 peers.",
    "phone_number_invalid": "Phone number is invalid.",
    "request_type_invalid": "Request type is invalid.",
    "request_type_not_implemented": "Request type is not implemented.",
    "request_type_required": "Request type is required.",
    "required_parameter_not_found": "Required parameters missing.",
    "result_limit_invalid": "Result limit is invalid.",
    "result_offset_invalid": "Result offset is invalid.",
    "state_id_invalid": "State ID is invalid.",
    "status_invalid": "Status is invalid.",
    "status_required": "Status is required.",
    "username_invalid": "Username is invalid.",
    "username_required": "Username is required.",
    "destination_invalid": "Destination is invalid.",
    "destination_required": "Destination is required.",
    "destination_type_invalid": "Destination type is invalid.",
    "destination_type_required": "Destination type is required.",
    "enable_recording_invalid": "Enable recording value is invalid.",
    "global_callerid_name_undefined": "Global caller ID name is not defined.",
    "max_retries_invalid": "Maximum retries is invalid.",
    "retry_delay_invalid": "Retry delay is invalid.",
    "socket_error": "A socket error occured.",
    "source_invalid": "Source is invalid.",
    "source_required": "Source is required.",
    "source_type_invalid": "Source type is invalid.",
    "source_type_required": "Source type is required.",
    "wait_time_invalid": "Wait time is invalid.",
    "direction_invalid": "Direction is invalid.",
    "unique_id_invalid": "Unique ID is invalid.",
    "code_invalid": "Code is invalid.",
    "search_parameters_required": "Search parameters are required.",
    "call_issue_id_invalid": "Call Issue ID is invalid.",
    "call_hash_invalid": "Call hash is invalid.",
    "call_recording_id_invalid": "Call recording id is invalid.",
    "recording_hash_invalid": "Recording hash is invalid.",
    "amount_invalid": "Amount is invalid.",
    "amount_required": "Amount is required.",
    "bank_account_number_invalid": "Bank account number is invalid.",
    "bank_account_number_required": "Bank account number is required.",
    "bank_account_type_invalid": "Bank account type is invalid.",
    "bank_account_type_required": "Bank account type is required.",
    "bank_name_invalid": "Bank name is invalid.",
    "bank_name_required": "Bank name is required.",
    "bank_routing_number_invalid": "Bank routing number is invalid.",
    "bank_routing_number_required": "Bank routing number is required.",
    "billing_contact_not_found": "Account's billing contact could not be found.",
    "credit_card_cvd_invalid": "The credit card CVD number is invalid.",
    "credit_card_cvd_required": "The credit card CVD number is required.",
    "credit_card_expiration_month_invalid": "The credit card expiration month is invalid.",
    "credit_card_expiration_month_required": "The credit card expiration month is required.",
    "credit_card_type_invalid": "The credit card type is invalid.",
    "credit_card_type_required": "The credit card type is required.",
    "credit_card_expiration_year_invalid": "The credit card expiration year is invalid.",
    "credit_card_expiration_year_required": "The credit card expiration year is required.",
    "credit_card_number_invalid": "The credit card number is invalid.",
    "credit_card_number_required": "The credit card number is required.",
    "currency_invalid": "Currency is invalid.",
    "currency_not_supported": "Currency is not supported for given type of payment.",
    "currency_required": "Currency is required.",
    "minimum_amount_required": "The minimum amount is not met.",
    "payment_attempt_failed": "Payment attempt has failed.",
    "payment_denied": "Payment denied.",
    "payment_method_invalid": "Payment method is invalid.",
    "payment_method_required": "Payment method is required.",
    "forward_number_used_by_did": "Forward number already in use.",
    "extension_already_in_use": "Extension is already in use.",
    "extension_invalid": "Extension is invalid.",
    "extension_required": "Extension is required.",
    "default_mailbox_dependency": "You cannot disable this mailbox because it is set as default.",
    "mailbox_did_dependency": (
        "You cannot disable this mailbox because it is associated to a DID number."
    ),
    "passcode_invalid": "Passcode is invalid.",
    "passcode_required": "Passcode is required.",
    "voice_mailboxes_limit_reached": "Voice mailboxes limit is reached.",
    "callerid_mode_invalid": "Caller ID mode is invalid.",
    "callerid_mode_required": "Caller ID mode is required.",
    "codecs_invalid": "Codecs are invalid.",
    "codecs_required": "Codecs are required.",
    "default_ip_invalid": "Default IP is invalid.",
    "dtmf_invalid": "The dtmf mode is invalid.",
    "global_callerid_infos_undefined": "Global caller ID settings are not defined.",
    "host_type_invalid": "Host type is invalid.",
    "host_type_required": "Host type is required.",
    "peer_did_dependency": "You cannot disable this peer because it is associated to a DID number.",
    "peer_excluded_from_sync": (
        "This peer is currently excluded from synchronization and changes will not affect"
        " live configuration."
    ),
    "peer_exist": "The username is already in use.",
    "peers_limit_reached": "Peers limit is reached.",
    "qualify_invalid": "Qualify milliseconds are invalid.",
    "qualify_required": "Qualify milliseconds are required.",
    "type_invalid": "The peer protocol is invalid.",
    "alternate_address_provided": "Alternate Address is Provided.",
    "client_endpoint_id_not_found": "Client Endpoint ID Not Found.",
    "client_peer_id_not_found": "Client Peer ID Not Found.",
    "client_did_id_not_found": "Client DID ID Not Found.",
    "phone_number_not_found": "Phone Number Not Foudn.",
    "no_e911_endpoint_found": "Number is not provisioned.",
    "civic_number_not_found": "Civic number not found.",
    "street_not_found": "Street not found.",
    "city_not_found": "City not found.",
    "state_not_found": "State not found.",
    "country_not_found": "Country not found.",
    "first_name_not_found": "First name not found.",
    "last_name_not_found": "Last name not found.",
    "postal_code_not_found": "Postal Code not found.",
    "last_endpoint_was_deleted": (
        "The last endpoint was deleted. Any calls to 911 after this notice and before "
        "another DID is provisionned will be billed an E911 unprovision fee in your "
        "account."
    ),
    "entry_is_default_endpoint": (
        "The endpoint is currently the default endpoint for the account. Set the default "
        "to another one before deleting this one."
    ),
    "prefix_required": "No prefix nor ratecenter id was given.",
    "prefix_invalid": "Prefix is not valid.",
    "ratecenter_id_invalid": "Ratecenter id is not valid.",
    "quantity_required": "Quantity is required.",
    "quantity_invalid": "Quantity must be a number above 0 and under 1000.",
    "prefix_preference_invalid": 'Preference must be either "in_ratecenter" or "prefix_only".',
    "sequential_invalid": 'Preference must be either "random" or "sequential".',
    "t38_support_invalid": 'Preference must be either "optional" or "required".',
    "capacity_invalid": 'Preference must be either "1-5", "5-25" or "25+".',
    "prefix_not_found": "Could not find the prefix in our database.",
    "ratecenter_id_not_found": "Could not find the ratecenter id in our database.",
    "could_not_send": "An error occurred while trying to send the request, please contact us.",
}

ERRORS_FR: Final[dict[str, str]] = {
    "authentication_failed": (
        "L'authentification a échoué. Veuillez vérifier 'client_account_id' et 'auth_token'."
    ),
    "authentication_token_required": "Le jeton d'authentification est requis.",
    "client_account_id_invalid": "L'identifiant du compte client est invalide.",
    "client_account_id_required": "L'identifiant du compte client est requis.",
    "request_type_invalid": "Le type de requête est invalide.",
    "request_type_not_implemented": "Le type de requête n'est pas implémenté.",
    "request_type_required": "Le type de requête est requis.",
    "required_parameter_not_found": "Des paramètres requis sont manquants.",
    "result_limit_invalid": "La limite de résultats est invalide.",
    "result_offset_invalid": "Le décalage des résultats est invalide.",
    "date_from_invalid": "La date de début est invalide.",
    "date_to_invalid": "La date de fin est invalide.",
    "direction_invalid": "La direction est invalide.",
    "unique_id_invalid": "L'identifiant unique est invalide.",
    "phone_number_invalid": "Le numéro de téléphone est invalide.",
    "friendly_name_invalid": "Le nom convivial est invalide.",
    "forward_timeout_invalid": "Le délai de sonnerie du renvoi d'appel est invalide.",
    "forward_number_invalid": "Le numéro de renvoi est invalide.",
    "forward_number_used_by_did": "Le numéro de renvoi est déjà utilisé.",
    "peers_to_ring_limit_reached": "Veuillez choisir un maximum de 5 postes.",
    "wait_time_invalid": "Le temps d'attente est invalide.",
    "callerid_number_invalid": "Le numéro d'afficheur est invalide.",
    "callerid_name_invalid": "Le nom d'afficheur est invalide.",
    "alternate_address_provided": "Une adresse de remplacement est proposée.",
    "street_not_found": "Rue introuvable.",
    "city_not_found": "Ville introuvable.",
    "postal_code_not_found": "Code postal introuvable.",
    "civic_number_not_found": "Numéro civique introuvable.",
    "no_e911_endpoint_found": "Le numéro n'est pas provisionné.",
    "entry_is_default_endpoint": (
        "Ce point de service est le point par défaut du compte. Choisissez-en un autre "
        "par défaut avant de le supprimer."
    ),
    "last_endpoint_was_deleted": (
        "Le dernier point de service a été supprimé. Tout appel au 911 après cet avis et avant "
        "le provisionnement d'un autre numéro sera facturé des frais de non-provisionnement E911."
    ),
    "internal_error-invalid_argument": "Argument invalide.",
    "internal_error-database_error": "Une erreur interne est survenue dans notre base de données.",
}

UNKNOWN_ERROR_EN: Final = "An error occurred."
UNKNOWN_ERROR_FR: Final = "Une erreur est survenue."


def describe(code: str, language: str = "en") -> str:
    """The documented sentence for ``code`` (French when asked and known)."""
    if language == "fr":
        text = ERRORS_FR.get(code)
        if text:
            return text
        if code not in ERRORS_EN:
            return UNKNOWN_ERROR_FR
    return ERRORS_EN.get(code, UNKNOWN_ERROR_EN)
