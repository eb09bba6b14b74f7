"""One place for each thing: every kind in the vocabulary is shown by every surface, a new
layer, restriction kind or export format is one entry (shown here by adding one to a copy of the
package and seeing it on the map, the legend, the panel, the brief and the exports), and the
README's lists are the registries' own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from dashboard import daypanel, mapview, travel, vocab
from dashboard.brief import day_brief
from dashboard.export import day_csv, day_geojson
from dashboard.formats import FORMATS
from dashboard.timeline import as_of, status_label

ROOT = Path(__file__).resolve().parents[1]


def D(day: int) -> date:
    return date(2022, 1, day)


# --------------------------------------------------------------------------- every kind shown


@pytest.mark.parametrize(("kind", "value"), [(k.key, v.key) for k in vocab.STATUS_KINDS
                                             for v in k.values])
def test_every_status_value_is_drawn_named_and_in_the_legend(bundled_copy, kind, value):
    entry = vocab.STATUS_KIND[kind]
    subject = {"airport": "airport-ala", "checkpoint": "almaty-checkpoints",
               "guard": "baikonur-cosmodrome"}.get(kind, "almaty-akimat")
    rows = [r for r in bundled_copy.rows("statuses.csv")
            if not (r["subject"] == subject and r["kind"] == kind)]
    rows.append({**rows[0], "id": "st-fixture", "subject": subject, "kind": kind,
                 "valid_from": "2022-01-03", "valid_to": "2022-01-03", "status": value,
                 "detail": "Fixture.", "sources": "wp-unrest"})
    bundled_copy.write_rows("statuses.csv", rows)
    loaded = bundled_copy.load()
    assert not [p for p in loaded.problems if p.file == "statuses.csv"]
    state = as_of(loaded, D(3))
    label = entry.value(value).label
    status = next(s for s in loaded.statuses if s.id == "st-fixture")
    assert status_label(status) == label
    ids = [f["properties"]["id"] for f in mapview.layer_features(state, loaded, entry.layer)]
    assert subject in ids  # its layer draws it
    assert label[:1].upper() + label[1:] in mapview.legend_html()
    assert any(label in c.text for c in state.changes)  # and says it changed
    exported = {f["properties"]["id"]: f for f in day_geojson(state, loaded)["features"]}
    assert any(s["status"] == value for s in exported[subject]["properties"]["statuses"])
    place = loaded.places[subject]
    rep = travel.report(travel.Resolved("here", place.lat, place.lon, "coordinates"), state,
                        loaded)
    danger = entry.value(value).danger
    assert (danger in [d.kind for d in (*rep.dangers, *rep.unlocated)]) == bool(danger)


@pytest.mark.parametrize("category", [c.key for c in vocab.CATEGORIES])
def test_every_event_category_is_listed_coloured_and_counted(bundled_copy, category):
    rows = bundled_copy.rows("events.csv")
    rows.append({**rows[0], "id": "ev-fixture", "date": "2022-01-03", "time": "",
                 "time_precision": "3", "place_id": "almaty-akimat", "category": category,
                 "summary": "Fixture event.", "sources": "wp-unrest"})
    bundled_copy.write_rows("events.csv", rows)
    loaded = bundled_copy.load()
    state = as_of(loaded, D(3))
    entry = vocab.CATEGORY[category]
    assert entry.label in daypanel.events_html(state, loaded)
    assert entry.label in day_brief(state, loaded)
    unrest = {f["properties"]["id"]: f for f in mapview.layer_features(state, loaded, "unrest")}
    assert ("almaty-akimat" in unrest) == entry.danger
    if entry.danger:
        assert unrest["almaty-akimat"]["properties"]["style"]["fillColor"] == entry.colour
    from dashboard import trends

    counts = dict(zip(loaded.days, trends.day_counts(loaded), strict=True))
    assert counts[D(3)][vocab.EVENT_GROUPS.index(entry.group)] >= 1


@pytest.mark.parametrize("kind", [k.key for k in vocab.RESTRICTION_KINDS_ALL])
def test_every_restriction_kind_reaches_the_panel_brief_exports_and_traveller(bundled_copy,
                                                                              kind):
    rows = bundled_copy.rows("restrictions.csv")
    rows.append({**rows[0], "id": "re-fixture", "kind": kind, "area": "KZ-ZHA",
                 "valid_from": "2022-01-03", "valid_to": "2022-01-03", "status": "fixture on",
                 "hours": "20:00-06:00" if kind == "curfew" else "",
                 "detail": "Fixture restriction.", "sources": "wp-unrest"})
    bundled_copy.write_rows("restrictions.csv", rows)
    loaded = bundled_copy.load()
    state = as_of(loaded, D(3))
    entry = vocab.RESTRICTION_KIND[kind]
    panel = daypanel.badges_html(daypanel.badges(state, loaded))
    assert entry.label in panel
    assert entry.label in day_brief(state, loaded)
    assert any(r["id"] == "re-fixture" for r in
               (f["properties"] for f in day_geojson(state, loaded)["features"]))
    assert "re-fixture" in day_csv(state, loaded)
    taraz = loaded.places["taraz"]
    rep = travel.report(travel.Resolved("Taraz", taraz.lat, taraz.lon, "coordinates"), state,
                        loaded)
    assert any(entry.label in line for line in rep.context) or kind == "curfew"
    regions = [f["properties"]["id"] for f in mapview.layer_features(state, loaded,
                                                                     "emergency")]
    assert ("KZ-ZHA" in regions) == entry.on_map


# --------------------------------------------------------------------------- one entry each

NEW_LAYER = '''

def _fixture_layer(state, scenario):
    return [place_feature(scenario.places["taraz"], tooltip="Fixture layer", popup="", px=8,
                          style={"color": "#123456"})]


LAYERS = (*LAYERS, Layer("fixture", "Fixture layer", _fixture_layer))
LAYER = {layer.key: layer for layer in LAYERS}
LAYER_KEYS = tuple(layer.key for layer in LAYERS)
'''

CHECK = textwrap.dedent('''
    import json, sys
    from datetime import date
    from dashboard import daypanel, mapview, urlstate
    from dashboard.brief import day_brief
    from dashboard.export import day_geojson, day_html
    from dashboard.formats import FORMAT
    from dashboard.scenario import load_scenario
    from dashboard.timeline import as_of

    s = load_scenario(sys.argv[1])
    st = as_of(s, date(2022, 1, 3))
    emergency = mapview.layer_features(st, s, "emergency")
    out = {
        "problems": [str(p) for p in s.problems],
        "layer_keys": list(mapview.LAYER_KEYS),
        "fixture_layer": [f["properties"]["id"]
                          for f in mapview.layer_features(st, s, "fixture")],
        "drawn": [g.layer_name for g in mapview.day_layers(st, s)],
        "link": list(urlstate.read({"layers": "fixture"}, s.days, mapview.LAYER_KEYS,
                                   ["kazakhstan"]).layers),
        "map": [f["properties"]["tooltip"] for f in emergency],
        "legend": mapview.legend_html(),
        "panel": daypanel.badges_html(daypanel.badges(st, s)),
        "brief": day_brief(st, s),
        "geojson": [f["properties"]["kind"] for f in day_geojson(st, s)["features"]],
        "html": "Evacuation order" in day_html(st, s),
        "format": FORMAT["txt"].build(st, s),
    }
    print(json.dumps(out))
''')


def test_a_layer_a_restriction_kind_and_a_format_are_one_entry_each(tmp_path, bundled_copy):
    """Edit a copy of the package the way a developer would: one entry in vocab.py for a
    restriction kind, one in mapview.LAYERS (with its builder) for a layer, one in formats.py
    for a format; then every surface shows them."""
    package = tmp_path / "pkg" / "dashboard"
    shutil.copytree(ROOT / "dashboard", package,
                    ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    vocab_py = package / "vocab.py"
    text = vocab_py.read_text(encoding="utf-8")
    text = text.replace('''    RestrictionKind("curfew", "Curfew", on_map=True),''',
                        '''    RestrictionKind("curfew", "Curfew", on_map=True),
    RestrictionKind("evacuation", "Evacuation order", on_map=True,
                    legend="Evacuation order"),''')
    vocab_py.write_text(text, encoding="utf-8")
    mapview_py = package / "mapview" / "layers.py"
    mapview_py.write_text(mapview_py.read_text(encoding="utf-8") + NEW_LAYER, encoding="utf-8")
    formats_py = package / "formats.py"
    new_format = ('''    Format("txt", "Plain text", lambda state, scenario: f"Day {state.day}",'''
                  '''\n           (".txt",), "text/plain"),\n''')
    formats_py.write_text(formats_py.read_text(encoding="utf-8").replace(
        '''    Format("md", ''', new_format + '''    Format("md", '''), encoding="utf-8")

    rows = bundled_copy.rows("restrictions.csv")
    rows.append({**rows[0], "id": "re-evacuation", "kind": "evacuation", "area": "KZ-ZHA",
                 "valid_from": "2022-01-03", "valid_to": "2022-01-03", "status": "ordered",
                 "hours": "", "detail": "Fixture evacuation.", "sources": "wp-unrest"})
    bundled_copy.write_rows("restrictions.csv", rows)
    done = subprocess.run([sys.executable, "-c", CHECK, str(bundled_copy.path)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(package.parent), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["problems"] == []
    assert out["layer_keys"][-1] == "fixture" and out["fixture_layer"] == ["taraz"]
    assert "Fixture layer" in out["drawn"] and out["link"] == ["fixture"]
    assert any("Evacuation order" in tip for tip in out["map"])
    assert "Evacuation order" in out["legend"]
    assert "Evacuation order" in out["panel"] and "ordered" in out["panel"]
    assert "Evacuation order" in out["brief"]
    assert "evacuation" in out["geojson"] and out["html"]
    assert out["format"] == "Day 2022-01-03"
    cli = subprocess.run([sys.executable, "-m", "dashboard", "export", "2022-01-03", "--out",
                          str(tmp_path / "day.txt"), "--data", str(bundled_copy.path)],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path,
                         env={"PYTHONPATH": str(package.parent), "PATH": "/usr/bin:/bin"})
    assert cli.returncode == 0, cli.stderr
    assert (tmp_path / "day.txt").read_text(encoding="utf-8") == "Day 2022-01-03"


# --------------------------------------------------------------------------- docs


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_every_layer_for_links():
    text = readme()
    listed = re.search(r"\(`layers`: any of (.*?), or\s+`none`", text, re.S).group(1)
    assert re.findall(r"`([a-z_]+)`", listed) == list(mapview.LAYER_KEYS)


def test_readme_names_every_restriction_kind_and_status():
    text = " ".join(readme().split())
    listed = re.search(r"`restrictions`: those in force; `kind` is one of (.*?); `area` lists",
                       text).group(1)
    assert set(re.findall(r"`([a-z_]+)`", listed)) == vocab.RESTRICTION_KINDS
    geodata = " ".join((ROOT / "geodata" / "README.md").read_text(encoding="utf-8").split())
    for kind in vocab.STATUS_KINDS:
        for value in kind.values:
            assert f"`{value.key}`" in geodata, (kind.key, value.key)
    for category in vocab.CATEGORIES:
        assert f"`{category.key}`" in geodata, category.key


def test_readme_names_every_export_format():
    text = readme()
    line = next(line for line in text.splitlines() if "python -m dashboard export" in line)
    for fmt in FORMATS:
        assert fmt.extensions[0] in line, fmt.key


def test_avoid_zones_are_hatched_on_the_map_and_in_the_legend(scenario):
    """Areas are told apart by shape as well as colour: the avoid-zones' stripes (the kind's
    legend mark) are drawn on each of its areas and shown so in the legend."""
    from dashboard.vocab import AVOID_COLOUR, STATUS_KIND

    assert STATUS_KIND["avoid"].mark == "hatch"
    zones = [f for day in scenario.days
             for f in mapview.layer_features(as_of(scenario, day), scenario, "zones")]
    assert zones and all(f["properties"]["hatch"] == AVOID_COLOUR for f in zones)
    legend = mapview.legend_html()
    assert "class='hatch'" in legend and "Avoid-zone" in legend
