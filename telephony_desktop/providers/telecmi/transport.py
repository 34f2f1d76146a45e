"""One HTTP exchange that, unlike ``http.send``, hands 5xx answers back to the adapter.

TeleCMI answers a request with a missing property with its own JSON body and status 502; only
the body tells it apart from a proxy's 502 page, and ``http.send`` raises ``ProviderUnavailable``
before the body can be read. This mirrors ``http.send`` (same client rules, same transport error
mapping and sentences) minus that one check; ``parse.check`` then decides what a 5xx means.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

import httpx

from telephony_desktop.domain.errors import (
    ConnectionDropped,
    ConnectionFailed,
    ProviderTimeout,
)
from telephony_desktop.providers import http
from telephony_desktop.providers.telecmi.errors import PROVIDER

log = logging.getLogger(__name__)
MAX_BYTES: Final = 4 * 1024 * 1024  # a CDR answer for one request id is small


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    body: object,
    *,
    deadline_s: float = http.DEFAULT_DEADLINE_S,
    max_bytes: int = MAX_BYTES,
) -> http.Reply:
    """POST ``body`` as JSON; every transport failure is mapped to the domain error tree."""
    name = PROVIDER
    request = client.build_request("POST", url, json=body)
    try:
        async with asyncio.timeout(deadline_s):
            response = await client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise ConnectionDropped(
                            f"{name} sent an answer larger than {max_bytes // 1048576} MB; "
                            "it was refused.",
                            f"{name} a envoyé une réponse de plus de {max_bytes // 1048576} Mo; "
                            "elle a été refusée.",
                            provider=name,
                        )
                    chunks.append(chunk)
            finally:
                await response.aclose()
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
        log.debug("%s: connect failed (%s)", name, type(exc).__name__)
        raise ConnectionFailed(
            f"Could not reach {name}. Check your internet connection and try again.",
            f"Impossible de joindre {name}. Vérifiez votre connexion Internet et réessayez.",
            provider=name,
        ) from None
    except httpx.PoolTimeout:
        raise ConnectionFailed(
            f"Too many requests to {name} are waiting; nothing was sent. Try again.",
            f"Trop de requêtes vers {name} sont en attente; rien n'a été envoyé. Réessayez.",
            provider=name,
        ) from None
    except (httpx.TimeoutException, TimeoutError):
        log.debug("%s: timed out", name)
        raise ProviderTimeout(
            f"{name} did not answer in time. Try again in a moment.",
            f"{name} n'a pas répondu à temps. Réessayez dans un instant.",
            provider=name,
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.CloseError) as exc:
        log.debug("%s: connection dropped (%s)", name, type(exc).__name__)
        raise ConnectionDropped(
            f"The connection to {name} was interrupted before the answer arrived.",
            f"La connexion avec {name} a été interrompue avant l'arrivée de la réponse.",
            provider=name,
        ) from None
    except httpx.HTTPError as exc:  # anything else httpx can raise (decoding, ...)
        log.debug("%s: HTTP error (%s)", name, type(exc).__name__)
        raise ConnectionDropped(
            f"The exchange with {name} failed.",
            f"L'échange avec {name} a échoué.",
            provider=name,
        ) from None
    return http.Reply(response.status_code, response.headers, b"".join(chunks))
