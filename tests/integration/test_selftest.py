"""``--self-test`` from source (the bundle runs the same code in CI, ``.ci/run``), and the
PyInstaller spec's promises, read as text."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from telephony_desktop import selftest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "telephony-desktop.spec"
RUN = "from telephony_desktop.selftest import run_self_test; raise SystemExit(run_self_test())"
LINE = re.compile(r"^self-test: (?P<check>[a-z]+): (?P<verdict>ok|FAILED) \((?P<detail>.*)\)$")


def _run(env_changes: dict[str, str | None]) -> tuple[int, dict[str, tuple[str, str]], str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # isolated dirs: tests/conftest.py
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    done = subprocess.run(
        [sys.executable, "-c", RUN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )
    checks: dict[str, tuple[str, str]] = {}
    for line in done.stdout.splitlines():
        match = LINE.match(line)
        if match:
            checks[match["check"]] = (match["verdict"], match["detail"])
    return done.returncode, checks, done.stdout + done.stderr


@pytest.mark.secret_service  # a private bus and keyring: tests/conftest.py
def test_self_test_passes_from_source() -> None:
    status, checks, output = _run({})
    assert status == 0, output
    assert list(checks) == ["window", "voicemail", "keyring", "https"], output
    assert all(verdict == "ok" for verdict, _ in checks.values()), output
    assert "on platform offscreen" in checks["window"][1]
    assert "closed cleanly" in checks["window"][1]
    assert re.search(r"playing to [1-9]\d* ms|played to [1-9]\d* ms", checks["voicemail"][1])
    assert "SecretService" in checks["keyring"][1]
    assert "the default client refused it" in checks["https"][1]
    assert re.search(r"^self-test: passed \(", output, re.MULTILINE), output
    # Its window, loop and threads end with every Qt object destroyed on the Qt thread.
    assert "another thread" not in output, output


def test_self_test_without_a_keyring_stops_with_the_reason() -> None:
    """No D-Bus session: the first two checks pass, the keyring check fails naming the fix, and
    the run stops there with status 1."""
    status, checks, output = _run({"DBUS_SESSION_BUS_ADDRESS": None})
    assert status == 1, output
    assert checks["window"][0] == "ok", output
    assert checks["voicemail"][0] == "ok", output
    verdict, reason = checks["keyring"]
    assert verdict == "FAILED"
    assert "keyring.backends.fail.Keyring" in reason
    assert "DBUS_SESSION_BUS_ADDRESS" in reason
    assert "https" not in checks
    assert "self-test: passed" not in output


def test_https_check_trusts_the_test_ca_only_for_its_request() -> None:
    detail = asyncio.run(selftest._check_https())
    assert re.match(r"GET https://127\.0\.0\.1:\d+/self-test: 200 over TLS", detail)
    assert "the default client refused it (certificate verify failed" in detail


def test_certificates_resolve_from_source() -> None:
    folder = selftest.resource_dir()
    assert folder == ROOT / "packaging" / "selftest"
    for name in (selftest.CA_FILE, selftest.SERVER_CERT_FILE, selftest.SERVER_KEY_FILE):
        assert (folder / name).is_file()


def test_spec_keeps_its_packaging_promises() -> None:
    spec = SPEC.read_text(encoding="utf-8")
    # onedir: the EXE leaves binaries to COLLECT
    assert "exclude_binaries=True" in spec and "COLLECT(" in spec
    # no UPX anywhere
    assert len(re.findall(r"\bupx=False", spec)) == 2
    assert "upx=True" not in spec
    for module in (
        "PySide6.QtWebEngineCore",
        "PySide6.QtWebEngineWidgets",
        "PySide6.QtQml",
        "PySide6.QtQuick",
        "PySide6.QtDesigner",
        "PySide6.QtCharts",
        "PySide6.QtPdf",
        "PySide6.QtSql",
    ):
        assert f'"{module}"' in spec, module
    # the modules the app uses are never excluded
    for module in ("QtCore", "QtGui", "QtWidgets", "QtMultimedia", "QtNetwork", "QtSvg"):
        assert f'"PySide6.{module}"' not in spec, module
    # QtMultimedia's FFmpeg backend stays: no plugin rule names the multimedia folder
    plugins_rule = spec[spec.index("_UNWANTED_PLUGINS = re.compile(") :]
    plugins_rule = plugins_rule[: plugins_rule.index("\n)\n")]
    assert "multimedia" not in plugins_rule
    # translations: English and French only
    assert '("en", "fr")' in spec
    # keyring backends, certifi and the self-test certificates are collected
    assert 'collect_submodules("keyring"' in spec
    assert 'copy_metadata("keyring")' in spec
    assert 'collect_data_files("certifi")' in spec
    for name in ("ca.pem", "server.pem", "server-key.pem"):
        assert f'"{name}"), "selftest")' in spec
    assert f'"{selftest.SELFTEST_DIR_NAME}"' in spec


def test_macos_bundle_declares_the_phone_link_schemes() -> None:
    import plistlib

    from telephony_desktop.desktop.registration import macos_info_plist_fragment

    spec = SPEC.read_text(encoding="utf-8")
    assert (
        'if sys.platform == "darwin":' in spec and '"CFBundleURLTypes": macos_url_types()' in spec
    )
    types = plistlib.loads(macos_info_plist_fragment())["CFBundleURLTypes"]
    assert sorted(s for t in types for s in t["CFBundleURLSchemes"]) == ["callto", "sip", "tel"]
