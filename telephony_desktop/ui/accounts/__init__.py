"""Accounts in the window: the add/edit form, config writes off the Qt thread, connection tests.

Shared by the Settings tab and the first-run screen."""
