"""Local state: the SQLite cache, settings (platformdirs) and secrets (keyring)."""
