"""The E911 tab."""

from telephony_desktop.ui.tabs.e911.tab import E911Tab

__all__ = ["E911Tab"]
