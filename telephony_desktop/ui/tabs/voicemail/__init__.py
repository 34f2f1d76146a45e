"""The Voicemail tab."""

from telephony_desktop.ui.tabs.voicemail.tab import VoicemailTab

__all__ = ["VoicemailTab"]
