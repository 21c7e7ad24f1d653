"""The scorecard's charts, as inline SVG strings ready to embed in HTML and in the PDF.

Charts are specified with Altair and rendered to SVG by ``vl-convert`` (Vega-Lite compiled
and drawn in an embedded JavaScript engine): no browser, no network, and the same input gives
byte-identical SVG, so a re-published release does not differ only because of its charts.

Rules every chart follows, because the PDF is printed and read by people with colour vision
deficiencies:

* colours are Okabe–Ito, and a status is never shown by colour alone: every bar and tile
  carries its text;
* all text uses ``"Noto Sans", "DejaVu Sans", sans-serif`` (both cover Vietnamese);
* the SVG has no external references (no URLs, images or web fonts) and has a ``viewBox``,
  so the page can scale it to its column (about 170 mm, i.e. 640 px, of an A4 page).

Every label is passed in already translated and formatted (``"84,8%"``, ``"Tốt"``); this
module only places it. Text is normalised to NFC so that Vietnamese comes out as one code
point per letter whatever the caller's source produced.
"""

from __future__ import annotations

import csv
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import altair as alt
import vl_convert

from dagster_project.lib.home.paths import REPORTS_DIR

FONT = '"Noto Sans", "DejaVu Sans", sans-serif'
"""Font stack for all text; both faces carry the Vietnamese letters with their diacritics."""

CHART_WIDTH = 640
"""Full width of a chart in px: about 170 mm, one A4 text column."""

TILEMAP_CSV: Path = REPORTS_DIR / "tilemap_provinces.csv"
"""Grid cell (row, column; north at row 0) of each of the 34 provinces in the tile map."""

STATUS_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "green": "#009E73",  # Okabe–Ito bluish green
        "amber": "#E69F00",  # Okabe–Ito orange
        "red": "#D55E00",  # Okabe–Ito vermillion
        "missing": "#FFFFFF",  # white, drawn with a grey dashed outline
        "na": "#F0F0F0",  # light grey: the indicator does not apply
        # Place within the peer group (tile maps): a diverging blue–grey–orange scale, so
        # differences show even when every province is in the same absolute band.
        "above": "#7FC3EC",  # light Okabe–Ito sky blue: the top third of the group
        "middle": "#E3E3E3",  # grey: the middle third
        "below": "#F5C27A",  # light Okabe–Ito orange: the bottom third
        "territory": "#FFFFFF",  # an archipelago drawn with its province, not scored
    }
)
"""Fill colour of each status code; black text reads on all of them (contrast >= 5:1)."""

SERIES_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#D55E00",  # vermillion
)
"""Okabe–Ito colours for bar series; those that mean a status come last to avoid confusion."""

_TEXT_COLOUR = "#000000"
_OUTLINE_COLOUR = "#7F7F7F"
_MISSING_DASH = (3, 2)
_NO_VALUE = "–"

