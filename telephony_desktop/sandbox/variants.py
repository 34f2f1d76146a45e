"""Answer shapes seen at the real services, which a simulator serves instead of its documented one.

The documented shape (the vendor page, or the project's assumption where the page is silent) is
served by default. A *variant* switches one behaviour to what a public client of the real service
shows (``docs/providers/<name>.md`` gives each one's source). Variants are set for one provider,
for all its accounts or for one account (VoiceMeUp ``client_account_id``, TeleCMI ``appid``,
Simotel user name or API key, TrueCNAM ``username``, Verba ``apiKey``), so one test can run the
same flow against both shapes. ``real`` stands for every variant a provider's real service is
known to use at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

# provider -> variant -> what it changes
KNOWN: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "voicemeup": {
            "audio_query": "file_url is voicemail_file.php / recording_file.php?id=N&format=wav: "
            "the audio is found by its own query, beside the credentials",
            "records_public": "call_details as a public client received them: no call_hash "
            "child (the unique_id is the hash recordings name), an 11-digit destination",
            "durations_hms": "durations written HH:MM:SS instead of seconds",
            "errors_type": 'failures as <error type="CODE">text</error>',
            "errors_text": "failures as <error>CODE</error>",
            "errors_children": "failures as <error><error_type>CODE</error_type>"
            "<error_description>text</error_description></error>",
            "errors_wrapped": '<xml_engine><response status="failed"><error_type>CODE'
            "</error_type><error_description>text</error_description></response></xml_engine>",
        },
        "simotel": {
            "post_only": "the v4 PBX takes POST and answers 405 to PUT (current vendor pages, "
            "official PHP connector)",
            "put_only": "the PBX takes PUT and answers 405 to POST (older pages and connector)",
        },
        "telecmi": {
            "auth_in_body": 'bad credentials answer HTTP 200 {"error": true, "code": 404, '
            '"msg": "Authentication Failed"}',
        },
        "truecnam": {
            "no_status": 'extended JSON without "status": {"err": "0", "error_msg": "", '
            '"queries_per_minute_remaining": N}',
        },
        "verba": {
            "auth_query": "RequestToken takes userName and password as query parameters; "
            "HTTP Basic is refused",
            "api_key_only": "the API key needs no sign-in: requests carry apiKey alone, and "
            "RequestToken is refused",
        },
    }
)
# What ``real`` means for each provider: one coherent real-world shape.
REAL: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "voicemeup": ("audio_query", "records_public", "durations_hms", "errors_wrapped"),
        "simotel": ("post_only",),
        "telecmi": ("auth_in_body",),
        "truecnam": ("no_status",),
        "verba": ("auth_query",),
    }
)
ALL_ACCOUNTS: Final = "*"


class Variants:
    """Thread-safe: the handlers read it on the server's thread, tests set it on theirs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._set: dict[tuple[str, str], frozenset[str]] = {}

    @staticmethod
    def expand(provider: str, names: Iterable[str]) -> frozenset[str]:
        """``names`` checked against the provider's variants, ``real`` expanded."""
        known = KNOWN.get(provider)
        if known is None:
            raise ValueError(f"unknown provider {provider!r}; known: {', '.join(KNOWN)}")
        out: set[str] = set()
        for name in names:
            if name == "real":
                out.update(REAL[provider])
            elif name in known:
                out.add(name)
            else:
                listed = ", ".join(("real", *known))
                raise ValueError(f"unknown {provider} variant {name!r}; known: {listed}")
        return frozenset(out)

    def set(self, provider: str, names: Iterable[str], *, account: str | None = None) -> None:
        """Serve ``names`` (replacing what was set) to ``account``, or to every account of
        ``provider`` that has none of its own. An empty ``names`` restores the documented shape."""
        chosen = self.expand(provider, names)
        with self._lock:
            self._set[(provider, account or ALL_ACCOUNTS)] = chosen

    def set_from_spec(self, spec: str) -> None:
        """``PROVIDER=NAME[,NAME]``, as the command lines' ``--variant`` takes it."""
        provider, _, names = spec.partition("=")
        self.set(provider.strip(), [n.strip() for n in names.split(",") if n.strip()])

    def clear(self) -> None:
        with self._lock:
            self._set.clear()

    def active(self, provider: str, account: str | None = None) -> frozenset[str]:
        with self._lock:
            if not self._set:
                return frozenset()
            if account:
                own = self._set.get((provider, account))
                if own is not None:
                    return own
            return self._set.get((provider, ALL_ACCOUNTS), frozenset())

    def to_json(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {"provider": p, "account": a, "variants": sorted(v)}
                for (p, a), v in sorted(self._set.items())
            ]

    def add_from_json(self, data: Mapping[str, object]) -> None:
        provider, names, account = data.get("provider"), data.get("variants"), data.get("account")
        if not isinstance(provider, str) or not isinstance(names, list):
            raise ValueError('give {"provider": NAME, "variants": [NAME, ...], "account": ID}')
        if account is not None and not isinstance(account, str):
            raise ValueError("account must be text")
        self.set(provider, [str(n) for n in names], account=account)
