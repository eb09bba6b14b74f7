"""The timeline strip: marks for each day's events by group, the blackout and state-of-emergency
bands, the shown day framed, text from the data escaped, and a scenario of years drawn in a
few columns and labels. The SVG is parsed as XML, as the page's browser would."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from dashboard import charts, timestrip
from dashboard.caveats import NOT_IN_DATA
from dashboard.timeline import as_of
from dashboard.trends import event_group
from dashboard.vocab import EVENT_GROUPS, GROUP_COLOURS

D = lambda d: date(2022, 1, d)  # noqa: E731
NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def tree(text: str) -> ET.Element:
    return ET.fromstring(text)


def columns(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:g[@class='kz-strip-col']", NS)


def title(element: ET.Element) -> str:
    return element.find("svg:title", NS).text


def test_each_day_has_a_mark_per_group_with_its_count_and_name(scenario):
    root = tree(timestrip.strip_svg(scenario, D(7)))
    assert root.get("role") == "group" and root.get("aria-label")
    cols = columns(root)
    assert [c.get("data-day") for c in cols] == [d.isoformat() for d in scenario.days]
    for col, day in zip(cols, scenario.days, strict=True):
        events = as_of(scenario, day).events
        assert col.get("data-days") == "1" and col.get("tabindex") == "0"
        assert col.get("role") == "button"
        assert str(len(events)) in col.get("aria-label")
        marks = col.findall("svg:g[@class='kz-mark']", NS)
        want = {g: sum(1 for e in events if event_group(e.category) == g)
                for g in EVENT_GROUPS}
        assert {m.get("data-group"): int(m.get("data-events")) for m in marks} == \
            {g: n for g, n in want.items() if n}
        for mark in marks:
            group, n = mark.get("data-group"), mark.get("data-events")
            # Never colour alone: the count is written, and the name says it in words.
            assert mark.find("svg:text", NS).text == n
            assert title(mark).startswith(f"{charts.day_text(day)}: {group}, {n} event")
            shape = [c for c in mark if c.tag != f"{SVG}title" and c.tag != f"{SVG}text"][0]
            assert shape.get("fill") == GROUP_COLOURS[EVENT_GROUPS.index(group)]
    # Each group has its own shape, shown beside its name too.
    shapes = {m.get("data-group"): [c.tag for c in m if c.tag not in (f"{SVG}title",
                                                                       f"{SVG}text")][0]
              for c in cols for m in c.findall("svg:g[@class='kz-mark']", NS)}
    assert len(set(shapes.values())) == len(shapes) == len(EVENT_GROUPS)
    labels = [t.text for t in root.findall("svg:text[@class='kz-row-label']", NS)]
    assert labels == list(EVENT_GROUPS)
    # 5 January: protests and clashes everywhere, and the categories named.
    fifth = cols[3].find("svg:g[@data-group='Unrest']", NS)
    assert int(fifth.get("data-events")) >= 20
    assert re.search(r"\((\w[\w ]* \d+)(, \w[\w ]* \d+)*\)$", title(fifth))


def lane(root: ET.Element, name: str) -> list[ET.Element]:
    return root.findall(f"svg:g[@data-lane='{name}']/svg:rect", NS)


def test_blackout_and_state_of_emergency_are_labelled_bands(scenario):
    root = tree(timestrip.strip_svg(scenario, D(2)))
    ax = timestrip.axis(scenario)
    internet = lane(root, "internet")
    spans = sorted((float(r.get("x")), float(r.get("width")), title(r)) for r in internet)
    assert len(spans) == 2
    (x1, w1, t1), (x2, w2, t2) = spans
    assert x1 == pytest.approx(ax.start(3), abs=0.1)  # 5 January ...
    assert w1 == pytest.approx(ax.band() * 5, abs=0.2)  # ... to the 9th
    assert t1.startswith("Internet blackout, 5 Jan 2022 – 9 Jan 2022")
    assert x2 == pytest.approx(ax.start(8), abs=0.1) and t2.startswith("Internet partly restored")
    soe = lane(root, "state_of_emergency")
    assert len(soe) == 1
    assert float(soe[0].get("x")) == pytest.approx(ax.start(3), abs=0.1)
    assert float(soe[0].get("width")) == pytest.approx(ax.band() * 6, abs=0.2)
    assert title(soe[0]) == "State of emergency nationwide, 5 Jan 2022 – 10 Jan 2022"
    names = [t.text for t in root.findall("svg:text[@class='kz-lane-label']", NS)]
    assert names == ["Internet blackout", "State of emergency"]


def test_regional_emergency_names_its_areas_and_missing_kinds_say_so(scenario):
    regional = tuple(dataclasses.replace(r, area=("KZ-ALA",), valid_to=D(6))
                     for r in scenario.restrictions if r.kind == "state_of_emergency")
    changed = dataclasses.replace(scenario, restrictions=regional)
    root = tree(timestrip.strip_svg(changed, D(5)))
    (band,) = lane(root, "state_of_emergency")
    assert title(band) == ("State of emergency in part of the country, 5 Jan 2022 – 6 Jan 2022:"
                           " KZ-ALA")
    # No internet restriction in the data at all: "not in this data", never an empty lane.
    assert lane(root, "internet") == []
    none = root.findall("svg:text[@class='kz-lane-none']", NS)
    assert [t.text for t in none] == [NOT_IN_DATA]


def test_the_shown_day_is_framed(scenario):
    ax = timestrip.axis(scenario)
    for day in scenario.days:
        root = tree(timestrip.strip_svg(scenario, day))
        (frame,) = root.findall("svg:rect[@class='kz-strip-selected']", NS)
        centre = float(frame.get("x")) + float(frame.get("width")) / 2
        assert centre == pytest.approx(ax.centre(ax.index(day)), abs=0.1)
        assert title(frame) == f"Shown: {charts.day_text(day)}"
        bold = [t.text for t in root.findall("svg:text[@font-weight='700']", NS)]
        assert bold == [f"{day.day} {day:%b}"]


def test_the_apps_strip_is_the_same_every_day_and_a_style_moves_its_frame(scenario):
    static = timestrip.static_svg(scenario)
    root = tree(static)
    (frame,) = root.findall("svg:rect[@class='kz-strip-selected']", NS)
    first = tree(timestrip.strip_svg(scenario, scenario.days[0]))
    assert frame.get("x") == first.find("svg:rect[@class='kz-strip-selected']", NS).get("x")
    assert root.findall("svg:text[@font-weight='700']", NS) == []
    ax = timestrip.axis(scenario)
    for i, day in enumerate(scenario.days):
        style = timestrip.day_style(scenario, day)
        moved = float(re.search(r"translateX\((-?[\d.]+)px\)", style).group(1))
        assert moved == pytest.approx(ax.centre(i) - ax.centre(0), abs=0.1)
        assert style.startswith("<style>[data-testid='kz-timestrip'] .kz-strip-selected{")
    # Built once per scenario: the same text, not a copy made per step.
    assert timestrip.static_svg(scenario) is static


def test_text_from_the_data_is_escaped(scenario):
    hostile = "<script>alert(1)</script> & 'q'"
    soe = tuple(dataclasses.replace(r, area=(hostile,))
                for r in scenario.restrictions if r.kind == "state_of_emergency")
    changed = dataclasses.replace(scenario, restrictions=soe)
    for text in (timestrip.strip_svg(changed, D(7)), timestrip.static_svg(changed)):
        assert "<script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;q&#x27;" in text
        root = tree(text)
        (band,) = lane(root, "state_of_emergency")
        assert title(band).endswith(hostile)


def test_a_scenario_of_years_is_drawn_in_a_few_columns(mini):
    rows = mini.rows("events.csv")
    template = rows[0]
    first = date.fromisoformat(template["date"])
    span = 3 * 365
    extra = [{**template, "id": f"far-{n}", "date": (first + timedelta(days=n)).isoformat()}
             for n in range(1, span, 7)]
    mini.write_rows("events.csv", rows + extra)
    meta = json.loads((mini.path / "scenario.json").read_text(encoding="utf-8"))
    meta["end"] = (first + timedelta(days=span - 1)).isoformat()
    mini.write("scenario.json", json.dumps(meta))
    loaded = mini.load()
    assert not loaded.problems and len(loaded.days) == span
    shown = loaded.days[500]
    root = tree(timestrip.strip_svg(loaded, shown))
    cols = columns(root)
    assert len(cols) <= timestrip.MAX_COLUMNS
    # Every day is in exactly one column, in order, and every event in one mark.
    sizes = [int(c.get("data-days")) for c in cols]
    assert sum(sizes) == span
    starts = [date.fromisoformat(c.get("data-day")) for c in cols]
    assert starts == [loaded.days[sum(sizes[:i])] for i in range(len(cols))]
    assert sum(int(m.get("data-events")) for m in
               root.findall(".//svg:g[@class='kz-mark']", NS)) == len(loaded.events)
    # A column of several days names them as a span.
    assert " – " in cols[1].get("aria-label")
    labels = root.findall("svg:text[@text-anchor='middle']", NS)
    assert len(labels) <= charts.MAX_LABELS + 1
    bold = [t.text for t in root.findall("svg:text[@font-weight='700']", NS)]
    assert bold == [f"{shown.day} {shown:%b}"]
    (frame,) = root.findall("svg:rect[@class='kz-strip-selected']", NS)
    ax = timestrip.axis(loaded)
    assert float(frame.get("x")) + float(frame.get("width")) / 2 == \
        pytest.approx(ax.centre(500), abs=0.1)
    assert float(frame.get("width")) >= 3  # a day is thinner than a line: still seen
    assert len(timestrip.static_svg(loaded)) < 120_000
