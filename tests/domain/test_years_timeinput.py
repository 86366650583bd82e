"""Deadlines typed as text, dd/mm/yyyy HH:MM in 24-hour Vietnam time (portal.years.timeinput)."""
from datetime import datetime

import pytest

from portal.years.timeinput import TimeInputError, format_local, parse_local


@pytest.mark.parametrize("typed, expected", [
    ("31/03/2023 17:00", datetime(2023, 3, 31, 17, 0)),
    ("31/03/2023 17:00:30", datetime(2023, 3, 31, 17, 0, 30)),
    ("1/4/2023 8:05", datetime(2023, 4, 1, 8, 5)),
    ("01-04-2023 08:05", datetime(2023, 4, 1, 8, 5)),
    ("01.04.2023 08:05", datetime(2023, 4, 1, 8, 5)),
    ("31/03/2023 17h00", datetime(2023, 3, 31, 17, 0)),
    ("  31/03/2023   17:00 ", datetime(2023, 3, 31, 17, 0)),
    ("31/03/2023, 17:00", datetime(2023, 3, 31, 17, 0)),
    ("31/03/2023 - 17:00", datetime(2023, 3, 31, 17, 0)),
    ("31/03/2023 00:00", datetime(2023, 3, 31, 0, 0)),
    ("31/03/2023 23:59:59", datetime(2023, 3, 31, 23, 59, 59)),
    ("2023-03-31T17:00", datetime(2023, 3, 31, 17, 0)),      # what older forms and scripts send
    ("2023-03-31T17:00:30", datetime(2023, 3, 31, 17, 0, 30)),
    ("2023-03-31 17:00", datetime(2023, 3, 31, 17, 0)),
])
def test_accepted_spellings(typed, expected):
    assert parse_local(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_blank_is_no_time(typed):
    assert parse_local(typed) is None


@pytest.mark.parametrize("typed, code", [
    ("31/03/2023", "no_time"),                # a deadline needs its hour
    ("31-03-2023", "no_time"),
    ("31/02/2023 17:00", "invalid"),          # no 31 February
    ("13/13/2023 17:00", "invalid"),
    ("31/03/2023 24:00", "invalid"),
    ("31/03/2023 17:60", "invalid"),
    ("03/31/2023 05:00 PM", "invalid"),       # the 12-hour US format Chromium shows for datetime-local
    ("31/03/23 17:00", "invalid"),            # two-digit year
    ("３１/０３/２０２３ １７:００", "invalid"),  # full-width digits
    ("31/03/2023 5 giờ chiều", "invalid"),
    ("ngày mai", "invalid"),
    ("2023-03-31", "invalid"),
])
def test_refused_spellings(typed, code):
    with pytest.raises(TimeInputError) as err:
        parse_local(typed)
    assert err.value.code == code


def test_shown_as_the_input_expects_it_and_read_back_unchanged():
    for value in (datetime(2023, 3, 31, 17, 0), datetime(2023, 1, 5, 7, 30, 15)):
        assert parse_local(format_local(value)) == value
    assert format_local(datetime(2023, 3, 31, 17, 0)) == "31/03/2023 17:00"
    assert format_local(datetime(2023, 3, 31, 17, 0, 5)) == "31/03/2023 17:00:05"
    assert format_local(None) == ""
