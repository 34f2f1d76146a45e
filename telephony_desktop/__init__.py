"""Telephony Desktop: a desktop softphone companion for HTTP telephony provider APIs."""

__version__ = "0.1.0"
APP_NAME = "telephony-desktop"
