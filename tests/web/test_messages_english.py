"""Words (issue 15): in English, the problem lists of a criteria import (YAML and XLSX), of a survey import and
the refusals of the scoring rules read English; in Vietnamese they read exactly as before (the Vietnamese
tests of those pages are unchanged). The pure rules return `portal.text.Msg` (the Vietnamese text, plus its
catalogue id and parameters) and the web layer translates it with `portal.web.messages.tr`."""
import html as html_lib
import io
import pathlib
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.criteria.importing import preview_import
from portal.extensions import db
from portal.scoring import ScoringInputError, compute_points
from portal.text import Msg, N_, as_msg
from portal.web.filters import forget_request_i18n
from portal.web.messages import tr
from tests.auth_actions import DEMO_PASSWORD, in_language
from tests.web.assess_setup import build
from tests.web.criteria_helpers import dept, seed
from tests.web.results_setup import build_world
from tests.web.test_results_survey import BAD_ROWS, csv_bytes, upload

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "criteria"
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def _listed(page: str, section_id: str) -> list[str]:
    start = page.index(f'id="{section_id}"')
    block = page[start:page.index("</section>", start)]
    return [html_lib.unescape(re.sub(r"\s+", " ", m)).strip() for m in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)]


# ------------------------------------------------------------------------------------ the message type


def test_a_message_is_its_vietnamese_text_and_translates_with_its_parameters(app):
    try:
        compute_points("number", {}, Decimal("10.5"), {"value": "12"})
    except ScoringInputError as err:
        message = err.message
    assert isinstance(message, Msg)
    assert message == "Điểm không được vượt quá điểm tối đa 10,5. Hãy nhập điểm từ 0 đến 10,5."
    nested = N_("Mục %(code)s: %(message)s", code="1.1", message=as_msg(message))
    for lang, expected in (("vi", str(nested)),
                           ("en", "Item 1.1: The points may not exceed the maximum of 10.5. Enter points from 0 to "
                                  "10.5.")):
        context = in_language(app, lang)
        try:
            assert tr(nested) == expected  # nested message and number translated; Vietnamese exactly the text
            assert tr("Chưa có gì") == "Chưa có gì" and tr(None) is None  # text that is not a message passes
        finally:
            forget_request_i18n()
            context.pop()


def test_as_msg_keeps_the_message_a_checker_raised():
    raised = ValueError(N_("giá trị %(value)s có quá 2 chữ số thập phân", value="0,125"))
    assert as_msg(raised) is raised.args[0] and as_msg("tử số").msgid == "tử số"


def test_vietnamese_previews_are_unchanged_by_the_message_type():
    problems = preview_import((DATA / "bad-content.yaml").read_bytes(), "department").errors
    assert problems and all(isinstance(p, str) for p in problems)
    assert "Dòng 8, mã 1.1: thiếu nội dung (khóa “title”); hãy bổ sung." in problems


# ------------------------------------------------------------------------------------ criteria imports


@pytest.fixture
def admin(ctx, client, auth):
    seed("setup")
    return auth.login("admin", DEMO_PASSWORD, client=client)


