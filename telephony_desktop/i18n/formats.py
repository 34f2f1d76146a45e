"""Dates, times, lengths, numbers and money as the user's locale writes them (Babel's CLDR data).

Qt-free, used by the window and the CLI alike. English is Canadian English and French is
Canadian French: VoiceMeUp's market is Quebec, and money defaults to Canadian dollars.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, dates, numbers

from telephony_desktop.i18n import FRENCH, _, language

DEFAULT_CURRENCY = "CAD"
NO_VALUE = "—"


def locale_code(lang: str | None = None) -> str:
    return "fr_CA" if (lang or language()) == FRENCH else "en_CA"


@lru_cache(maxsize=4)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _here() -> Locale:
    return _locale(locale_code())


def clock(moment: datetime) -> str:
    """``2:05 p.m.`` / ``14 h 05``: the locale's short time."""
    return dates.format_time(moment, "short", locale=_here())


def day_month(moment: date) -> str:
    """``Nov 17`` / ``17 nov.``"""
    return dates.format_skeleton("MMMd", moment, locale=_here())


def weekday_day_month(moment: date) -> str:
    """``Mon, Nov 17`` / ``lun. 17 nov.``"""
    return dates.format_skeleton("MMMEd", moment, locale=_here())


def short_date(moment: date) -> str:
    """``Nov 17, 2025`` / ``17 nov. 2025``"""
    return dates.format_skeleton("yMMMd", moment, locale=_here())


def long_date(moment: date) -> str:
    """``Sunday, November 22, 2026`` / ``dimanche 22 novembre 2026``"""
    return dates.format_date(moment, "full", locale=_here())


def numeric_date_time(moment: datetime) -> str:
    """``2026-11-22 14:02`` in both languages: for CLI columns that must line up and sort."""
    return moment.strftime("%Y-%m-%d %H:%M")


def when(moment: datetime | None, today: date | None = None, *, weekday: bool = False) -> str:
    """``Today 2:02 p.m.``, ``Yesterday``…, ``Nov 18, 2:02 p.m.``, ``Dec 30, 2025, 8:00 a.m.``."""
    if moment is None:
        return NO_VALUE
    today = today or date.today()
    day = moment.date()
    time = clock(moment)
    if day == today:
        return _("Today {time}").format(time=time)
    if day == today - timedelta(days=1):
        return _("Yesterday {time}").format(time=time)
    shown = (
        (weekday_day_month if weekday else day_month)(day)
        if day.year == today.year
        else (short_date(day))
    )
    return _("{date}, {time}").format(date=shown, time=time)


def long_when(moment: datetime | None) -> str:
    """``Sunday, November 22, 2026 at 2:02 p.m.`` for detail panes."""
    if moment is None:
        return _("Unknown time")
    return _("{date} at {time}").format(date=long_date(moment.date()), time=clock(moment))


def length(seconds: int | float | None) -> str:
    """``0:42``, ``8:59``, ``1:02:03``: call and recording lengths read the same in both."""
    if seconds is None:
        return NO_VALUE
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def number(value: int | float | Decimal) -> str:
    """``1,234,567`` / ``1 234 567``."""
    return numbers.format_decimal(value, locale=_here())


def decimal(value: float | Decimal, places: int = 1) -> str:
    """``2.5`` / ``2,5`` with a fixed number of places."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=_here())


def money(amount: str | int | float | Decimal | None, currency: str | None = None) -> str:
    """``$12.50`` / ``12,50 $`` in the account's currency (Canadian dollars if it has none).
    Text that is not an amount is shown as it came."""
    if amount is None or amount == "":
        return NO_VALUE
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    if not value.is_finite():
        return str(amount)
    code = (currency or DEFAULT_CURRENCY).strip().upper() or DEFAULT_CURRENCY
    try:
        return numbers.format_currency(value, code, locale=_here())
    except (ValueError, numbers.UnknownCurrencyError):
        return f"{numbers.format_decimal(value, locale=_here())} {code}"