# Tile map geometry (px): a cell is a tile plus the gap between tiles.
_TILE = 54
_GAP = 4
_CELL = _TILE + _GAP
_LABEL_LINE = 7  # letters of a bold 9 px tile label sure to fit on one line
_STATUS_LINE = 10  # letters of an 8 px status text sure to fit on one line


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of :func:`bar_chart`.

    Attributes:
        group: The group on the y axis, e.g. the pillar label ``"KH&CN"``.
        series: The series within the group, e.g. the budget level ``"Trung ương"``; told
            apart by colour and named in the legend.
        value: A ratio (0..1 for a percentage); ``None`` is missing: no bar is drawn but the
            text is still printed, so a gap is never mistaken for zero.
        text: The formatted value printed at the end of the bar, e.g. ``"30,8%"`` or ``"–"``.
    """

    group: str
    series: str
    value: float | None
    text: str


@dataclass(frozen=True, slots=True)
class Tile:
    """One province of :func:`tile_map`.

    Attributes:
        agency_id: The province's agency id in ``dbt/seeds/agencies.csv`` (a current
            province); places the tile through ``reports/tilemap_provinces.csv``.
        label: Short province name printed in the tile, e.g. ``"Hà Nội"``.
        value_text: The formatted value, e.g. ``"78,4"`` or ``"–"``.
        status: Status code, a key of :data:`STATUS_COLOURS` (``green``, ``amber``, ``red``,
            ``missing``); picks the fill.
        status_text: The status in words, e.g. ``"Tốt"``; printed so colour is not the only
            signal.
    """

    agency_id: str
    label: str
    value_text: str
    status: str
    status_text: str


@dataclass(frozen=True, slots=True)
class _Cell:
    """A province's place in the tile grid, as read from the CSV."""

    agency_id: str
    short_name: str
    row: int
    col: int
    part_of: str = ""  # an archipelago's province (Hoàng Sa: Đà Nẵng); empty for a province


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    axis_title: str,
    series_title: str,
    max_value: float = 1.0,
    description: str | None = None,
) -> str:
    """Draw horizontal grouped bars as an inline SVG string.

    Groups are on the y axis in the order they first appear; within a group there is one bar
    per series, in first-appearance order, told apart by colour and named in a legend under
    the chart. The x axis runs from 0 to ``max_value`` shown as percent; bars beyond it are
    cut at the edge while their text still gives the true value. Each bar's ``text`` is
    printed at its end, or at x = 0 when the value is missing, so every bar is readable
    without its colour.

    Args:
        bars: The bars; at least one.
        title: Chart title.
        axis_title: Title of the x (value) axis.
        series_title: Title of the legend naming the series.
        max_value: Upper end of the x axis, as a ratio.
        description: The chart's text alternative (``aria-label``); the title if None.

    Returns:
        One ``<svg>`` element, self-contained and deterministic.

    Raises:
        ValueError: If there are no bars or ``max_value`` is not positive.
    """
    if not bars:
        raise ValueError("bar_chart needs at least one bar")
    if not max_value > 0:
        raise ValueError(f"max_value must be positive, got {max_value!r}")
    groups = _unique(_nfc(bar.group) for bar in bars)
    series = _unique(_nfc(bar.series) for bar in bars)
    rows = []
    for bar in bars:
        # NaN is missing too (it is not valid JSON for the renderer either).
        value = None if bar.value is None or math.isnan(bar.value) else float(bar.value)
        rows.append(
            {
                "group": _nfc(bar.group),
                "series": _nfc(bar.series),
                "value": value,
                "label_x": 0.0 if value is None else min(max(value, 0.0), max_value),
                "text": _nfc(bar.text),
            }
        )
    colours = [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(series))]

    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y(
        "group:N",
        sort=groups,
        title=None,
        scale=alt.Scale(paddingInner=0.25, paddingOuter=0.1),
        axis=alt.Axis(labelLimit=200, ticks=False),
    )
    y_offset = alt.YOffset("series:N", sort=series, scale=alt.Scale(domain=series))
    x_scale = alt.Scale(domain=[0, max_value], clamp=True, nice=False)
    bars_layer = base.mark_bar().encode(
        x=alt.X(
            "value:Q",
            scale=x_scale,
            title=_nfc(axis_title),
            axis=alt.Axis(format=".0%", tickCount=5, grid=True),
        ),
        y=y,
        yOffset=y_offset,
        color=alt.Color(
            "series:N",
            sort=series,
            scale=alt.Scale(domain=series, range=colours),
            legend=alt.Legend(title=_nfc(series_title), orient="bottom", labelLimit=260),
        ),
    )
    text_layer = base.mark_text(align="left", baseline="middle", dx=3, fontSize=10).encode(
        x=alt.X("label_x:Q", scale=x_scale),
        y=y,
        yOffset=y_offset,
        text=alt.Text("text:N"),
        color=alt.value(_TEXT_COLOUR),
    )
    chart = alt.layer(bars_layer, text_layer).properties(
        title=_nfc(title),
        width=CHART_WIDTH,
        # With an offset channel the step is one bar's band: 16 px whatever the count.
        height=alt.Step(16),
        # "fit" makes the whole chart (labels, legend, the text past the longest bar)
        # exactly the column width.
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )
    return _render(chart, description or title)


