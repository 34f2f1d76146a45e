"""The Dialer tab."""

from telephony_desktop.ui.tabs.dialer.tab import DialerTab

__all__ = ["DialerTab"]
