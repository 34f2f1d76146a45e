"""What a History row says, in French as in English; the CSV export stays in English."""

from __future__ import annotations

from datetime import date

import pytest

from telephony_desktop.services import history_rows as fmt

TODAY = date(2024, 5, 3)
ROW = (
    "2024-05-03T14:05:09",
    "inbound",
    "5145550100",
    "4385550199",
    "Café Inc.",
    3725,
    "no_answer",
    "0.0241",
    "uid-1",
)


@pytest.mark.usefixtures("french")
def test_a_row_in_french() -> None:
    assert fmt.when_label("2024-05-03T14:05:09", TODAY) == "Aujourd’hui 14 h 05"
    assert fmt.when_label("2024-05-02T09:12:00", TODAY) == "Hier 09 h 12"
    assert fmt.when_label("2024-04-29T08:00:00", TODAY) == "lun. 29 avr., 08 h 00"
    assert fmt.when_label("2023-12-31T23:59:00", TODAY) == "31 déc. 2023, 23 h 59"
    assert fmt.cost_label("0.0241") == "0,0241\xa0$"
    assert fmt.cost_label("0.5", "USD") == "0,5000\xa0$\xa0US"
    assert fmt.status_label("no_answer") == "Sans réponse"
    assert fmt.status_label("NOT_REACHED") == "Not reached"  # the provider's own word
    assert fmt.direction_label("inbound") == "↙ Entrant"
    row = fmt.make_row(ROW, "CA", TODAY)
    assert row.cells == (
        "Aujourd’hui 14 h 05",
        "↙ Entrant",
        "(514) 555-0100",
        "(438) 555-0199",
        "Café Inc.",
        "1:02:05",
        "Sans réponse",
        "0,0241\xa0$",
    )


def test_costs_keep_four_decimals_in_the_accounts_currency() -> None:
    assert fmt.cost_label("0.0241", "usd") == "US$0.0241"
    assert fmt.cost_label("12") == "$12.0000"
    assert fmt.cost_label("") == "" and fmt.cost_label("NaN") == "NaN"
    assert fmt.make_row(ROW, "CA", TODAY, "USD").cells[fmt.COL_COST] == "US$0.0241"


@pytest.mark.usefixtures("french")
def test_the_csv_export_stays_in_english() -> None:
    assert fmt.CSV_HEADER[0] == "Date" and fmt.CSV_HEADER[-2:] == ("Cost", "Unique ID")
    assert fmt.csv_record(ROW, "CA") == (
        "2024-05-03 14:05:09",
        "In",
        "(514) 555-0100",
        "(438) 555-0199",
        "Café Inc.",
        "1:02:05",
        "No answer",
        "0.0241",
        "uid-1",
    )
