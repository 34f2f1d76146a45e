"""VoiceMeUp XML Engine adapter: client, parameter checks, parser, error table."""
