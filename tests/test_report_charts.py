"""Charts of the scorecard: inline SVG from Altair via vl-convert."""

from __future__ import annotations

import csv
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from dagster_project.lib.home.paths import DBT_PROJECT_DIR, REPORTS_DIR
from dagster_project.lib.publish.report.charts import (
    FONT,
    STATUS_COLOURS,
    Bar,
    Point,
    Tile,
    bar_chart,
    line_chart,
    tile_map,
)

SVG_NS = "http://www.w3.org/2000/svg"
STATUSES = ("green", "amber", "red", "missing")
STATUS_TEXT = {"green": "Tốt", "amber": "Trung bình", "red": "Kém", "missing": "Chưa có số liệu"}
LEGEND = {
    "green": "Tốt (≥ 80)",
    "amber": "Trung bình (60–80)",
    "red": "Kém (< 60)",
    "missing": "Chưa có số liệu",
}


def _tilemap_csv() -> list[dict[str, str]]:
    with (REPORTS_DIR / "tilemap_provinces.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _tilemap_rows() -> list[dict[str, str]]:
    """The provinces of the tile map (the archipelagos, rows with ``part_of``, left out)."""
    return [row for row in _tilemap_csv() if not row["part_of"]]


def _current_provinces() -> dict[str, str]:
    with (DBT_PROJECT_DIR / "seeds" / "agencies.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["agency_id"]: row["short_name_vi"]
            for row in csv.DictReader(f)
            if row["kind"] == "province" and not row["valid_to"]
        }


def _texts(svg: str) -> list[str]:
    """The text of every <text> element; the lines of a wrapped text joined by a space."""
    root = ET.fromstring(svg)
    texts = []
    for node in root.iter(f"{{{SVG_NS}}}text"):
        spans = node.findall(f"{{{SVG_NS}}}tspan")
        parts = [s.text or "" for s in spans] if spans else [node.text or ""]
        texts.append(" ".join(parts))
    return texts


@pytest.fixture(scope="module")
def tiles() -> list[Tile]:
    rows = _tilemap_rows()
    return [
        Tile(
            agency_id=row["agency_id"],
            label=row["short_name"],
            value_text=f"{50 + i},{i % 10}",
            status=STATUSES[i % len(STATUSES)],
            status_text=STATUS_TEXT[STATUSES[i % len(STATUSES)]],
        )
        for i, row in enumerate(rows)
    ]


@pytest.fixture(scope="module")
def map_svg(tiles: list[Tile]) -> str:
    return tile_map(tiles, title="Chỉ số tổng hợp theo tỉnh", legend=LEGEND)


def test_tilemap_csv_has_the_34_current_provinces_in_unique_cells() -> None:
    rows = _tilemap_rows()
    provinces = _current_provinces()
    assert len(provinces) == 34
    assert len(rows) == 34
    assert {r["agency_id"] for r in rows} == set(provinces)
    cells = [(int(r["row"]), int(r["col"])) for r in _tilemap_csv()]
    assert len(set(cells)) == len(cells)
    assert all(0 <= row < 16 and 0 <= col < 7 for row, col in cells)
    # North at the top: Hà Nội above Huế above TP Hồ Chí Minh above Cà Mau.
    row_of = {r["agency_id"]: int(r["row"]) for r in rows}
    assert row_of["P_HA_NOI"] < row_of["P_HUE"] < row_of["P_HO_CHI_MINH"] < row_of["P_CA_MAU"]
    assert all(unicodedata.is_normalized("NFC", r["short_name"]) for r in rows)


def test_tile_map_is_one_svg_element_with_a_viewbox(map_svg: str) -> None:
    assert map_svg.startswith("<svg")
    assert map_svg.endswith("</svg>")
    root = ET.fromstring(map_svg)
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.attrib["viewBox"])
    assert float(root.attrib["width"]) <= 640


def test_tile_map_prints_every_label_value_and_status(map_svg: str, tiles: list[Tile]) -> None:
    texts = _texts(map_svg)
    for tile in tiles:
        assert tile.label in texts, tile.label
        assert tile.value_text in texts
    for text in STATUS_TEXT.values():
        assert text in texts
    for text in LEGEND.values():
        assert text in texts
    assert "Hà Nội" in texts
    assert unicodedata.normalize("NFC", "Hà Nội") in map_svg
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)


