-- Telephony Desktop cache, schema 1. One database per account.
--
-- Times are ISO text 'YYYY-MM-DDTHH:MM:SS' in the provider's clock (no zone), or NULL when the
-- provider sent none. Money is Decimal as text. `extra` is a JSON object of the elements the parser
-- did not recognise, or NULL. `synced_at` is when the row was last written from the provider (UTC).

CREATE TABLE calls (
    unique_id       TEXT PRIMARY KEY,
    started_at      TEXT,
    direction       TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    destination     TEXT NOT NULL DEFAULT '',
    callerid_name   TEXT NOT NULL DEFAULT '',
    callerid_number TEXT NOT NULL DEFAULT '',
    duration_s      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT '',
    billed_amount   TEXT,
    current_rate    TEXT,
    call_hash       TEXT,
    client_peer_id  TEXT,
    country         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT '',
    district        TEXT NOT NULL DEFAULT '',
    normalized      TEXT NOT NULL DEFAULT '',
    meta_data       TEXT NOT NULL DEFAULT '',
    extra           TEXT,
    -- callerid_name, callerid_number, source and destination, case- and accent-folded, joined by
    -- U+001F: what the full-text index covers (see store/calls.py, fold()).
    search_text     TEXT NOT NULL DEFAULT '',
    synced_at       TEXT NOT NULL
);

CREATE INDEX calls_started_at ON calls (started_at DESC);
CREATE INDEX calls_direction_started_at ON calls (direction, started_at);
CREATE INDEX calls_status_started_at ON calls (status, started_at);

-- Substring search over search_text. External content (the text lives once, in `calls`), trigram
-- tokens so that '5550' finds '5145550100', detail=none to keep the index small: queries use
-- `search_text GLOB '*term*'`, which FTS5 answers from the trigram index and then checks against
-- the content. New rows are indexed set-wise by upsert_calls (one INSERT ... SELECT per batch,
-- measured ~4x faster than a per-row AFTER INSERT trigger); updates and deletes use triggers.
CREATE VIRTUAL TABLE calls_fts USING fts5 (
    search_text,
    content = 'calls',
    content_rowid = 'rowid',
    tokenize = 'trigram',
    detail = 'none'
);

CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
    INSERT INTO calls_fts (calls_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;

CREATE TRIGGER calls_fts_update AFTER UPDATE OF search_text ON calls BEGIN
    INSERT INTO calls_fts (calls_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO calls_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE TABLE voicemails (
    voicemail_id    TEXT PRIMARY KEY,
    voicemail_hash  TEXT,
    received_at     TEXT,
    callerid_name   TEXT NOT NULL DEFAULT '',
    callerid_number TEXT NOT NULL DEFAULT '',
    destination     TEXT NOT NULL DEFAULT '',
    mailbox_id      TEXT,
    duration_s      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT '',
    file_format     TEXT NOT NULL DEFAULT '',
    file_url        TEXT NOT NULL DEFAULT '',
    heard_locally   INTEGER NOT NULL DEFAULT 0,
    audio_path      TEXT,
    notified        INTEGER NOT NULL DEFAULT 0,
    extra           TEXT,
    synced_at       TEXT NOT NULL
);

CREATE INDEX voicemails_received_at ON voicemails (received_at DESC);

CREATE TABLE recordings (
    recording_id    TEXT PRIMARY KEY,
    recording_hash  TEXT,
    call_hash       TEXT,
    recorded_at     TEXT,
    source          TEXT NOT NULL DEFAULT '',
    destination     TEXT NOT NULL DEFAULT '',
    duration_s      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT '',
    file_format     TEXT NOT NULL DEFAULT '',
    file_url        TEXT NOT NULL DEFAULT '',
    audio_path      TEXT,
    extra           TEXT,
    synced_at       TEXT NOT NULL
);

CREATE INDEX recordings_recorded_at ON recordings (recorded_at DESC);
CREATE INDEX recordings_call_hash ON recordings (call_hash);

-- Lists (options, peer ids) are JSON arrays of strings.
CREATE TABLE dids (
    did_id          TEXT PRIMARY KEY,
    phone_number    TEXT NOT NULL DEFAULT '',
    friendly_name   TEXT NOT NULL DEFAULT '',
    options         TEXT NOT NULL DEFAULT '[]',
    forward_number  TEXT NOT NULL DEFAULT '',
    forward_timeout TEXT NOT NULL DEFAULT '',
    mailbox_id      TEXT,
    ivr_profile_id  TEXT,
    fax_profile_id  TEXT,
    peer_ids        TEXT NOT NULL DEFAULT '[]',
    peer_timeout    TEXT NOT NULL DEFAULT '',
    dnis_rewrite    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    extra           TEXT,
    synced_at       TEXT NOT NULL
);

CREATE TABLE e911_endpoints (
    endpoint_id         TEXT PRIMARY KEY,
    phone_number        TEXT NOT NULL DEFAULT '',
    first_name          TEXT NOT NULL DEFAULT '',
    last_name           TEXT NOT NULL DEFAULT '',
    civic_number        TEXT NOT NULL DEFAULT '',
    street              TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    state_code          TEXT NOT NULL DEFAULT '',
    country_code        TEXT NOT NULL DEFAULT '',
    postal_code         TEXT NOT NULL DEFAULT '',
    address_type        TEXT NOT NULL DEFAULT '',
    address_type_number TEXT NOT NULL DEFAULT '',
    language            TEXT NOT NULL DEFAULT '',
    peer_ids            TEXT NOT NULL DEFAULT '[]',
    extra               TEXT,
    synced_at           TEXT NOT NULL
);

CREATE TABLE peers (
    peer_id         TEXT PRIMARY KEY,
    username        TEXT NOT NULL DEFAULT '',
    friendly_name   TEXT NOT NULL DEFAULT '',
    callerid_name   TEXT NOT NULL DEFAULT '',
    callerid_number TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    extra           TEXT,
    synced_at       TEXT NOT NULL
);

CREATE TABLE mailboxes (
    mailbox_id      TEXT PRIMARY KEY,
    friendly_name   TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    extra           TEXT,
    synced_at       TEXT NOT NULL
);

-- Resumable progress of long operations (the history sync's phase, window/cursor and offset).
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON
);

-- Small facts about the cache, e.g. 'last_sync.calls' = ISO time of the last successful sync.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
