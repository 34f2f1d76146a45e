"""Orchestration: async, Qt-free, usable from the CLI, the window and the tests alike."""
