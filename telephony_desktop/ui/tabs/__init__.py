"""One package per tab: its widgets and Qt models."""
