"""TrueCNAM TrueCLID adapter: client, tolerant parser (json/xml/csv), error table."""

from telephony_desktop.providers.truecnam.client import DEFAULT_ENDPOINT, TrueCnamClient

__all__ = ["DEFAULT_ENDPOINT", "TrueCnamClient"]
