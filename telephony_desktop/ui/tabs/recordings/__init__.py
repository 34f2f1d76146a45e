"""The Recordings tab."""

from telephony_desktop.ui.tabs.recordings.tab import RecordingsTab

__all__ = ["RecordingsTab"]
