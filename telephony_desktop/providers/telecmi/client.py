"""TeleCMI "make a call" (PCMO bridge) client: async httpx, no Qt, no SQLite.

``make_call`` rings the user's own phone (``agent_number``) first, then bridges it to
``destination`` with a PCMO ``bridge`` action. It is sent once: a lost answer becomes
``OutcomeUnknown``. ``call_detail`` reads the legs of a placed call by its ``request_id`` and is
retried like every read. See ``docs/providers/telecmi.md``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from telephony_desktop.domain.errors import (
    AuthenticationError,
    InputError,
    ProviderError,
    ProviderRejected,
)
from telephony_desktop.domain.models import PlacedCall
from telephony_desktop.domain.telecmi import TeleCMILeg
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers import http
from telephony_desktop.providers.telecmi import parse
from telephony_desktop.providers.telecmi.errors import PROVIDER

log = logging.getLogger(__name__)
MAX_BYTES: Final = 4 * 1024 * 1024  # a CDR answer for one request id is small

GLOBAL_ORIGIN: Final = "https://rest.telecmi.com"
CDR_ORIGIN: Final = "https://piopiy.telecmi.com"
MAKE_CALL_PATHS: Final = {
    "global": "/v2/global_pcmo_make_call",
    "india": "/v2/ind_pcmo_make_call",
}
# "auto": by the numbers, as the official SDKs choose (Node: the number rung, ``to``; Python: the
# caller ID, ``from``): India when either is an Indian (+91) number, else global.
REGIONS: Final = ("auto", *MAKE_CALL_PATHS)
INDIA_PREFIX: Final = "+91"
CDR_PATH: Final = "/v1/piopiy/requestid_cdr"
# test_connection asks for the legs of a request id that cannot exist: TeleCMI checks the app ID
# and secret first (420), and any other well-formed answer means they were accepted.
PROBE_REQUEST_ID: Final = "telephony-desktop-connection-test"

_APPID: Final = re.compile(r"^\d{1,15}$")
_E164: Final = re.compile(r"^\+[1-9]\d{6,14}$")
_REQUEST_ID: Final = re.compile(r"^[\x21-\x7e]{1,200}$")
_DEFAULT_RETRY: Final = http.RetryPolicy()

# For each number checked, the whole sentence when it is not a full international number.
_NOT_INTERNATIONAL: Final = {
    "agent_number": N_(
        "Your phone number (rung first) must be a full international number, e.g. +15145551234."
    ),
    "destination": N_("The number to call must be a full international number, e.g. +15145551234."),
    "caller_id": N_("The caller ID must be a full international number, e.g. +15145551234."),
}


def _input(field: str, message: str) -> InputError:
    return InputError(message, field=field)


class TeleCMIClient:
    """One TeleCMI app's connection (app ID + app secret)."""

    def __init__(
        self,
        *,
        appid: str,
        secret: str,
        region: str = "auto",
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        retry: http.RetryPolicy = _DEFAULT_RETRY,
        language: str = "en",
        deadline_s: float | None = None,
    ) -> None:
        http.register_secret(secret)
        if region not in REGIONS:
            raise _input(
                "region",
                # Translators: region: what was given, quoted ('europe'); auto, global and india are
                # the setting's own values, not translated.
                _("Unknown TeleCMI region {region}: use auto, global or india.").format(
                    region=repr(region)
                ),
            )
        if base_url is not None:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise _input(
                    "base_url", _("The TeleCMI address must start with https:// and name a host.")
                )
        self.appid = appid.strip()
        self._secret = secret
        self.region = region
        self.language = language
        self.rest_origin = (base_url or GLOBAL_ORIGIN).rstrip("/")
        self.cdr_origin = (base_url or CDR_ORIGIN).rstrip("/")
        self._client = client or http.make_client()
        self._owns_client = client is None
        self._retry = retry
        self._deadline_s = deadline_s  # None: the preference in force (http.budget())

    def __repr__(self) -> str:  # never the secret
        return f"TeleCMIClient(appid={self.appid!r}, region={self.region!r})"

    async def _post(self, url: str, body: object) -> http.Reply:
        """POST JSON; 5xx answers come back too (TeleCMI's own 502 has a JSON body that only
        ``parse.check`` can tell apart from a proxy's error page)."""
        return await http.send(
            self._client,
            "POST",
            url,
            provider=PROVIDER,
            json=body,
            deadline_s=self._deadline_s,
            max_bytes=MAX_BYTES,
            raise_5xx=False,
        )

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> TeleCMIClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- validation --------------------------------------------------------------------------

    def _credentials(self) -> dict[str, Any]:
        if not _APPID.match(self.appid):
            raise _input(
                "appid", _("A TeleCMI app ID is a number (up to 15 digits). Check it in Settings.")
            )
        if not self._secret.strip():
            raise _input("secret", _("The TeleCMI app secret is missing. Enter it in Settings."))
        return {"appid": int(self.appid), "secret": self._secret}

    @staticmethod
    def _number(field: str, value: str) -> int:
        """An E.164 number as TeleCMI wants it: its digits, as a JSON number."""
        if not isinstance(value, str) or not _E164.match(value.strip()):
            raise _input(field, _(_NOT_INTERNATIONAL[field]))
        return int(value.strip()[1:])

    @staticmethod
    def _seconds(field: str, value: int, message: str) -> int:
        """``message``: the sentence for a value that is not a whole number of seconds above 0."""
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _input(field, message)
        return value

    def region_for(self, agent_number: str, caller_id: str) -> str:
        """The endpoint a call goes to: the account's pinned one, else by the numbers."""
        if self.region != "auto":
            return self.region
        indian = any(n.strip().startswith(INDIA_PREFIX) for n in (agent_number, caller_id))
        return "india" if indian else "global"

    @staticmethod
    def _extra(extra_params: Mapping[str, str] | None) -> dict[str, str]:
        """Custom parameters, always an object (``{}`` when none), as both official SDKs send."""
        if extra_params is None:
            return {}
        if not isinstance(extra_params, Mapping) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in extra_params.items()
        ):
            raise _input(
                "extra_params", _("Custom parameters for TeleCMI must be names and values in text.")
            )
        return dict(extra_params)

    def make_call_body(
        self,
        *,
        agent_number: str,
        destination: str,
        caller_id: str,
        duration_s: int = 300,
        ring_timeout_s: int = 20,
        extra_params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON ``make_call`` sends (secret included); raises ``InputError`` first."""
        credentials = self._credentials()
        to = self._number("agent_number", agent_number)
        number = self._number("destination", destination)
        caller = self._number("caller_id", caller_id)
        duration = self._seconds(
            "duration_s",
            duration_s,
            _("The call length limit must be a whole number of seconds above zero."),
        )
        timeout = self._seconds(
            "ring_timeout_s",
            ring_timeout_s,
            _("The ring time must be a whole number of seconds above zero."),
        )
        extra = self._extra(extra_params)
        body: dict[str, Any] = {**credentials, "from": caller, "to": to, "extra_params": extra}
        body["pcmo"] = [
            {
                "action": "bridge",
                "duration": duration,
                "timeout": timeout,
                "from": caller,
                "loop": 1,
                "connect": [{"type": "pstn", "number": number}],
            }
        ]
        return body

    # --- calls -------------------------------------------------------------------------------

    async def make_call(
        self,
        *,
        agent_number: str,
        destination: str,
        caller_id: str,
        duration_s: int = 300,
        ring_timeout_s: int = 20,
        extra_params: Mapping[str, str] | None = None,
    ) -> PlacedCall:
        """Ring ``agent_number``, then bridge it to ``destination`` showing ``caller_id``.

        Raises ``InputError`` (nothing sent), ``AuthenticationError`` (420), ``InvalidRequest``
        (422, or TeleCMI's JSON 502), ``ProviderRejected`` (other refusals), ``ConnectionFailed``
        (nothing sent) or ``OutcomeUnknown`` (sent, answer lost or garbled: never retried).
        """
        body = self.make_call_body(
            agent_number=agent_number,
            destination=destination,
            caller_id=caller_id,
            duration_s=duration_s,
            ring_timeout_s=ring_timeout_s,
            extra_params=extra_params,
        )
        url = self.rest_origin + MAKE_CALL_PATHS[self.region_for(agent_number, caller_id)]
        try:
            reply = await self._post(url, body)
            doc = parse.check(reply.status, reply.body, reply.headers, placing=True)
            placed = parse.parse_placed(doc)
        except ProviderError as exc:
            # Translators: starts "… may or may not have gone through".
            raise http.as_outcome_unknown(exc, action=_("The call")) from None
        log.info("TeleCMI call placed (%s)", placed.status)
        return placed

    async def call_detail(self, request_id: str) -> tuple[TeleCMILeg, ...]:
        """The legs TeleCMI logged for ``request_id`` (empty while it has none). A read: retried
        on transport failures, 5xx and garbled answers."""
        if not isinstance(request_id, str) or not _REQUEST_ID.match(request_id.strip()):
            raise _input("request_id", _("That TeleCMI request ID is not valid."))
        body = {**self._credentials(), "request_id": request_id.strip()}
        url = self.cdr_origin + CDR_PATH

        async def attempt() -> tuple[TeleCMILeg, ...]:
            reply = await self._post(url, body)
            doc = parse.check(reply.status, reply.body, reply.headers, placing=False)
            return parse.parse_legs(doc)

        return await http.with_retry(
            attempt, policy=self._retry, what="TeleCMI call detail", budget_s=self._deadline_s
        )

    async def test_connection(self) -> None:
        """Check the app ID and secret with a ``requestid_cdr`` for a request id that cannot
        exist: 420 raises ``AuthenticationError``; any other well-formed answer (no legs, or a
        refusal of the dummy id) means the credentials were accepted. Transport failures and
        garbled answers raise as usual."""
        try:
            await self.call_detail(PROBE_REQUEST_ID)
        except AuthenticationError:
            raise
        except ProviderRejected as exc:
            log.debug("%s: probe refused with %s; credentials accepted", PROVIDER, exc.code)
