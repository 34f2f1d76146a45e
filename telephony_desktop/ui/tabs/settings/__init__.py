"""The Settings tab."""

from telephony_desktop.ui.tabs.settings.tab import SettingsTab

__all__ = ["SettingsTab"]
