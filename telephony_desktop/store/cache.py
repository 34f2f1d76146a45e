"""One import for the cache helpers; each is ``fn(conn, ...)``, run via ``Database.run``/``call``.

Writers open their own transaction, nested as a savepoint when the caller already holds one;
``set_sync_state``/``set_meta`` and the small ``mark_*``/``set_*`` updates do not, so wrap them in
:func:`~telephony_desktop.store.db.transaction` together with the data they describe.
"""

from __future__ import annotations

from telephony_desktop.store.calls import (
    CALL_COLUMNS,
    call_from_row,
    count_calls,
    delete_calls_before,
    fold,
    get_call,
    newest_call,
    query_calls,
    rebuild_call_search,
    search_terms,
    upsert_calls,
)
from telephony_desktop.store.db import transaction
from telephony_desktop.store.directory import (
    list_dids,
    list_e911,
    list_mailboxes,
    list_peers,
    replace_dids,
    replace_e911,
    replace_mailboxes,
    replace_peers,
)
from telephony_desktop.store.media import (
    CachedRecording,
    CachedVoicemail,
    ReplaceResult,
    delete_recording_row,
    delete_voicemail_row,
    get_recording,
    get_voicemail,
    list_recordings,
    list_voicemails,
    mark_voicemail_heard,
    mark_voicemails_notified,
    replace_recordings,
    replace_voicemails,
    set_recording_audio_path,
    set_voicemail_audio_path,
    unnotified_voicemails,
)
from telephony_desktop.store.state import (
    delete_sync_state,
    get_meta,
    get_sync_state,
    set_meta,
    set_sync_state,
)

__all__ = [
    "CALL_COLUMNS",
    "CachedRecording",
    "CachedVoicemail",
    "ReplaceResult",
    "call_from_row",
    "count_calls",
    "delete_calls_before",
    "delete_recording_row",
    "delete_sync_state",
    "delete_voicemail_row",
    "fold",
    "get_call",
    "get_meta",
    "get_recording",
    "get_sync_state",
    "get_voicemail",
    "list_dids",
    "list_e911",
    "list_mailboxes",
    "list_peers",
    "list_recordings",
    "list_voicemails",
    "mark_voicemail_heard",
    "mark_voicemails_notified",
    "newest_call",
    "query_calls",
    "rebuild_call_search",
    "replace_dids",
    "replace_e911",
    "replace_mailboxes",
    "replace_peers",
    "replace_recordings",
    "replace_voicemails",
    "search_terms",
    "set_meta",
    "set_recording_audio_path",
    "set_sync_state",
    "set_voicemail_audio_path",
    "transaction",
    "unnotified_voicemails",
    "upsert_calls",
]
