"""Every name the adapter assumes about the XML Engine, in one place.

The vendor publishes request parameters and error codes but not its response documents; these
names are this project's assumptions (docs/providers/voicemeup.md). Correct them here, there and
in the sandbox together when a real answer is seen.
"""

from __future__ import annotations

import re
from typing import Final

DEFAULT_ENDPOINT: Final = "https://developer.voicemeup.com/xml_engine/xml_engine.php"

REQUEST_TYPES: Final = frozenset(
    {
        "get_calls", "get_recordings", "delete_recordings", "get_voicemails",
        "delete_voicemails", "get_faxes", "delete_faxes", "get_dids", "set_did",
        "get_did_inventory", "order_did", "request_did", "get_npa", "get_ratecenter_exchanges",
        "get_ratecenters", "get_peers", "set_peer", "get_mailboxes", "set_mailbox",
        "get_extensions", "set_extension", "get_account", "get_account_preferences",
        "get_funding_details", "get_transactions", "get_countries", "get_states",
        "get_call_issues", "get_rates", "get_plans", "get_e911_endpoints",
        "validate_e911_address", "set_e911_address", "delete_e911_address",
        "associate_e911_peer", "disassociate_e911_peer", "get_network_status", "call_dispatch",
    }
)  # fmt: skip

# Envelope (compared after lower-casing)
STATUS: Final = "status"
FAILURE_STATUSES: Final = frozenset({"failed", "failure", "error", "fail", "false"})
SUCCESS_STATUSES: Final = frozenset({"success", "ok", "succeeded", "true"})
NO_ERROR_CODES: Final = frozenset({"", "0", "none"})
ERROR: Final = "error"
ERRORS: Final = "errors"
WARNING: Final = "warning"
# Where a code may stand, as an attribute or a child of <error>/<warning> (or, for the loose
# ones, as an element of its own beside the message): the project's <error code="...">, and the
# shapes public clients parse (``type``, ``<error_type>`` with ``<error_description>``).
CODE_NAMES: Final = ("code", "type", "error_code", "error_type")
MESSAGE_CHILDREN: Final = (
    "description", "message", "text", "error_description", "error_message", "error_msg",
)  # fmt: skip  # else the element's own text
# Elements read as errors wherever they stand: <error>, a bare-text <errors>, and loose codes.
ERROR_TAGS: Final = ("{*}error", "{*}errors", "{*}error_type", "{*}error_code")
# An error code written as text: lower-case words joined by _ (and - in internal_error-*).
CODE_LIKE: Final = re.compile(r"(?=[a-z0-9_-]*_)[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+")
UNKNOWN_CODE: Final = "unknown_error"  # a failure that names no code

# Records: element name -> identifier names (attribute or child)
CALL: Final = "call_details"
VOICEMAIL: Final = "voicemail_details"
RECORDING: Final = "recording_details"
DID: Final = "did_details"
INVENTORY: Final = "did_inventory"
PEER: Final = "peer_details"
MAILBOX: Final = "mailbox_details"
E911: Final = "e911_details"
ALTERNATE: Final = "alternate_address"
ACCOUNT: Final = "account_details"
FUNDING: Final = "funding_details"
NETWORK_STATUS: Final = "network_status"
DISPATCH: Final = "call_dispatch"

# Identifiers, each read as an attribute or a child of its record.
UNIQUE_ID: Final = "unique_id"
CALL_HASH: Final = "call_hash"
VOICEMAIL_ID: Final = "call_voicemail_id"
VOICEMAIL_HASH: Final = "voicemail_hash"
RECORDING_ID: Final = "call_recording_id"
RECORDING_HASH: Final = "recording_hash"
DID_ID: Final = "client_did_id"
INVENTORY_ID: Final = "did_id"
PEER_ID: Final = "client_peer_id"
MAILBOX_ID: Final = "client_mailbox_id"
ENDPOINT_ID: Final = "client_endpoint_id"
ACCOUNT_ID: Final = "client_account_id"
NETWORK_STATUS_ID: Final = "network_status_id"

RECORD_IDS: Final = {
    CALL: (UNIQUE_ID, CALL_HASH),
    VOICEMAIL: (VOICEMAIL_ID, VOICEMAIL_HASH),
    RECORDING: (RECORDING_ID, RECORDING_HASH),
    DID: (DID_ID,),
    INVENTORY: (INVENTORY_ID,),
    PEER: (PEER_ID,),
    MAILBOX: (MAILBOX_ID,),
    E911: (ENDPOINT_ID,),
    ALTERNATE: (),
    ACCOUNT: (ACCOUNT_ID,),
    FUNDING: (),
    NETWORK_STATUS: (NETWORK_STATUS_ID,),
    DISPATCH: (CALL_HASH,),
}

# Wrappers the sandbox puts around some record lists (the parser never needs them).
WRAPPERS: Final = {
    CALL: "calls",
    VOICEMAIL: "voicemails",
    RECORDING: "recordings",
    INVENTORY: "inventory",
    PEER: "peers",
    E911: "e911_endpoints",
    ALTERNATE: "alternate_addresses",
}

# Codes that are notices beside a success, even when they arrive as <error>.
WARNING_CODES: Final = frozenset(
    {"last_endpoint_was_deleted", "callerid_rejection_notice", "peer_excluded_from_sync"}
)
ALTERNATE_CODE: Final = "alternate_address_provided"
# E911 validation codes that say "this address", not "this request": validation answers them
# with E911Validation(valid=False) rather than an exception.
ADDRESS_CODES: Final = frozenset(
    {
        ALTERNATE_CODE, "civic_number_not_found", "street_not_found", "city_not_found",
        "state_not_found", "country_not_found", "postal_code_not_found", "first_name_not_found",
        "last_name_not_found",
    }
)  # fmt: skip
