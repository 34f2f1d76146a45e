"""Every documented error code, sent by the sandbox as a real failure envelope over HTTP, arrives
at the caller as its typed exception with its sentence, in English and in French."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from telephony_desktop import i18n
from telephony_desktop.domain.errors import ProviderRejected
from telephony_desktop.domain.models import ProviderWarning
from telephony_desktop.providers.voicemeup.errors import is_warning, spec_for
from telephony_desktop.sandbox import SandboxServer
from tests.helpers.sandbox import make_client

CODES = Path(__file__).parents[1] / "data" / "voicemeup_error_codes.txt"
DOCUMENTED = sorted(line.strip() for line in CODES.read_text().splitlines() if line.strip())


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7) as server:
        yield server


@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.parametrize("code", DOCUMENTED)
async def test_documented_code_maps_to_its_typed_error(
    shared_sandbox: SandboxServer, code: str, status: int
) -> None:
    spec = spec_for(code)
    assert spec is not None
    shared_sandbox.faults.clear()
    # count=None: internal errors are retried (reads), and must still surface in the end.
    shared_sandbox.faults.add("get_dids", "error", count=None, code=code, status=status)
    async with make_client(shared_sandbox) as client:
        if is_warning(code):
            # A warning code alone means the request went through, with a notice.
            result = await client.get_dids()
            assert isinstance(result, list)
            return
        with pytest.raises(ProviderRejected) as info:
            await client.get_dids()
    shared_sandbox.faults.clear()
    error = info.value
    assert type(error) is spec.cls
    assert error.code == code
    assert error.user_message() == spec.text()


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize("code", [c for c in DOCUMENTED if not is_warning(c)])
async def test_documented_code_arrives_in_french(shared_sandbox: SandboxServer, code: str) -> None:
    spec = spec_for(code)
    assert spec is not None
    with i18n.using("en"):
        english = spec.text()
    shared_sandbox.faults.clear()
    shared_sandbox.faults.add("get_dids", "error", count=None, code=code, status=200)
    async with make_client(shared_sandbox) as client:
        with pytest.raises(ProviderRejected) as info:
            await client.get_dids()
    shared_sandbox.faults.clear()
    assert type(info.value) is spec.cls
    assert info.value.user_message() == spec.text() != english


async def test_warning_codes_reach_the_caller_of_a_write(shared_sandbox: SandboxServer) -> None:
    shared_sandbox.faults.clear()
    shared_sandbox.faults.add(
        "delete_voicemails", "error", count=1, code="last_endpoint_was_deleted"
    )
    vm_id = str(next(iter(shared_sandbox.state.voicemails)))
    async with make_client(shared_sandbox) as client:
        result = await client.delete_voicemail(vm_id)
    assert [w.code for w in result.warnings] == ["last_endpoint_was_deleted"]
    assert isinstance(result.warnings[0], ProviderWarning)
