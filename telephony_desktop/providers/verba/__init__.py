"""Verba Recording System HTTP API adapter: client, parameter checks, parser, error table."""