def test_tile_map_uses_status_colours_and_the_font(map_svg: str) -> None:
    for status in STATUSES:
        assert f'fill="{STATUS_COLOURS[status]}"' in map_svg
    assert "stroke-dasharray" in map_svg  # missing tiles are outlined, not just white
    root = ET.fromstring(map_svg)
    families = {n.get("font-family") for n in root.iter(f"{{{SVG_NS}}}text")}
    assert families == {FONT}


def test_tile_map_has_no_external_reference(map_svg: str) -> None:
    assert re.findall(r"https?://[^\s\"']*", map_svg) == [SVG_NS]
    assert "<image" not in map_svg
    assert "@font-face" not in map_svg and "url(" not in map_svg


def test_tile_map_is_deterministic(tiles: list[Tile], map_svg: str) -> None:
    again = tile_map(tiles, title="Chỉ số tổng hợp theo tỉnh", legend=LEGEND)
    assert again.encode() == map_svg.encode()


def test_tile_map_normalises_decomposed_text(tiles: list[Tile]) -> None:
    nfd = [
        Tile(
            t.agency_id,
            unicodedata.normalize("NFD", t.label),
            t.value_text,
            t.status,
            t.status_text,
        )
        for t in tiles
    ]
    svg = tile_map(nfd, title="T", legend={})
    assert "Hà Nội" in _texts(svg)


def test_tile_map_draws_absent_provinces_as_missing(tiles: list[Tile]) -> None:
    few = [t for t in tiles if t.agency_id in {"P_HA_NOI", "P_CA_MAU"}]
    svg = tile_map(few, title="T", legend={"missing": "Chưa có số liệu"})
    texts = _texts(svg)
    for row in _tilemap_rows():
        assert row["short_name"] in texts
    assert texts.count("–") == 2 * (34 - len(few))


def test_tile_map_rejects_unknown_agency_ids(tiles: list[Tile]) -> None:
    bad = [*tiles, Tile("P_HA_TAY", "Hà Tây", "1", "green", "Tốt")]
    with pytest.raises(ValueError, match="P_HA_TAY"):
        tile_map(bad, title="T", legend=LEGEND)


def test_tile_map_rejects_duplicates_and_unknown_statuses(tiles: list[Tile]) -> None:
    with pytest.raises(ValueError, match="P_HA_NOI"):
        tile_map([*tiles, tiles[9]], title="T", legend=LEGEND)
    with pytest.raises(ValueError, match="purple"):
        tile_map([Tile("P_HA_NOI", "Hà Nội", "1", "purple", "?")], title="T", legend=LEGEND)


BARS = [
    Bar("KH&CN", "Trung ương", 0.308, "30,8%"),
    Bar("KH&CN", "Địa phương", 0.848, "84,8%"),
    Bar("Chuyển đổi số", "Trung ương", None, "không có số liệu"),
    Bar("Chuyển đổi số", "Địa phương", 1.25, "125,0%"),
]


def test_bar_chart_labels_every_bar_including_missing_values() -> None:
    svg = bar_chart(BARS, title="Tỷ lệ giải ngân", axis_title="Tỷ lệ", series_title="Cấp")
    texts = _texts(svg)
    for bar in BARS:
        assert bar.text in texts
    for label in ("KH&CN", "Chuyển đổi số", "Trung ương", "Địa phương", "Tỷ lệ giải ngân"):
        assert label in texts
    root = ET.fromstring(svg)
    assert "viewBox" in root.attrib
    assert float(root.attrib["width"]) <= 640
    assert re.findall(r"https?://[^\s\"']*", svg) == [SVG_NS]
    assert svg == bar_chart(BARS, title="Tỷ lệ giải ngân", axis_title="Tỷ lệ", series_title="Cấp")


def test_bar_chart_draws_no_bar_for_a_missing_value() -> None:
    only_missing = [Bar("KH&CN", "Trung ương", None, "–")]
    with_value = [Bar("KH&CN", "Trung ương", 0.5, "50,0%")]
    bar_paths = re.compile(r'class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>')
    empty = bar_paths.search(bar_chart(only_missing, title="T", axis_title="A", series_title="S"))
    full = bar_paths.search(bar_chart(with_value, title="T", axis_title="A", series_title="S"))
    assert empty is not None and full is not None
    assert "<path" not in empty.group(1)
    assert "<path" in full.group(1)


