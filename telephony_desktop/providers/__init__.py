"""Provider adapters: HTTP plus XML/JSON into domain types. Nothing here knows Qt or SQLite."""
