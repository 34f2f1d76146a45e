"""The History tab."""

from telephony_desktop.ui.tabs.history.tab import HistoryTab

__all__ = ["HistoryTab"]
