"""The command line: ``telephony-desktop [global options] COMMAND ...``.

Built after the language is chosen (``cli.choose_language``): help texts, usage lines and
placeholders are translated as the parser is built, and argparse's own words come from the same
catalogue (``i18n.argparse_words``)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from telephony_desktop import __version__
from telephony_desktop.i18n import N_, _, pgettext

# A tel:/callto:/sip: link given before any COMMAND (what a browser or the desktop passes):
# taken out of argv before argparse, which would read it as a COMMAND.
LINK_RE = re.compile(r"^(?:tel|callto|sips?):", re.IGNORECASE)
_TOP_OPTIONS_WITH_VALUE = ("--config", "--account", "--lang", "--dial")

# Translators: the end of `telephony-desktop --help`, printed as written: keep the line breaks
# (lines of at most 90 characters) and the numbers, which are the exit statuses.
EPILOG = N_(
    "exit status: 0 success; 2 bad input or usage; 3 configuration or keyring problem;\n"
    "4 provider unreachable or answer unreadable; 5 provider refused the request;\n"
    "6 outcome unknown (a write may have gone through: check before retrying); 130 interrupted.\n"
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, in the language messages are shown in.

    Placeholders (``metavar``) are translated too: they name what to type, not what to type
    literally. Option names, sub-command names and choices stay as they are."""
    # Translators: placeholders in `--help` (what the user types there), in capitals.
    file, name, number, action = _("FILE"), _("NAME"), _("NUMBER"), _("ACTION")
    p = argparse.ArgumentParser(
        prog="telephony-desktop",
        # Translators: the usage line of `telephony-desktop --help`; keep %(prog)s, the line
        # break and the spaces that line the second line up under the first (after "usage: ").
        usage=_(
            "%(prog)s [options] [tel:|callto:|sip: LINK]\n       %(prog)s [options] COMMAND ..."
        ),
        description=_(
            "Desktop softphone companion: dialer, call history, voicemail, DIDs, E911. "
            "With no command, opens the window (or brings the running one forward), with LINK's "
            "number in the dialer."
        ),
        epilog=_(EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show program's version number and exit"),
    )
    p.add_argument("--config", metavar=file, help=_("accounts file (default: user config dir)"))
    p.add_argument("--account", metavar=name, help=_("account to use (default: the default one)"))
    p.add_argument(
        "--demo", action="store_true", help=_("run against the built-in sandbox with demo data")
    )
    p.add_argument("--debug", action="store_true", help=_("verbose logs in the log file"))
    p.add_argument("--lang", choices=("en", "fr"), help=_("language of messages"))
    p.add_argument(
        "--dial",
        metavar=number,
        help=_("open the window (or the running one) with NUMBER in the dialer"),
    )
    p.add_argument("--minimized", action="store_true", help=_("start in the tray, no window"))
    p.add_argument(
        "--self-test", action="store_true", help=_("check this installation (packaged builds)")
    )
    p.set_defaults(link=None)
    # prog: sub-commands' usage lines, unaffected by the custom usage above
    sub = p.add_subparsers(dest="command", metavar=_("COMMAND"), prog=p.prog)

    # account
    acc = sub.add_parser("account", help=_("add, list, remove accounts; store their secrets"))
    acc_sub = acc.add_subparsers(dest="action", metavar=action, required=True)
    add = acc_sub.add_parser("add", help=_("add an account"))
    # Translators: placeholders in `--help` for a value typed after an option or a command,
    # in capitals (or lowercase, as the English) with underscores instead of spaces.
    add.add_argument("name", metavar=pgettext("placeholder", "name"))
    add.add_argument(
        "--provider",
        required=True,
        metavar=_("PROVIDER"),
        help=_("voicemeup, telecmi, simotel, truecnam or verba"),
    )
    add.add_argument(
        "--account-id",
        metavar=_("ACCOUNT_ID"),
        help=_("the provider's account id (VoiceMeUp: 8 digits; TeleCMI: app id)"),
    )
    add.add_argument(
        "--base-url",
        metavar=_("BASE_URL"),
        help=_("full endpoint URL (self-hosted servers, tests)"),
    )
    add.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help=_("accept a plain http base URL that is not on this machine"),
    )
    add.add_argument(
        "--region",
        default="CA",
        metavar=_("REGION"),
        help=_("default region for numbers (default CA)"),
    )
    add.add_argument(
        "--caller-id",
        metavar=_("CALLER_ID"),
        help=_("default caller ID shown to the people you call"),
    )
    add.add_argument(
        "--ring",
        metavar=_("PHONE"),
        help=_("phone to ring first for click-to-call: number or peer:USER"),
    )
    add.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar=_("KEY=VALUE"),
        help=_(
            "a provider setting, e.g. agent_number=+15145550100 (TeleCMI), caller=557 and "
            "context=main_routing (Simotel), username=LOGIN (TrueCNAM, Verba); repeatable"
        ),
    )
    add.add_argument("--default", action="store_true", help=_("make it the default account"))
    lst = acc_sub.add_parser("list", help=_("list accounts"))
    lst.add_argument("--json", action="store_true")
    rm = acc_sub.add_parser("remove", help=_("remove an account and its stored secrets"))
    rm.add_argument("name", metavar=pgettext("placeholder", "name"))
    ss = acc_sub.add_parser("set-secret", help=_("store a secret in the OS keyring"))
    ss.add_argument("name", metavar=pgettext("placeholder", "name"))
    ss.add_argument(
        "field",
        nargs="?",
        metavar=pgettext("placeholder", "field"),
        help=_("secret name (default: the provider's first one)"),
    )
    ss.add_argument("--stdin", action="store_true", help=_("read the secret from standard input"))
    at = acc_sub.add_parser("test", help=_("check an account's credentials with its provider"))
    at.add_argument("name", metavar=pgettext("placeholder", "name"))

    # history
    hist = sub.add_parser("history", help=_("call history"))
    hist_sub = hist.add_subparsers(dest="action", metavar=action, required=True)
    hist_sub.add_parser("sync", help=_("fetch new calls into the local cache"))
    hl = hist_sub.add_parser("list", help=_("list cached calls, newest first"))
    day = _("DATE")
    hl.add_argument("--since", metavar=day, help=_("YYYY-MM-DD"))
    hl.add_argument("--until", metavar=day, help=_("YYYY-MM-DD (inclusive)"))
    hl.add_argument("--direction", choices=("inbound", "outbound"))
    hl.add_argument("--status", metavar=_("STATUS"), help=_("e.g. answered, no_answer, busy"))
    hl.add_argument("--search", metavar=_("TEXT"), help=_("name or number"))
    hl.add_argument(
        "--limit",
        type=int,
        default=50,
        metavar=_("LIMIT"),
        help=_("rows to show (0 = all; default 50)"),
    )
    hl.add_argument("--json", action="store_true")

    # voicemail
    vm = sub.add_parser("voicemail", help=_("voicemail"))
    vm_sub = vm.add_subparsers(dest="action", metavar=action, required=True)
    vl = vm_sub.add_parser("list", help=_("list voicemails (refreshed; cached copy when offline)"))
    vl.add_argument("--json", action="store_true")
    vd = vm_sub.add_parser("download", help=_("save a voicemail's audio"))
    vd.add_argument("id")
    vd.add_argument("-o", "--output", required=True, metavar=file)
    vx = vm_sub.add_parser("delete", help=_("delete a voicemail at the provider and locally"))
    vx.add_argument("id")

    # dids
    dids = sub.add_parser("dids", help=_("the account's phone numbers"))
    dids_sub = dids.add_subparsers(dest="action", metavar=action, required=True)
    dl = dids_sub.add_parser("list", help=_("list numbers and their routing"))
    dl.add_argument("--json", action="store_true")

    # e911
    e911 = sub.add_parser("e911", help=_("emergency (911) addresses"))
    e_sub = e911.add_subparsers(dest="action", metavar=action, required=True)
    es = e_sub.add_parser("show", help=_("the emergency address of a number"))
    es.add_argument("number", metavar=pgettext("placeholder", "number"))
    es.add_argument("--json", action="store_true")
    ev = e_sub.add_parser("validate", help=_("check an address with the provider"))
    ev.add_argument(
        "number", metavar=pgettext("placeholder", "number"), help=_("the DID the address is for")
    )
    ev.add_argument("--civic", required=True, metavar=_("CIVIC"), help=_("civic (street) number"))
    ev.add_argument("--street", required=True, metavar=_("STREET"))
    ev.add_argument("--city", required=True, metavar=_("CITY"))
    ev.add_argument(
        "--state", required=True, metavar=_("STATE"), help=_("2-letter province/state code")
    )
    ev.add_argument(
        "--country", default="CA", metavar=_("COUNTRY"), help=_("CA or US (default CA)")
    )
    ev.add_argument("--postal", required=True, metavar=_("POSTAL"), help=_("postal or ZIP code"))
    ev.add_argument("--unit-type", metavar=_("UNIT_TYPE"), help=_("apartment, suite, unit, ..."))
    ev.add_argument("--unit", metavar=_("UNIT"), help=pgettext("--unit", "unit number"))
    ev.add_argument("--json", action="store_true")

    # call
    call = sub.add_parser("call", help=_("place a call (the provider rings you, then the number)"))
    call.add_argument("number", metavar=pgettext("placeholder", "number"))
    call.add_argument(
        "--route",
        metavar="R",
        help=_(
            "the account (or provider) that places the call: VoiceMeUp call_dispatch, "
            "TeleCMI bridge or Simotel originate (default: the default account)"
        ),
    )
    call.add_argument(
        "--from", dest="caller_id", metavar=_("CALLER_ID"), help=_("caller ID to show")
    )
    call.add_argument(
        "--ring",
        metavar=_("PHONE"),
        help=_(
            "what rings first: number or peer:USER (VoiceMeUp), your number (TeleCMI), "
            "your extension (Simotel)"
        ),
    )
    call.add_argument(
        "--no-caller-name", action="store_true", help=_("do not tell TrueCNAM about this call")
    )
    call.add_argument("--json", action="store_true")

    cs = sub.add_parser(
        "call-status", help=_("what became of a TeleCMI bridge, by the reference 'call' printed")
    )
    cs.add_argument(
        "reference", metavar=pgettext("placeholder", "reference"), help=_("the TeleCMI request id")
    )
    cs.add_argument("--route", metavar="R", help=_("the TeleCMI account (default: the only one)"))
    cs.add_argument("--json", action="store_true")

    # recordings (Verba)
    rec = sub.add_parser("recording", help=_("find call recordings in Verba"))
    rec_sub = rec.add_subparsers(dest="action", metavar=action, required=True)
    rf = rec_sub.add_parser("find", help=_("the recording of a call, by extension and status"))
    rf.add_argument(
        "--extension",
        required=True,
        metavar=_("EXTENSION"),
        help=_("extension or number on the call"),
    )
    rf.add_argument(
        "--status",
        default="last",
        metavar=_("STATUS"),
        help=_("last, ongoing or next, or two of them: ongoing,next / last,ongoing (default last)"),
    )
    rf.add_argument("--download", metavar=file, help=_("save the recording's audio to FILE"))
    rf.add_argument("--json", action="store_true")

    sub.add_parser("overview", help=_("print a summary of the account (sync, voicemail, numbers)"))

    # diagnostics
    diag = sub.add_parser(
        "diagnostics",
        help=_("write a diagnostic report (a zip, no secrets) to attach to a problem report"),
        description=_(
            "Write a zip with versions, the settings without secrets, where each secret "
            "is stored (never its value), the recent log and crash reports."
        ),
    )
    diag.add_argument(
        "-o",
        "--output",
        metavar=_("FILE.zip"),
        help=_("where to write it (default: telephony-desktop-report-DATE-TIME.zip here)"),
    )

    # desktop integration
    desk = sub.add_parser(
        "desktop", help=_("register as the tel:/callto:/sip: link handler; start at login")
    )
    desk_sub = desk.add_subparsers(dest="action", metavar=action, required=True)
    di = desk_sub.add_parser("install", help=_("handle tel:, callto: and sip: links (this user)"))
    di.add_argument("--autostart", action="store_true", help=_("also start at login, in the tray"))
    desk_sub.add_parser("uninstall", help=_("undo install (link handler and start at login)"))
    desk_sub.add_parser("status", help=_("print what is registered where"))

    # sandbox
    sb = sub.add_parser("sandbox", help=_("run the provider sandbox on loopback"))
    sb.add_argument("--port", type=int, default=8765, metavar=_("PORT"))
    sb.add_argument(
        "--host", default="127.0.0.1", metavar=_("HOST"), help=_("loopback address to listen on")
    )
    sb.add_argument("--seed", type=int, default=1234, metavar=_("SEED"))
    sb.add_argument(
        "--calls",
        type=int,
        default=2400,
        metavar=_("CALLS"),
        help=_("calls to seed (default 2400)"),
    )
    sb.add_argument(
        "--live",
        type=float,
        default=0.0,
        metavar=_("SECONDS"),
        help=_("add a new call every N s"),
    )
    sb.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar=_("PROVIDER=NAME[,NAME]"),
        help=_("serve a real service's shape instead of the documented one, e.g. voicemeup=real"),
    )
    return p


def split_link(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """``argv`` without the tel:/callto:/sip: link given before any COMMAND, and that link.

    Only global options may precede the link; the first other word is a COMMAND, after which
    nothing is taken (``call tel:+1514...`` still reaches the ``call`` command)."""
    args = list(argv)
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            break
        if LINK_RE.match(word):
            return args[:i] + args[i + 1 :], word
        if word in _TOP_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if not word.startswith("-"):
            break  # a COMMAND
        i += 1
    return args, None


def parse_args(
    argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """Parse the command line, with an optional link before any COMMAND (``args.link``)."""
    parser = parser or build_parser()
    rest, link = split_link(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(rest)
    args.link = link
    if (link or args.dial) and args.command:
        parser.error(_("a link or --dial opens the window; it cannot go with a COMMAND"))
    if link and args.dial:
        parser.error(_("give a link or --dial, not both"))
    if args.self_test and (args.command or link or args.dial):
        parser.error(_("--self-test runs alone"))
    return args
