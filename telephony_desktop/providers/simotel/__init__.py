"""Simotel PBX API v4 adapter ("Originate call" click-to-call): client, checks, parser, errors."""

from telephony_desktop.providers.simotel.client import SimotelClient
from telephony_desktop.providers.simotel.errors import AccessDenied

__all__ = ["AccessDenied", "SimotelClient"]
