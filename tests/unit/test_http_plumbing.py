"""Redaction, backoff bounds and the retry/outcome-unknown rules of providers.http."""

from __future__ import annotations

import logging

import pytest

from telephony_desktop import i18n
from telephony_desktop.domain.errors import (
    ConnectionDropped,
    ConnectionFailed,
    InvalidRequest,
    MalformedResponse,
    OutcomeUnknown,
    ProviderTimeout,
    ProviderUnavailable,
)
from telephony_desktop.providers import http

TOKEN = "4d695127fbeedd39d423b5f9c47eabcd"


def test_redact_url_hides_secret_query_values_and_userinfo() -> None:
    url = f"https://user:pw@example.com/x.php?client_account_id=80012345&auth_token={TOKEN}&a=1"
    clean = http.redact_url(url)
    assert TOKEN not in clean
    assert "pw@" not in clean
    assert "auth_token=***" in clean
    assert "client_account_id=80012345" in clean


def test_redact_text_hides_registered_secrets_anywhere() -> None:
    http.register_secret(TOKEN)
    assert TOKEN not in http.redact_text(f"boom {TOKEN} in prose, password=hunter22&x")
    assert "password=***" in http.redact_text("password=hunter22&x")


def test_logging_filter_redacts_messages_args_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    http.register_secret(TOKEN)
    logger = logging.getLogger("telephony_desktop.test_redaction")
    handler_records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler_records.append(self.format(record))

    collect = Collect()
    collect.addFilter(http.RedactingFilter())
    logger.addHandler(collect)
    try:
        logger.warning("GET %s failed", f"https://h/x?auth_token={TOKEN}")
        try:
            raise RuntimeError(f"token {TOKEN} leaked")
        except RuntimeError:
            logger.exception("oops")
    finally:
        logger.removeHandler(collect)
    text = "\n".join(handler_records)
    assert TOKEN not in text
    assert "RuntimeError" in text


def test_backoff_is_bounded_and_honours_retry_after() -> None:
    policy = http.RetryPolicy(attempts=5, base_s=0.5, cap_s=4.0)
    for attempt in range(10):
        assert 0 <= policy.delay(attempt) <= 4.0
    assert policy.delay(0, retry_after=2.0) >= 2.0
    assert policy.delay(0, retry_after=100.0) == 4.0


async def test_with_retry_retries_transient_reads_only() -> None:
    sleeps: list[float] = []

    async def fake_sleep(s: float) -> None:
        sleeps.append(s)

    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ProviderUnavailable("down", provider="P", status=503, retry_after=0.1)
        return "ok"

    policy = http.RetryPolicy(attempts=3, base_s=0.01, cap_s=0.05)
    assert await http.with_retry(flaky, policy=policy, what="t", sleep=fake_sleep) == "ok"
    assert calls == 3 and len(sleeps) == 2

    async def refused() -> str:
        raise InvalidRequest("bad", provider="P", code="npa_invalid")

    with pytest.raises(InvalidRequest):
        await http.with_retry(refused, policy=policy, what="t", sleep=fake_sleep)
    assert len(sleeps) == 2  # a refusal is not retried


@pytest.mark.parametrize(
    ("error", "unknown"),
    [
        (ConnectionFailed("x", provider="P"), False),  # never left the machine
        (ProviderTimeout("x", provider="P"), True),
        (ConnectionDropped("x", provider="P"), True),
        (ProviderUnavailable("x", provider="P", status=502), True),
        (MalformedResponse("x", provider="P"), True),
        (InvalidRequest("x", provider="P", code="source_invalid"), False),
    ],
)
def test_write_failures_become_outcome_unknown_when_delivery_is_uncertain(
    error: Exception, unknown: bool
) -> None:
    assert isinstance(error, http.ProviderError)
    result = http.as_outcome_unknown(error, action="Placing the call")
    assert isinstance(result, OutcomeUnknown) is unknown
    if unknown:
        assert "not retried" in str(result)
        assert "Placing the call" in str(result)


def test_outcome_unknown_in_french(french: None) -> None:
    result = http.as_outcome_unknown(
        ProviderTimeout("x", provider="P"), action=i18n._("Placing the call")
    )
    assert str(result) == (
        "Le lancement de l'appel a peut-être été effectué ou non : la réponse de P a été perdue. "
        "Rien n'a été renvoyé; vérifiez avant de réessayer."
    )


def test_the_wait_sentence_in_the_language_shown() -> None:
    first = http.Waiting("VoiceMeUp", "get_calls", elapsed_s=3.4, budget_s=30.0, attempt=1)
    retry = http.Waiting("VoiceMeUp", "get_calls", elapsed_s=12.6, budget_s=30.0, attempt=2)
    assert first.sentence() == "Waiting for VoiceMeUp (get_calls): 3 s; giving up in 27 s"
    assert retry.sentence() == (
        "Waiting for VoiceMeUp (get_calls, attempt 2): 13 s; giving up in 17 s"
    )
    with i18n.using("fr"):
        assert first.sentence() == "En attente de VoiceMeUp (get_calls) : 3 s; abandon dans 27 s"
        assert retry.sentence() == (
            "En attente de VoiceMeUp (get_calls, essai 2) : 13 s; abandon dans 17 s"
        )


def test_the_timeout_sentence_says_second_or_seconds(french: None) -> None:
    assert "n'a pas répondu en 1 seconde." in str(http._out_of_time("P", 1.0))
    assert "n'a pas répondu en 2,5 secondes." in str(http._out_of_time("P", 2.5))
    with i18n.using("en"):
        assert "did not answer within 1 second." in str(http._out_of_time("P", 1.0))
        assert "did not answer within 30 seconds." in str(http._out_of_time("P", 30.0))
