"""Biểu đồ — inline SVG charts drawn on the server: readable without JavaScript, printable, accessible.

Pure string building: every text is escaped, colours come from classes in static/css/results.css (the
strict CSP forbids style attributes), and each chart carries <title> and <desc> plus a text label and
value on every bar, so the numbers can be read without the colours.
"""
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

from portal.scoring.numeric import decimal_text

WIDTH = 760
LABEL_WIDTH = 300
BAR_WIDTH = 390
ROW = 24
TOP = 26
MAX_LABEL = 44
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value in % (None: nothing applies, drawn as "—") and a CSS class suffix."""

    label: str
    value: Decimal | None
    css: str = ""
    note: str = ""


def _num(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")) + 0, "f")  # + 0: never "-0.0"


def _value_text(value: Decimal | None, sep: str) -> str:
    return "—" if value is None else decimal_text(value, 2, sep)  # never "-0,00"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


def _grid(height: int) -> list[str]:
    parts = []
    for tick in TICKS:
        x = _num(Decimal(LABEL_WIDTH) + Decimal(BAR_WIDTH) * tick / 100)
        parts.append(f'<line class="chart-grid" x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{height - 4}"/>')
        parts.append(f'<text class="chart-tick" x="{x}" y="{TOP - 10}" text-anchor="middle">{tick}%</text>')
    return parts


def _bar(index: int, bar: Bar, sep: str) -> str:
    y = TOP + index * ROW
    value = bar.value
    length = Decimal(0) if value is None else max(Decimal(0), min(value, Decimal(100))) * BAR_WIDTH / 100
    label = escape(bar.label)
    text = _value_text(value, sep)
    tooltip = f"{label}: {escape(text)}" + (f" ({escape(bar.note)})" if bar.note else "")
    css = "chart-bar" + (f" band-{escape(bar.css)}" if bar.css else "")
    return (
        f'<g class="chart-row"><title>{tooltip}</title>'
        f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(_short(bar.label))}</text>'
        f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y + 4}" width="{_num(length)}" height="{ROW - 8}"/>'
        f'<text class="chart-value" x="{_num(LABEL_WIDTH + length + 6)}" y="{y + 16}">{escape(text)}</text></g>'
    )


def bar_chart(bars: list[Bar], *, title: str, desc: str, chart_id: str, decimal_sep: str = ",") -> Markup:
    """A horizontal bar chart of percentages (0–100), one labelled bar per row."""
    height = TOP + ROW * max(len(bars), 1) + 6
    safe_id = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(desc)}</desc>',
        *_grid(height),
        *(_bar(i, bar, decimal_sep) for i, bar in enumerate(bars)),
        "</svg>",
    ]
    return Markup("".join(parts))


def index_chart(units: list[dict], *, title: str, desc: str, chart_id: str, decimal_sep: str = ",") -> Markup:
    """Chỉ số theo đơn vị — one bar per unit of a results document (in the order given)."""
    bars = [Bar(u["name"], None if u.get("index") is None else Decimal(u["index"]), u.get("band") or "",
                f"#{u['rank']}" if u.get("rank") else "") for u in units]
    return bar_chart(bars, title=title, desc=desc, chart_id=chart_id, decimal_sep=decimal_sep)


def field_chart(fields: list[dict], values: dict, *, title: str, desc: str, chart_id: str,
                decimal_sep: str = ",") -> Markup:
    """Chỉ số thành phần — a unit's field profile: one bar per field (code and title)."""
    bars = []
    for f in fields:
        data = values.get(f["code"]) or {}
        index = data.get("index")
        bars.append(Bar(f"{f['code']} {f['title']}", None if index is None else Decimal(index),
                        data.get("band") or ""))
    return bar_chart(bars, title=title, desc=desc, chart_id=chart_id, decimal_sep=decimal_sep)