def test_text_from_data_is_escaped() -> None:
    evil = '<script>alert(1)</script> & "'
    svg = bar_chart([Bar(evil, evil, 0.5, evil)], title=evil, axis_title=evil, series_title=evil)
    assert "<script" not in svg.lower()
    ET.fromstring(svg)  # still well-formed XML
    assert evil in _texts(svg)
    tiles = [Tile("P_HA_NOI", evil, evil, "red", evil)]
    map_svg = tile_map(tiles, title=evil, legend={"red": evil})
    assert "<script" not in map_svg.lower()
    ET.fromstring(map_svg)
    assert evil in _texts(map_svg)  # the title; tile text is cut to the tile's width
    assert "&lt;script&gt;" in map_svg


def test_bar_chart_rejects_empty_input() -> None:
    with pytest.raises(ValueError):
        bar_chart([], title="T", axis_title="A", series_title="S")


def test_bar_chart_treats_nan_as_missing() -> None:
    svg = bar_chart(
        [Bar("KH&CN", "Trung ương", float("nan"), "–")], title="T", axis_title="A", series_title="S"
    )
    assert "–" in _texts(svg)


def test_the_archipelagos_are_drawn_with_their_provinces_and_never_scored(
        tiles: list[Tile]) -> None:
    archipelagos = {r["agency_id"]: r for r in _tilemap_csv() if r["part_of"]}
    assert {(r["short_name"], r["part_of"]) for r in archipelagos.values()} == {
        ("Hoàng Sa", "P_DA_NANG"), ("Trường Sa", "P_KHANH_HOA")}
    cell = {r["agency_id"]: (int(r["row"]), int(r["col"])) for r in _tilemap_csv()}
    # East of their provinces, across the sea.
    assert cell["HOANG_SA"][1] > cell["P_DA_NANG"][1] + 1
    assert cell["TRUONG_SA"][1] > cell["P_KHANH_HOA"][1] + 1
    svg = tile_map(tiles, title="T", legend={**LEGEND, "territory": "Quần đảo, không chấm điểm"})
    texts = _texts(svg)
    for label in ("Hoàng Sa", "Trường Sa", "(Đà Nẵng)", "(Khánh Hòa)"):
        assert label in texts, label
    assert "Quần đảo, không chấm điểm" in texts
    # A score given for an archipelago is not drawn: it is never scored.
    scored = [*tiles, Tile("HOANG_SA", "Hoàng Sa", "99,9", "green", "Tốt")]
    assert "99,9" not in _texts(tile_map(scored, title="T", legend=LEGEND))


def test_a_chart_is_an_image_named_by_its_text_alternative(tiles: list[Tile]) -> None:
    svg = tile_map(tiles, title="T", legend=LEGEND,
                   description='Điểm từ 75,1 đến 92,4 <"trung vị">')
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'Điểm từ 75,1 đến 92,4 <"trung vị">'
    assert ET.fromstring(tile_map(tiles, title="Tiêu đề", legend={})).get("aria-label") == (
        "Tiêu đề")


def _text_y(svg: str) -> dict[str, float]:
    """Each text's y on the chart, from its translate()."""
    return {text: float(y) for y, text in re.findall(
        r'<text[^>]*transform="translate\([^,]*,([^)]*)\)"[^>]*>([^<]*)<', svg)}


def test_a_line_chart_prints_every_value_and_draws_ranks_better_up() -> None:
    points = [Point("2024", 5, "hạng 5"), Point("2025", 4, "hạng 4")]
    rank = line_chart(points, title="T", description="Hạng 5 rồi hạng 4", target=3,
                      target_text="Mục tiêu", lower_is_better=True)
    ys = _text_y(rank)
    assert ys["hạng 4"] < ys["hạng 5"]  # rank 4 is better: higher on the page
    assert "Mục tiêu" in ys and "stroke-dasharray" in rank  # the target, as a dashed rule
    assert not any(re.fullmatch(r"\d+\.\d+", text) for text in ys)  # no English decimals
    assert ET.fromstring(rank).get("aria-label") == "Hạng 5 rồi hạng 4"
    share = line_chart([Point("2023", 15.2, "15,2%"), Point("2025", 14.02, "14,02%")],
                       title="T", description="D")
    assert _text_y(share)["15,2%"] < _text_y(share)["14,02%"]
