"""Vietnamese first, English complete: the catalogue, the language switch, numbers and dates."""
import pathlib
import re
import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from portal.web.filters import format_date, format_datetime, format_points
from tests.factories import make_user

ROOT = pathlib.Path(__file__).resolve().parents[2]
PO = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _catalogue():
    with open(PO, "rb") as fh:
        return read_po(fh, locale="en")


def test_english_catalogue_is_complete_and_up_to_date(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-k", "N_", "-o", str(pot), "--no-location", str(ROOT)],
                   check=True, capture_output=True, cwd=ROOT)
    with open(pot, "rb") as fh:
        source_ids = {m.id for m in read_po(fh) if m.id}
    catalogue = {m.id: m for m in _catalogue() if m.id}
    missing = sorted(map(str, source_ids - set(catalogue)))   # plural ids are tuples: compare as text
    untranslated = sorted(str(i) for i in source_ids & set(catalogue) if not _translated(catalogue[i]))
    assert missing == [] and untranslated == []


def _forms(value) -> tuple:
    """A message's id or string as a tuple of its forms (one for a plain message, several for a plural)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _translated(message) -> bool:
    return all(_forms(message.string)) and "fuzzy" not in message.flags


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_placeholders_survive_translation():
    checked = 0
    for message in _catalogue():
        if not message.id or not _translated(message):
            continue
        expected = {p for form in _forms(message.id) for p in PLACEHOLDER.findall(form)}
        for form in _forms(message.string):
            # a singular English form may leave out the count ("one error"), never add a placeholder
            found = set(PLACEHOLDER.findall(form))
            assert found <= expected and (found == expected or len(_forms(message.id)) > 1), message.id
            checked += 1
    assert checked > 1000


def test_language_switch(app, ctx, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and 'lang="vi"' in page
    client.post("/language/en", data={"next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page and "Username" in page
    client.post("/language/vi", data={"next": "/login"})
    assert "Tên đăng nhập" in client.get("/login").get_data(as_text=True)


def test_language_choice_is_kept_on_the_account(ctx, auth):
    make_user("admin", username="quantri")
    client = auth.login("quantri")
    client.post("/language/en", data={"next": "/"})
    auth.logout(client)
    again = auth.login("quantri")
    assert "Home" in again.get("/").get_data(as_text=True)


@pytest.mark.parametrize("value, places, vi, en", [
    (Decimal("0.50"), None, "0,5", "0.5"),
    (Decimal("90.16"), 2, "90,16", "90.16"),
    (Decimal("100"), None, "100", "100"),
    (Decimal("0"), None, "0", "0"),
    (Decimal("1.5"), 2, "1,50", "1.50"),
])
def test_points_filter(app, value, places, vi, en):
    with app.test_request_context():
        assert format_points(value, places) == vi
    with app.test_request_context(headers={"Cookie": ""}):
        from flask import session
        session["lang"] = "en"
        from flask_babel import refresh
        refresh()
        assert format_points(value, places) == en


def test_dates_in_ho_chi_minh_time(app):
    with app.test_request_context():
        assert format_date(date(2023, 3, 22)) == "22/03/2023"
        moment = datetime(2023, 3, 21, 17, 30, tzinfo=timezone.utc)   # 00:30 on the 22nd in Vietnam
        assert format_datetime(moment) == "22/03/2023 00:30"
        assert format_date(moment) == "22/03/2023"
