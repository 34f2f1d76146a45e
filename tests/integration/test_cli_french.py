"""The command line in French: with ``--lang fr``, with the language setting in the config file,
and ``--help`` with argparse's own words; English stays the default (the tests' desktop asks
for English: ``LANGUAGE=en``). ``--json`` keeps its machine keys and values in any language."""

from __future__ import annotations

import re

import pytest

from telephony_desktop import i18n
from telephony_desktop.cli import EXIT_INPUT, EXIT_OK, main
from telephony_desktop.i18n import formats
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths
from tests.helpers.cli import Cli, add_voicemeup_account


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """A CLI with one account, `office`, pointed at the sandbox, its token in the keyring."""
    run = Cli(capsys)
    add_voicemeup_account(
        run,
        monkeypatch,
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
        token=sandbox.auth_token,
    )
    return run


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What ``telephony-desktop ARGV --help`` prints (argparse exits once it has)."""
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def _in_french(value: int) -> str:
    with i18n.using("fr"):
        return formats.number(value)


def _set_config_language(language: str) -> None:
    """``[preferences] language = "..."`` in the config file, as Settings writes it."""
    config = paths.config_path()
    text = config.read_text(encoding="utf-8")
    assert re.search(r'(?m)^language = "system"$', text), text
    config.write_text(
        re.sub(r'(?m)^language = "system"$', f'language = "{language}"', text), encoding="utf-8"
    )


# --- --help -------------------------------------------------------------------------------------


def test_help_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "--lang", "fr")
    assert text.startswith("utilisation : telephony-desktop [options] [tel:|callto:|sip: LIEN]\n")
    assert "\n              telephony-desktop [options] COMMANDE ...\n" in text
    assert "Compagnon de téléphonie pour le bureau : composeur" in text
    assert "historique des appels" in text and "langue des messages" in text
    assert "afficher ce message d'aide et quitter" in text.replace("’", "'")
    assert "--config FICHIER" in text and "code de sortie : 0 succès" in text
    assert "usage" not in text and "call history" not in text

    text = _help(capsys, "--lang", "fr", "history", "list")
    assert text.startswith("utilisation : telephony-desktop history list")
    assert "--since DATE" in text and "AAAA-MM-JJ (inclus)" in text
    assert "lignes à afficher (0 = toutes; par défaut 50)" in text

    text = _help(capsys, "--lang", "fr", "account", "add")
    assert "--setting CLE=VALEUR" in text
    assert re.search(r"^arguments positionnels ?:\n  nom$", text, re.MULTILINE), text


def test_usage_errors_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "fr", "account", "add"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "telephony-desktop account add : erreur : les arguments suivants sont requis" in err
    with pytest.raises(SystemExit):
        main(["--lang", "fr", "--dial", "5145550199", "history", "sync"])
    err = capsys.readouterr().err
    assert "un lien ou --dial ouvre la fenêtre; il ne peut pas accompagner une COMMANDE" in err


def test_help_is_english_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert i18n.system_language() == "en"  # LANGUAGE=en, as the tests' desktop
    text = _help(capsys)
    assert text.startswith("usage: telephony-desktop [options] [tel:|callto:|sip: LINK]\n")
    assert "call history" in text and "exit status: 0 success" in text
    assert "--config FILE" in text
    assert "utilisation" not in text and "historique" not in text
    text = _help(capsys, "account", "add")
    assert "--setting KEY=VALUE" in text


# --- commands ------------------------------------------------------------------------------------


def test_commands_in_french_with_lang(cli: Cli, sandbox: SandboxServer) -> None:
    calls = sandbox.state.call_count
    assert cli("--lang", "fr", "history", "sync") == EXIT_OK, cli.err
    assert cli.out.startswith(
        f"Synchronisation terminée : {_in_french(calls)} nouveaux appels (reçus : "
    ), cli.out
    assert f"Appels dans le cache : {_in_french(calls)}." in cli.out

    assert cli("--lang", "fr", "history", "list", "--limit", "0") == EXIT_OK, cli.err
    heading, _rule, *rows = cli.out.splitlines()
    assert heading.split() == ["date", "sens", "de", "à", "nom", "durée", "statut", "coût"]
    assert len(rows) == calls
    table = "\n".join(rows)
    for word in ("entrant", "sortant", "répondu", "sans réponse", "occupé", "échoué"):
        assert word in table
    for code in ("inbound", "outbound", "answered", "no_answer"):
        assert code not in table
    # dates keep one sortable numeric shape; lengths read m:ss; costs have a decimal comma
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d  (entrant|sortant) ", rows[0])
    assert re.search(r"  \d+:\d\d  ", rows[0])
    assert re.search(r"\d,\d{4}$", table, re.MULTILINE)

    assert cli("--lang", "fr", "voicemail", "list") == EXIT_OK, cli.err
    assert cli.out.split("\n", 1)[0].split() == ["id", "reçu", "de", "nom", "durée"]
    assert "nouveau" in cli.out

    assert cli("--lang", "fr", "dids", "list") == EXIT_OK, cli.err
    assert cli.out.split("\n", 1)[0].split() == ["id", "numéro", "nom", "acheminement", "statut"]
    assert "activé" in cli.out and "enabled" not in cli.out

    assert cli("--lang", "fr", "history", "list", "--since", "hier") == EXIT_INPUT
    assert cli.err == "telephony-desktop: --since doit être une date comme 2026-11-22.\n"


def test_json_stays_machine_values_in_french(cli: Cli) -> None:
    assert cli("history", "sync") == EXIT_OK, cli.err
    assert cli("--lang", "fr", "history", "list", "--limit", "20", "--json") == EXIT_OK
    rows = cli.json()
    assert isinstance(rows, list) and len(rows) == 20
    assert {r["direction"] for r in rows} <= {"inbound", "outbound"}
    assert "started_at" in rows[0] and "T" in rows[0]["started_at"]
    assert cli("--lang", "fr", "account", "list", "--json") == EXIT_OK
    (entry,) = cli.json()  # type: ignore[misc]
    assert entry["secrets"] == {"auth_token": "keyring"}


def test_language_from_the_config_file(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("account", "list") == EXIT_OK
    assert cli.out.split("\n", 1)[0].split()[:2] == ["account", "provider"]
    _set_config_language("fr")

    assert cli("account", "list") == EXIT_OK, cli.err
    heading = cli.out.split("\n", 1)[0]
    assert heading.split() == ["compte", "fournisseur", "id", "région", "afficheur", "jetons"]
    assert "auth_token : trousseau de clés" in cli.out
    text = _help(capsys)
    assert text.startswith("utilisation : ") and "historique des appels" in text
    assert cli("history", "list", "--since", "hier") == EXIT_INPUT
    assert "doit être une date" in cli.err

    # --lang comes first
    assert cli("--lang", "en", "account", "list") == EXIT_OK
    assert "auth_token: keyring" in cli.out and "trousseau" not in cli.out
    assert cli("--lang", "en", "history", "list", "--since", "hier") == EXIT_INPUT
    assert "must be a date" in cli.err


def test_english_stays_the_default(cli: Cli) -> None:
    assert cli("--lang", "fr", "account", "list") == EXIT_OK
    assert "trousseau de clés" in cli.out
    # the next command, with no --lang and no setting, reads the desktop's language again
    assert cli("account", "list") == EXIT_OK
    assert cli.out.split("\n", 1)[0].split()[:2] == ["account", "provider"]
    assert "auth_token: keyring" in cli.out
    assert cli("history", "sync") == EXIT_OK
    assert cli.out.startswith("Synced: ")
    assert cli("history", "list", "--limit", "3") == EXIT_OK
    assert cli.out.split("\n", 1)[0].split() == [
        "date", "dir", "from", "to", "name", "duration", "status", "cost",
    ]  # fmt: skip
