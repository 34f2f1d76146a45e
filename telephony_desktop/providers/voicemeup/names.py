"""Every name the adapter assumes about the XML Engine, in one place.

The vendor publishes request parameters and error codes but not its response documents; these
names are this project's assumptions (docs/providers/voicemeup.md). Correct them here, there and
in the sandbox together when a real answer is seen.
"""

from __future__ import annotations

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

# Envelope
STATUS: Final = "status"
FAILURE_STATUSES: Final = frozenset({"failed", "failure", "error", "fail"})
SUCCESS_STATUSES: Final = frozenset({"success", "ok", "succeeded"})
ERROR: Final = "error"
WARNING: Final = "warning"
CODE: Final = "code"
MESSAGE_CHILDREN: Final = ("description", "message", "text")

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

# Codes that are notices beside a success, even when they arrive as <error>.
WARNING_CODES: Final = frozenset(
    {"last_endpoint_was_deleted", "callerid_rejection_notice", "peer_excluded_from_sync"}
)
ALTERNATE_CODE: Final = "alternate_address_provided"
