"""Integration fixtures: the sandbox on loopback and a client talking to it over real HTTP."""

from tests.helpers.sandbox import client, sandbox

__all__ = ["client", "sandbox"]