def tile_map(tiles: Sequence[Tile], *, title: str, legend: Mapping[str, str],
             description: str | None = None) -> str:
    """Draw the 34 provinces as a grid of squares, a map that gives each province equal room.

    A geographic map would make small, dense provinces (Hà Nội, Bắc Ninh, Hưng Yên) nearly
    invisible next to the large upland ones; a tile map keeps Vietnam's shape (north at the
    top, the S of the coast) but gives each province one equal square. The square's place
    comes from ``reports/tilemap_provinces.csv``; it is filled with the status colour and
    shows the label, the value and the status in words. The legend is drawn in the empty
    sea west of the central coast.

    Args:
        tiles: One tile per province; provinces of the CSV that have no tile are drawn as
            ``missing`` with ``"–"`` so the map is always complete. The archipelagos of the
            CSV (Hoàng Sa with Đà Nẵng, Trường Sa with Khánh Hòa: rows with ``part_of``) are
            always drawn, labelled with their province in brackets and never scored: the
            legend's ``territory`` entry says so.
        title: Chart title.
        legend: Status code -> text, in the order to list them.
        description: The chart's text alternative (``aria-label``); the title if None.

    Returns:
        One ``<svg>`` element, self-contained and deterministic.

    Raises:
        ValueError: If a tile names an agency id that is not in the CSV, a province has two
            tiles, or a status (of a tile or of the legend) has no colour.
    """
    cells = _read_tilemap()
    unknown = sorted({tile.agency_id for tile in tiles} - cells.keys())
    if unknown:
        raise ValueError(f"tile_map: agency ids not in {TILEMAP_CSV.name}: {', '.join(unknown)}")
    counts = Counter(tile.agency_id for tile in tiles)
    duplicated = sorted(agency_id for agency_id, n in counts.items() if n > 1)
    if duplicated:
        raise ValueError(f"tile_map: more than one tile for {', '.join(duplicated)}")
    bad_status = sorted(
        {t.status for t in tiles if t.status not in STATUS_COLOURS}
        | {code for code in legend if code not in STATUS_COLOURS}
    )
    if bad_status:
        raise ValueError(
            f"tile_map: unknown status codes {', '.join(bad_status)}; "
            f"expected one of {', '.join(STATUS_COLOURS)}"
        )

    by_id = {tile.agency_id: tile for tile in tiles}
    rows: list[dict[str, Any]] = []
    for cell in sorted(cells.values(), key=lambda c: (c.row, c.col)):
        if cell.part_of:
            parent = cells.get(cell.part_of)
            tile = Tile(cell.agency_id, cell.short_name, "", "territory",
                        f"({parent.short_name if parent else cell.part_of})")
        else:
            tile = by_id.get(cell.agency_id) or Tile(
                cell.agency_id, cell.short_name, _NO_VALUE, "missing", _NO_VALUE
            )
        label = _wrap(_nfc(tile.label), _LABEL_LINE)
        status_text = _wrap(_nfc(tile.status_text), _STATUS_LINE)
        rows.append(
            {
                "x": cell.col * _CELL,
                "x2": cell.col * _CELL + _TILE,
                "y": cell.row * _CELL,
                "y2": cell.row * _CELL + _TILE,
                "cx": cell.col * _CELL + _TILE / 2,
                # Vega puts a multi-line text's first line at y: wrapped text starts higher.
                "y_label": cell.row * _CELL + (7 if "\n" in label else 12),
                "y_value": cell.row * _CELL + 30,
                "y_status": cell.row * _CELL + (40 if "\n" in status_text else 45),
                "fill": STATUS_COLOURS[tile.status],
                "missing": tile.status == "missing",
                "label": label,
                "value_text": _nfc(tile.value_text),
                "status_text": status_text,
            }
        )

    n_rows = max(c.row for c in cells.values()) + 1
    n_cols = max(c.col for c in cells.values()) + 1
    width = n_cols * _CELL - _GAP
    height = n_rows * _CELL - _GAP

    layers = _tile_layers(rows) + _legend_layers(legend, top=_legend_top(cells))
    chart = alt.layer(*layers).properties(title=_nfc(title), width=width, height=height)
    return _render(chart, description or title)


def _squares(base: alt.Chart) -> list[alt.Chart]:
    """Filled squares at x..x2, y..y2: solid outline, or dashed where ``missing`` is true."""
    xy = {
        "x": alt.X("x:Q", scale=None, axis=None),
        "x2": alt.X2("x2:Q"),
        "y": alt.Y("y:Q", scale=None, axis=None),
        "y2": alt.Y2("y2:Q"),
        "fill": alt.Fill("fill:N", scale=None, legend=None),
    }
    present = base.transform_filter("!datum.missing").mark_rect(
        stroke=_OUTLINE_COLOUR, strokeWidth=0.5
    )
    missing = base.transform_filter("datum.missing").mark_rect(
        stroke=_OUTLINE_COLOUR, strokeWidth=1, strokeDash=list(_MISSING_DASH)
    )
    return [present.encode(**xy), missing.encode(**xy)]


def _tile_layers(rows: list[dict[str, Any]]) -> list[alt.Chart]:
    """The squares (solid, or dashed when missing) and their three lines of text."""
    base = alt.Chart(alt.Data(values=rows))
    layers: list[alt.Chart] = _squares(base)
    limit = _TILE - 4
    for field, y_field, size, weight, line_height in (
        ("label", "y_label", 9, "bold", 10),
        ("value_text", "y_value", 12, "bold", 12),
        ("status_text", "y_status", 8, "normal", 9),
    ):
        layers.append(
            base.mark_text(
                align="center",
                baseline="middle",
                fontSize=size,
                fontWeight=weight,
                lineBreak="\n",
                lineHeight=line_height,
                # Safety net: text wider than the tile is cut with an ellipsis, not spilled.
                limit=limit,
                color=_TEXT_COLOUR,
            ).encode(
                x=alt.X("cx:Q", scale=None, axis=None),
                y=alt.Y(f"{y_field}:Q", scale=None, axis=None),
                text=alt.Text(f"{field}:N"),
            )
        )
    return layers


