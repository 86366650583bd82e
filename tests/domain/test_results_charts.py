"""The inline SVG charts: readable without JavaScript or colours (every bar has its label and value as text,
the chart a title and a description), valid XML, escaped, and free of style attributes (strict CSP)."""
import xml.etree.ElementTree as ET
from decimal import Decimal as D

from portal.results.charts import BAR_WIDTH, LABEL_WIDTH, Bar, bar_chart, field_chart, index_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bar_chart_is_accessible_valid_svg_with_a_text_value_on_every_bar():
    svg = parse(bar_chart([Bar("Sở Tư pháp", D("94.66"), "xuat_sac"), Bar("Sở Y tế", D("72.5"), "kha")],
                          title="Chỉ số CCHC", desc="Mỗi thanh là chỉ số của một đơn vị", chart_id="c1"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Chỉ số CCHC"
    assert svg.find(f"{SVG}desc").text == "Mỗi thanh là chỉ số của một đơn vị"
    rows = svg.findall(f"{SVG}g")
    texts = [[t.text for t in row.findall(f"{SVG}text")] for row in rows]
    assert texts == [["Sở Tư pháp", "94,66"], ["Sở Y tế", "72,50"]]  # decimal comma, 2 decimals
    rects = [row.find(f"{SVG}rect") for row in rows]
    assert [r.get("class") for r in rects] == ["chart-bar band-xuat_sac", "chart-bar band-kha"]
    # bar length is the index share of the drawing width: 94.66 % of 390 = 369.174 → 369.2
    assert rects[0].get("width") == "369.2" and rects[0].get("x") == str(LABEL_WIDTH)
    assert [t.text for t in svg.findall(f"{SVG}text") if t.get("class") == "chart-tick"] == [
        "0%", "25%", "50%", "75%", "100%"]


def test_no_style_attribute_and_everything_escaped():
    markup = str(bar_chart([Bar('<script>alert(1)</script> & "Sở"', D("50"), 'x" onload="y')],
                           title="<b>t</b>", desc="d & e", chart_id='id"><g'))
    assert "style=" not in markup and "<script>" not in markup and 'onload="y"' not in markup
    assert "&lt;script&gt;" in markup and "&amp;" in markup
    parse(markup)  # still well-formed XML


def test_a_missing_index_is_drawn_as_a_dash_and_values_are_clamped_to_the_axis():
    svg = parse(bar_chart([Bar("Không áp dụng", None), Bar("Quá 100", D("120")), Bar("Âm", D("-3"))],
                          title="t", desc="d", chart_id="c"))
    rows = svg.findall(f"{SVG}g")
    assert rows[0].findall(f"{SVG}text")[1].text == "—" and rows[0].find(f"{SVG}rect").get("width") == "0.0"
    assert rows[1].find(f"{SVG}rect").get("width") == f"{BAR_WIDTH}.0"
    assert rows[2].find(f"{SVG}rect").get("width") == "0.0"


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip():
    name = "Sở Lao động – Thương binh và Xã hội tỉnh An Giang (đơn vị thử nghiệm)"
    row = parse(bar_chart([Bar(name, D("80"))], title="t", desc="d", chart_id="c")).find(f"{SVG}g")
    label = row.findall(f"{SVG}text")[0].text
    assert label.endswith("…") and len(label) <= 44
    assert row.find(f"{SVG}title").text.startswith(name)


def test_english_uses_a_decimal_point():
    svg = parse(bar_chart([Bar("A", D("90.16"))], title="t", desc="d", chart_id="c", decimal_sep="."))
    assert svg.find(f"{SVG}g").findall(f"{SVG}text")[1].text == "90.16"


def test_index_chart_and_field_chart_read_a_results_document():
    units = [{"name": "Sở Tư pháp", "index": "94.66", "band": "xuat_sac", "rank": 1},
             {"name": "Sở Y tế", "index": None, "band": None, "rank": None}]
    svg = parse(index_chart(units, title="t", desc="d", chart_id="c"))
    assert [row.find(f"{SVG}title").text for row in svg.findall(f"{SVG}g")] == ["Sở Tư pháp: 94,66 (#1)",
                                                                               "Sở Y tế: —"]
    fields = [{"code": "F1", "title": "Chỉ đạo điều hành"}, {"code": "F9", "title": "SIPAS"}]
    svg = parse(field_chart(fields, {"F1": {"index": "75.00", "band": "kha"}}, title="t", desc="d", chart_id="p"))
    assert [[t.text for t in row.findall(f"{SVG}text")] for row in svg.findall(f"{SVG}g")] == [
        ["F1 Chỉ đạo điều hành", "75,00"], ["F9 SIPAS", "—"]]