def _import(client, content: bytes, name: str):
    return client.post("/admin/criteria/import", data={"unit_type": "department", "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_a_yaml_import_with_errors_lists_them_in_english(admin, auth):
    auth.language(admin)
    response = _import(admin, (DATA / "bad-content.yaml").read_bytes(), "bo.yaml")
    page = response.get_data(as_text=True)
    problems = _listed(page, "import-errors")
    assert response.status_code == 422 and len(problems) == 5, problems
    assert problems[0] == "Line 8, code 1.1: the title (key “title”) is missing; add it."
    assert problems[1].startswith("Line 9, code 1.2: there is no scoring method “level” — did you mean “levels”?")
    assert problems[2] == ("Line 10, code 1.3: maximum points (“max”): the value 0,125 has more than 2 decimal "
                           "places; round it to at most 2, for example 0.25.")
    assert "must go from high to low" in problems[3] and "each item needs its own code" in problems[4]
    assert not [p for p in problems if VIETNAMESE.search(p)], problems


def test_an_xlsx_import_with_errors_lists_them_in_english(admin, auth):
    cset = dept()
    book = load_workbook(io.BytesIO(admin.get(f"/admin/criteria/{cset.id}/export/xlsx").data))
    sheet = book["Tiêu chí"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    rows["1.1.1"][4].value = "1.000"
    rows["1.3.1"][6].value = "≥50%=1; ≥80%=0"
    out = io.BytesIO()
    book.save(out)
    auth.language(admin)
    problems = _listed(_import(admin, out.getvalue(), "bo.xlsx").get_data(as_text=True), "import-errors")
    row = rows["1.1.1"][0].row
    assert problems[0].startswith(f"Sheet “Tiêu chí”, row {row}, code 1.1.1: column “")
    assert "It is unclear whether “1.000” uses a thousands separator or a decimal mark" in problems[0]
    assert "the rate thresholds must go from high to low without duplicates" in problems[1]
    # the sheet and column names are the file's own (Vietnamese) words; nothing else is
    assert not [p for p in problems if VIETNAMESE.search(re.sub(r"“[^”]*”", "", p))], problems


def test_a_file_for_another_unit_type_says_so_in_english(admin, auth):
    auth.language(admin)
    seed_file = ROOT / "portal" / "seed_data" / "criteria" / "dept-2022-demo.yaml"
    problems = _listed(admin.post("/admin/criteria/import", data={
        "unit_type": "district", "file": (io.BytesIO(seed_file.read_bytes()), "bo.yaml")},
        content_type="multipart/form-data").get_data(as_text=True), "import-errors")
    assert problems and problems[0].startswith("The file is the criteria set for “Sở, ban, ngành” but is being "
                                               "imported for “")


# ------------------------------------------------------------------------------------ survey import


def test_a_survey_import_with_errors_lists_them_in_english(ctx, auth):
    world = build_world()
    client = auth.login("qt")
    auth.language(client)
    response = upload(client, world, csv_bytes(BAD_ROWS))
    problems = _listed(response.get_data(as_text=True), "survey-errors")
    assert response.status_code == 422 and len(problems) == 7
    assert problems[2] == "Row 5: The score 6.5 for item 3.1 must be between 0 and 6. Enter it again."
    assert problems[0].startswith("Row 3: ") and "“GX”" in problems[0] and "“bốn”" in problems[4]
    assert not [p for p in problems if VIETNAMESE.search(re.sub(r"“[^”]*”", "", p))], problems


# ------------------------------------------------------------------------------------ scoring refusals


@pytest.fixture
def s(ctx):
    return build()


def test_a_scoring_refusal_reads_english(s, auth):
    crit = s.crit("1.5")
    crit.method, crit.config, crit.max_points = "number", {}, Decimal("2.5")
    db.session.commit()
    client = auth.sign_in("a.staff")
    auth.language(client)

    def save(code, form):
        return client.post(f"/assessment/{s.a_id}/items/{s.crit(code).id}", data=form | {"version": "0"},
                           htmx=True)

    above = save("1.5", {"value": "3"})
    text = html_lib.unescape(above.get_data(as_text=True))
    assert above.status_code == 422
    assert "The points may not exceed the maximum of 2.5. Enter points from 0 to 2.5." in text
    assert "Điểm không được vượt quá" not in text
    over = html_lib.unescape(save("1.1.2", {"numerator": "120", "denominator": "100"}).get_data(as_text=True))
    assert "This item does not allow results above 100%" in over and "không cho phép" not in over
    typed = html_lib.unescape(save("1.5", {"value": "1.000"}).get_data(as_text=True))
    assert "It is unclear whether “1.000” uses a thousands separator or a decimal mark" in typed


def test_the_same_refusal_stays_vietnamese_by_default(s, auth):
    crit = s.crit("1.5")
    crit.method, crit.config, crit.max_points = "number", {}, Decimal("2.5")
    db.session.commit()
    client = auth.sign_in("a.staff")
    response = client.post(f"/assessment/{s.a_id}/items/{s.crit('1.5').id}", data={"value": "3", "version": "0"},
                           htmx=True)
    assert "Điểm không được vượt quá điểm tối đa 2,5. Hãy nhập điểm từ 0 đến 2,5." in \
        html_lib.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("changes, english", [
    ({"config_text": "Đúng hạn=1; Chậm hạn=abc"}, "“abc” is not a valid number. Enter a number such as 0.5 or 0,5."),
    ({"config_text": "Đúng hạn=1"}, "At least 2 levels are needed (for example Đúng hạn = 1; Không thực hiện = 0)."),
    ({"max_points": "1.000"}, "It is unclear whether “1.000” uses a thousands separator or a decimal mark."),
])
def test_the_criteria_editor_explains_a_wrong_setting_in_english(admin, changes, english, auth):
    from tests.web.criteria_helpers import form_of, node
    auth.language(admin)
    item = node("1.1.1")
    response = admin.post(f"/admin/criteria/item/{item.id}/edit", data=form_of(item, **changes), htmx=True)
    text = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and english in text, re.findall(r'class="error"[^>]*>([^<]*)', text)


def test_the_results_settings_explain_a_wrong_band_in_english(ctx, auth):
    from tests.web.test_results_pages import posted_settings, settings_url
    world = build_world()
    client = auth.login("qt")
    auth.language(client)
    typed = html_lib.unescape(client.post(settings_url(world), data=posted_settings(**{"band-1-min": "tám mươi"}))
                              .get_data(as_text=True))
    assert "“tám mươi” is not a valid number. Enter a number such as 0.5 or 0,5." in typed
    order = html_lib.unescape(client.post(settings_url(world), data=posted_settings(**{"band-1-min": "95"}))
                              .get_data(as_text=True))
    assert "Rating bands must be in decreasing order of threshold. Reorder them." in order
    assert "ngưỡng giảm dần" not in order


def test_a_self_assessment_workbook_with_errors_lists_them_in_english(s, auth):
    from tests.web.test_assessment_xlsx import _fill, _template
    client = auth.sign_in("a.staff")
    data = _fill(_template(client, s), {"1.1.2": {"Tử số": "1.000", "Mẫu số": "10"},
                                        "1.3.1": {"Không áp dụng": "Có", "Lý do không áp dụng": ""}})
    auth.language(client)
    response = client.post(f"/assessment/{s.a_id}/import", data={"file": (io.BytesIO(data), "diem.xlsx")},
                           content_type="multipart/form-data")
    text = html_lib.unescape(response.get_data(as_text=True))
    cells = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", text)
    assert response.status_code == 422 and dict(cells).keys() == {"1.1.2", "1.3.1"}, cells
    assert dict(cells)["1.1.2"].startswith("It is unclear whether “1.000” uses a thousands separator")
    assert not VIETNAMESE.search(dict(cells)["1.3.1"]), cells


# ------------------------------------------------------------------------------------ plurals


def test_no_english_message_reads_item_s():
    from babel.messages.pofile import read_po
    with (ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    offenders = [m.id for m in catalogue if m.id and not m.fuzzy
                 for text in ([m.string] if isinstance(m.string, str) else m.string)
                 if re.search(r"\w\(s\)", text.replace("%(s)s", ""))]
    assert offenders == []


@pytest.mark.parametrize("count, english", [(1, "The file has 1 error; nothing has been saved"),
                                            (2, "The file has 2 errors; nothing has been saved")])
def test_counts_read_right_for_one_and_for_two(app, count, english):
    from flask import render_template_string
    from flask_babel import ngettext
    context = in_language(app, "en")
    try:
        message = "Tệp có %(n)d lỗi; chưa có gì được lưu"
        assert ngettext(message, message, count, n=count) == english
        shown = render_template_string('{{ ngettext("tối đa %(p)s điểm", "tối đa %(p)s điểm", v|plural_n, '
                                       'p=v|points) }}', v=Decimal(count))
        assert shown == f"up to {count} point{'s' if count > 1 else ''}"
        deadlines = "Đã lưu thời hạn của %(count)d giai đoạn."
        assert ngettext(deadlines, deadlines, count, count=count) == \
            f"Deadlines saved for {count} phase{'s' if count > 1 else ''}."
    finally:
        forget_request_i18n()
        context.pop()
    context = in_language(app, "vi")  # Vietnamese has one form
    try:
        assert render_template_string('{{ ngettext("tối đa %(p)s điểm", "tối đa %(p)s điểm", v|plural_n, '
                                      'p=v|points) }}', v=Decimal(count)) == f"tối đa {count} điểm"
    finally:
        forget_request_i18n()
        context.pop()


@pytest.mark.parametrize("rows, heading", [
    ({"1.1.2": {"Tử số": "1.000", "Mẫu số": "10"}}, "The file has 1 error; nothing has been saved"),
    ({"1.1.2": {"Tử số": "1.000", "Mẫu số": "10"}, "1.3.1": {"Không áp dụng": "Có", "Lý do không áp dụng": ""}},
     "The file has 2 errors; nothing has been saved"),
])
def test_the_workbook_preview_counts_its_errors_in_english(s, rows, heading, auth):
    from tests.web.test_assessment_xlsx import _fill, _template
    client = auth.sign_in("a.staff")
    data = _fill(_template(client, s), rows)
    auth.language(client)
    page = client.post(f"/assessment/{s.a_id}/import", data={"file": (io.BytesIO(data), "diem.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert heading in page


def test_an_empty_file_shows_no_signed_zero_beside_bonus_and_deductions(s, auth):
    client = auth.sign_in("a.staff")
    page = client.get(f"/assessment/{s.a_id}").get_data(as_text=True)
    assert "<dd>0 / 0</dd>" in page and "−0<" not in page and "−0 " not in page