def _legend_top(cells: Mapping[str, _Cell]) -> int:
    """The y (px) where the legend starts: the first row whose west half is empty sea."""
    occupied = {(c.row, c.col) for c in cells.values()}
    n_rows = max(c.row for c in cells.values()) + 1
    for row in range(n_rows):
        if all((row + k, col) not in occupied for k in range(4) for col in range(3)):
            return row * _CELL
    return 0


def _legend_layers(legend: Mapping[str, str], *, top: int) -> list[alt.Chart]:
    """A legend of swatches drawn like the tiles, each followed by its text.

    Drawn by hand rather than as a Vega-Lite legend because the tiles' fills are literal
    colours (so a missing tile can also get its dashed outline) and so it can sit in the
    empty space beside the central coast instead of widening the chart.
    """
    if not legend:
        return []
    swatch = 14
    line = 20
    rows = [
        {
            "x": 0,
            "x2": swatch,
            "y": top + i * line,
            "y2": top + i * line + swatch,
            "tx": swatch + 6,
            "ty": top + i * line + swatch / 2,
            "fill": STATUS_COLOURS[code],
            "missing": code == "missing",
            "text": _nfc(text),
        }
        for i, (code, text) in enumerate(legend.items())
    ]
    base = alt.Chart(alt.Data(values=rows))
    text = base.mark_text(
        align="left",
        baseline="middle",
        fontSize=10,
        limit=3 * _CELL - swatch - 10,
        color=_TEXT_COLOUR,
    ).encode(
        x=alt.X("tx:Q", scale=None, axis=None),
        y=alt.Y("ty:Q", scale=None, axis=None),
        text=alt.Text("text:N"),
    )
    return [*_squares(base), text]


def _read_tilemap() -> dict[str, _Cell]:
    """The grid cells of ``reports/tilemap_provinces.csv``, keyed by agency id."""
    with TILEMAP_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["agency_id"]: _Cell(
                agency_id=row["agency_id"],
                short_name=_nfc(row["short_name"]),
                row=int(row["row"]),
                col=int(row["col"]),
                part_of=row.get("part_of") or "",
            )
            for row in csv.DictReader(handle)
        }


_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_DOCTYPE = re.compile(r"^\s*<!DOCTYPE[^>]*>\s*")
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def _render(chart: alt.LayerChart, description: str) -> str:
    """Render a chart to one self-contained ``<svg>`` element with a text alternative.

    Vega's ``aria`` is off: its generated descriptions are in English whatever the report's
    language. The ``<svg>`` is instead an image (``role="img"``) named by ``description``,
    in the report's language, and the figure links to the table it is drawn from. External
    data URLs are refused outright (``allowed_base_urls=[]``) so a chart can never fetch.
    """
    # One configure call: Altair's configure() replaces any configuration set before it.
    chart = chart.configure(font=FONT, background="white", aria=False).configure_view(stroke=None)
    spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    svg = _DOCTYPE.sub("", _XML_PROLOG.sub("", svg)).strip()
    if "xlink:" not in svg.replace('xmlns:xlink="http://www.w3.org/1999/xlink"', ""):
        svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "", 1)
    if not svg.startswith("<svg") or "viewBox" not in svg.split(">", 1)[0]:
        raise RuntimeError("vl-convert did not return an <svg> element with a viewBox")
    # Vega still tags its mark groups (role="graphics-symbol", aria-roledescription): inside
    # an image those only confuse assistive technology, so the image is named once, here.
    root, body = svg.split(">", 1)
    body = _INNER_ARIA.sub("", body)
    label = html.escape(" ".join(_nfc(description).split()), quote=True)
    return f'<svg role="img" aria-label="{label}"{root.removeprefix("<svg")}>{body}'


def _wrap(text: str, max_letters: int) -> str:
    """Split a long tile text over two lines at the space nearest its middle.

    A tile is 54 px wide: one line surely holds seven letters of the bold 9 px name, and
    names like "Tuyên Quang" or "Quảng Ngãi", or statuses like "Thiếu số liệu", would
    otherwise be cut. Text without a space, or short enough, stays on one line; line breaks
    in the input are treated as spaces.
    """
    words = " ".join(text.split())
    if len(words) <= max_letters or " " not in words:
        return words
    middle = len(words) / 2
    spaces = [i for i, char in enumerate(words) if char == " "]
    cut = min(spaces, key=lambda i: (abs(i - middle), i))
    return f"{words[:cut]}\n{words[cut + 1 :]}"


