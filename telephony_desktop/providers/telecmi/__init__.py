"""TeleCMI "make a call" (PCMO bridge) adapter: client, answer parser, error table."""
