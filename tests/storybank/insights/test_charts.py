"""Charts rendered on the server: accessible SVG that keeps its text, PNG, the same bytes
every time, a clear message when there is nothing to show, long labels kept."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from storybank.insights.charts import (
    Bar,
    Interval,
    bar_chart,
    heat_map,
    interval_chart,
    line_chart,
)
from storybank.insights.charts.rows import bar_text
from storybank.insights.charts.style import NO_DATA, fit_label

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG = "People know about and use very local, wide-ranging, trusted solutions and options"


def _bars():
    return bar_chart(
        title="Outcomes in learning stories",
        description="How many of 33 stories carry each outcome.",
        bars=[
            Bar("Easier access", 19 / 33, 19, 33),
            Bar(LONG, 7 / 33, 7, 33),
            Bar("Staff empowered & confident", 0.0, 0, 33),
        ],
        value_label="Share of stories",
    )


def _heat():
    return heat_map(
        title="Codes by site",
        description="Share of each site's stories carrying each code.",
        rows=["Somerset", "Derby"],
        columns=["community hub", "wellbeing", "carer support"],
        values=[[0.25, None, 0.5], [0.1, 0.9, 0.0]],
        value_label="Share of stories",
    )


def _line():
    return line_chart(
        title="Stories by quarter",
        description="Stories carrying each outcome, by quarter of the change.",
        periods=["2025-Q3", "2025-Q4", "2026-Q1"],
        series={"Outcome 1": [3, None, 5], "Outcome 3": [1, 2, 2]},
        value_label="Stories",
    )


def _interval():
    return interval_chart(
        title="What panels value",
        description="Share of selected stories carrying each code beside the whole bank.",
        rows=[
            Interval("community hub", 0.42, 0.28, 0.57, 0.30),
            Interval("wellbeing", 0.8, 0.6, 0.9, None),
        ],
    )


CHARTS = {"bars": _bars, "heat": _heat, "line": _line, "interval": _interval}
LABELS = {
    "bars": ["Easier access", "Staff empowered &amp; confident", "19/33 (58%)", "0/33 (0%)"],
    "heat": ["Somerset", "Derby", "community hub", "carer support", "0.90", "\u2013"],
    "line": ["2025-Q3", "2026-Q1", "Outcome 1", "Outcome 3"],
    "interval": ["community hub", "wellbeing", "42% (28%\u201357%); bank 30%"],
}


def _texts(root: ET.Element) -> str:
    return "\n".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("kind", CHARTS)
def test_svg_parses_and_names_itself_for_screen_readers(kind):
    chart = CHARTS[kind]()
    root = ET.fromstring(chart.svg())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == chart.title
    assert desc is not None and desc.text == chart.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize("kind", CHARTS)
def test_svg_keeps_every_label_and_value_as_text(kind):
    svg = CHARTS[kind]().svg()
    for label in LABELS[kind]:
        assert label in svg
    assert "<text" in svg and "<!DOCTYPE" not in svg


@pytest.mark.parametrize("kind", CHARTS)
def test_png_is_a_png(kind):
    assert CHARTS[kind]().png().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("kind", CHARTS)
def test_the_same_data_renders_the_same_bytes(kind):
    assert CHARTS[kind]().svg() == CHARTS[kind]().svg()
    assert CHARTS[kind]().png() == CHARTS[kind]().png()


def test_ids_differ_between_charts_so_several_can_share_a_page():
    first, second = ET.fromstring(_bars().svg()), ET.fromstring(_heat().svg())
    ids = [{node.get("id") for node in root.iter() if node.get("id")} for root in (first, second)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


def test_every_reference_inside_the_svg_points_at_an_id_it_has():
    svg = _line().svg()
    root = ET.fromstring(svg)
    ids = {node.get("id") for node in root.iter()}
    for target in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg):
        assert (target[0] or target[1]) in ids


@pytest.mark.parametrize(
    "empty",
    [
        lambda: bar_chart(title="T", description="D", bars=[], value_label="V"),
        lambda: heat_map(
            title="T", description="D", rows=[], columns=["a"], values=[], value_label="V"
        ),
        lambda: line_chart(title="T", description="D", periods=[], series={}, value_label="V"),
        lambda: interval_chart(title="T", description="D", rows=[]),
    ],
)
def test_empty_data_says_there_are_no_stories(empty):
    chart = empty()
    root = ET.fromstring(chart.svg())
    assert NO_DATA in _texts(root)
    assert NO_DATA in chart.description
    assert chart.png().startswith(PNG_SIGNATURE)


def test_a_long_label_is_wrapped_and_cut_with_an_ellipsis_not_dropped():
    fitted = fit_label(LONG)
    lines = fitted.split("\n")
    assert len(lines) == 2 and all(len(line) <= 30 for line in lines)
    assert lines[-1].endswith("\u2026") and LONG.startswith(lines[0])
    texts = _texts(ET.fromstring(_bars().svg()))
    assert lines[0] in texts and lines[1] in texts


def test_a_short_label_is_left_alone():
    assert fit_label("Wellbeing") == "Wellbeing"


def test_bars_print_count_denominator_and_share_or_a_note():
    assert bar_text(Bar("x", 19 / 33, 19, 33), True) == "19/33 (58%)"
    assert bar_text(Bar("x", 0.6, None, None), False) == "0.60"
    assert bar_text(Bar("x", 0.25), True) == "25%"
    assert bar_text(Bar("x", 0.0, note="not defined"), False) == "not defined"
    chart = bar_chart(
        title="Kappa",
        description="Cohen's kappa per code.",
        bars=[Bar("hub", 0.6), Bar("wellbeing", -0.25), Bar("carer", 0.0, note="not defined")],
        value_label="Cohen's kappa",
        percent=False,
    )
    texts = _texts(ET.fromstring(chart.svg()))
    assert "-0.25" in texts and "not defined" in texts and "0.60" in texts


def test_a_heat_map_needs_one_value_per_cell():
    with pytest.raises(ValueError):
        heat_map(
            title="T",
            description="D",
            rows=["a"],
            columns=["x", "y"],
            values=[[1]],
            value_label="V",
        )


def test_printed_annotations_replace_the_values_in_a_heat_map():
    chart = heat_map(
        title="Co-occurrence",
        description="Stories carrying both codes.",
        rows=["hub", "wellbeing"],
        columns=["hub", "wellbeing"],
        values=[[1.0, 0.4], [0.4, 1.0]],
        value_label="Jaccard",
        annotations=[["12", "5 (0.40)"], ["5 (0.40)", "9"]],
    )
    assert "5 (0.40)" in _texts(ET.fromstring(chart.svg()))


def test_the_page_background_is_white_for_printing():
    svg = _heat().svg()
    assert "fill: #ffffff" in svg


def test_title_and_description_are_escaped():
    chart = bar_chart(
        title="A <b> & C", description='"D" <e>', bars=[Bar("x", 0.5)], value_label="V"
    )
    root = ET.fromstring(chart.svg())
    assert root.find(f"{SVG}title").text == "A <b> & C"


def test_importing_the_charts_does_not_import_matplotlib():
    code = "import storybank.insights.charts, sys; print('matplotlib' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
