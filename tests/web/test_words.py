"""Words (issue 15): one term per thing (appraisal "vòng", "Điểm cộng"), the band legend "Yếu (dưới 50 %)",
band names in the interface language, phase names without "vòng 1" for self-assessment, and no "-0,00"."""
import pathlib
import re
from decimal import Decimal

import pytest

from portal.scoring.numeric import decimal_text, format_vi
from portal.web.filters import forget_request_i18n
from portal.web.messages import band_legend, band_name
from portal.years.phases import PHASE_LABELS, Phase
from tests.auth_actions import in_language

ROOT = pathlib.Path(__file__).resolve().parents[2]
BANDS = [{"key": "xuat_sac", "label": "Xuất sắc", "min_pct": "90"}, {"key": "tot", "label": "Tốt", "min_pct": "80"},
         {"key": "kha", "label": "Khá", "min_pct": "70"}, {"key": "trung_binh", "label": "Trung bình", "min_pct": "50"},
         {"key": "yeu", "label": "Yếu", "min_pct": "0"}]


@pytest.mark.parametrize("lang, expected", [
    ("vi", ["Xuất sắc (≥ 90 %)", "Tốt (≥ 80 %)", "Khá (≥ 70 %)", "Trung bình (≥ 50 %)", "Yếu (dưới 50 %)"]),
    ("en", ["Excellent (≥ 90 %)", "Good (≥ 80 %)", "Fair (≥ 70 %)", "Average (≥ 50 %)", "Weak (below 50 %)"]),
])
def test_band_legend_and_names_in_the_interface_language(app, lang, expected):
    context = in_language(app, lang)
    try:
        assert [text for _key, text in band_legend(BANDS)] == expected
        assert band_name("yeu", "Yếu") == expected[-1].split(" (")[0]
        assert band_name("yeu", "Chưa đạt") == "Chưa đạt"  # a name the admin typed is shown as typed
    finally:
        forget_request_i18n()
        context.pop()


def test_an_index_never_prints_minus_zero():
    assert decimal_text(Decimal("-0.001"), 2) == "0,00" and decimal_text(Decimal("-0.00"), 2) == "0,00"
    assert decimal_text(Decimal("-0"), None) == "0" and format_vi(Decimal("-0.00")) == "0"
    assert decimal_text(Decimal("-1.5"), 2) == "-1,50"  # a real negative keeps its sign


def test_phase_names_and_one_term_per_thing():
    assert PHASE_LABELS[Phase.SELF_ASSESSMENT] == "Tự đánh giá" and PHASE_LABELS[Phase.EXPLANATION] == "Giải trình"
    sources = [p for folder in ("portal", "templates") for p in (ROOT / folder).rglob("*")
               if p.suffix in (".py", ".html")]
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in sources
                 for m in re.finditer(r"(?i)(thẩm định|TĐ|kết thúc|kết quả|theo|thẩm định xong) lần (?:[12]\b|%\(n\)d)|điểm thưởng",
                                      p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_minus_zero_in_charts_spreadsheets_or_messages():
    """The same rule where a number is written outside the `points` filter: the bar charts of the pages and
    PDFs, the score cells of every workbook (finish_sheet) and the numbers inside the rules' messages."""
    from openpyxl import Workbook

    from portal.results.charts import index_chart
    from portal.spreadsheet import finish_sheet
    from portal.text import N_
    chart = str(index_chart([{"name": "Sở A", "index": "-0.00", "rank": 1, "band": "yeu"},
                             {"name": "Sở B", "index": "-0.001", "rank": 2, "band": "yeu"}],
                            title="t", desc="d", chart_id="c"))
    assert "-0" not in chart and chart.count(">0,00<") == 2
    sheet = Workbook().active
    sheet.append(["Chỉ số"])
    sheet.append([Decimal("-0.00")])
    finish_sheet(sheet, header_row=1)
    assert str(sheet["A2"].value) == "0.00" and not sheet["A2"].value.is_signed()
    assert N_("Chỉ số %(index)s", index=Decimal("-0.00")) == "Chỉ số 0"
