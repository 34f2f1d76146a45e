"""Local simulators of the providers' HTTP APIs, over real HTTP on loopback (no Qt here).

``SandboxServer`` hosts the VoiceMeUp XML Engine simulator (and, later, the other providers');
``server.faults`` injects failures, ``server.state`` is the simulated account, and
``server.request_log`` records every request with secrets redacted. See :mod:`.server`,
:mod:`.voicemeup`, :mod:`.faults` and :mod:`.seed`.
"""

from __future__ import annotations

from telephony_desktop.sandbox.core import RequestLog, RequestLogEntry, SandboxHost, Simulator
from telephony_desktop.sandbox.faults import FAULT_KINDS, Fault, FaultRegistry
from telephony_desktop.sandbox.seed import (
    DID_NUMBERS,
    E911_ADDRESS_STREET_NOT_FOUND,
    E911_ADDRESS_WITH_ALTERNATES,
    E911_EXPECTED_ALTERNATE,
    E911_VALID_ADDRESS,
)
from telephony_desktop.sandbox.server import SandboxServer
from telephony_desktop.sandbox.voicemeup import ENGINE_PATH, VoiceMeUpSimulator
from telephony_desktop.sandbox.voicemeup_state import VoiceMeUpState

__all__ = [
    "DID_NUMBERS",
    "E911_ADDRESS_STREET_NOT_FOUND",
    "E911_ADDRESS_WITH_ALTERNATES",
    "E911_EXPECTED_ALTERNATE",
    "E911_VALID_ADDRESS",
    "ENGINE_PATH",
    "FAULT_KINDS",
    "Fault",
    "FaultRegistry",
    "RequestLog",
    "RequestLogEntry",
    "SandboxHost",
    "SandboxServer",
    "Simulator",
    "VoiceMeUpSimulator",
    "VoiceMeUpState",
]