def _nfc(text: str) -> str:
    """Text in NFC, so that e.g. "ộ" is one code point as fonts and searches expect."""
    return unicodedata.normalize("NFC", text)


def _unique(items: Any) -> list[str]:
    """Items in first-appearance order without repeats."""
    return list(dict.fromkeys(items))


@dataclass(frozen=True, slots=True)
class Point:
    """One figure of :func:`line_chart`: its period's label, value and printed text."""

    period: str
    value: float
    text: str


def line_chart(points: Sequence[Point], *, title: str, description: str,
               target: float | None = None, target_text: str = "",
               lower_is_better: bool = False) -> str:
    """A small line chart of one series over its periods, with the target as a dashed rule.

    Periods are categories in the order given (the figures of an indicator come monthly,
    yearly or by quarter); every point prints its value, so the chart reads without the
    axis. For a rank (``lower_is_better``) the axis runs downwards, so better is up.
    """
    if not points:
        raise ValueError("line_chart needs at least one point")
    rows = [{"period": _nfc(p.period), "value": float(p.value), "text": _nfc(p.text)}
            for p in points]
    order = [row["period"] for row in rows]
    values = [row["value"] for row in rows] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    scale = alt.Scale(domain=[low - pad, high + pad], reverse=lower_is_better, nice=False,
                      zero=False)
    base = alt.Chart(alt.Data(values=rows))
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    # No axis numbers: they would be in the renderer's English format ("3.5"), and every
    # point already prints its value in the report's own format.
    y = alt.Y("value:Q", scale=scale, title=None,
              axis=alt.Axis(labels=False, ticks=False, domain=False, tickCount=4, grid=True))
    layers: list[alt.Chart] = [
        base.mark_line(color=SERIES_COLOURS[0], point=alt.OverlayMarkDef(
            color=SERIES_COLOURS[0], size=40)).encode(x=x, y=y),
        base.mark_text(dy=-9, fontSize=10, color=_TEXT_COLOUR).encode(
            x=x, y=y, text=alt.Text("text:N")),
    ]
    if target is not None:
        rule = alt.Chart(alt.Data(values=[{"value": target, "text": _nfc(target_text)}]))
        layers += [
            rule.mark_rule(color=_TEXT_COLOUR, strokeDash=[4, 3]).encode(y=y),
            rule.mark_text(align="right", baseline="bottom", dy=-2, fontSize=10,
                           color=_TEXT_COLOUR).encode(
                y=y, x=alt.value(CHART_WIDTH // 2), text=alt.Text("text:N")),
        ]
    chart = alt.layer(*layers).properties(title=_nfc(title), width=CHART_WIDTH // 2,
                                          height=140)
    return _render(chart, description)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 4


def sparkline(points: Sequence[tuple[str, float | None]], *, title: str,
              description: str) -> str:
    """A headline's series over the published quarters as a small inline SVG line.

    Drawn by hand rather than through Vega-Lite: it is a handful of points, one per quarter,
    drawn on every card, and needs no axis. ``title`` and ``description`` are the text
    alternative (``role="img"`` with ``<title>`` and ``<desc>``): the description lists every
    quarter's figure, so a screen reader, or a reader of the print edition, has the series in
    words. A series of fewer than two figures is drawn as a single dot.
    """
    values = [(label, float(v)) for label, v in points if v is not None]
    esc = _svg_text
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" '
            f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
            f'height="{SPARK_HEIGHT}"><title>{esc(title)}</title><desc>{esc(description)}</desc>')
    if not values:
        return head + "</svg>"
    lowest = min(v for _, v in values)
    highest = max(v for _, v in values)
    span = highest - lowest or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    coords = [(SPARK_PAD + i * step,
               SPARK_HEIGHT - SPARK_PAD - (v - lowest) / span * (SPARK_HEIGHT - 2 * SPARK_PAD))
              for i, (_, v) in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    line = (f'<polyline points="{path}" fill="none" stroke="{SERIES_COLOURS[0]}" '
            f'stroke-width="2" stroke-linejoin="round"/>' if len(coords) > 1 else "")
    return (head + line + f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" '
            f'fill="{SERIES_COLOURS[0]}"/></svg>')


def _svg_text(text: str) -> str:
    """Text for an SVG element, escaped and in NFC."""
    return (_nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
