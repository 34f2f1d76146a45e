"""The Numbers tab."""

from telephony_desktop.ui.tabs.dids.tab import DidsTab

__all__ = ["DidsTab"]
