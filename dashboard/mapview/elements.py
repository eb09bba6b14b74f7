"""Folium plumbing for the map page: escaping, script-safe JSON, elements whose script is
written as text (no template compile per step), one GeoJSON layer drawn by static/kz/map.js.
"""

from __future__ import annotations

import html
import json
from datetime import date

import folium
from branca.element import Element, MacroElement
from jinja2 import Template


def esc(text: object) -> str:
    """Escape text from the data for HTML text and attribute values.

    Braces become character references too: folium reads each rendered script again as a
    Jinja template, and the HTML built here (tooltips, popups, labels) ends up in scripts.
    """
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def day_label(day: date) -> str:
    """'Fri 7 Jan 2022'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def script_json(data: object) -> str:
    """JSON that is safe inside an inline <script>: no '</' can close the tag, and no Jinja
    delimiter survives for folium's second template pass to evaluate."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            .replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023"))


# --------------------------------------------------------------------------- elements

class RawText(Element):
    """Text placed in the page as it is. (branca's Element would compile it as a template.)"""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def render_macros(element: MacroElement, kwargs: dict) -> None:
    """Put an element's rendered header, html and script macros into its page as plain text,
    then render its children.

    branca's MacroElement.render compiles every rendered macro once more as a Jinja template:
    that costs more than anything else in rendering the map, which happens on every step, and
    would evaluate template syntax found in the data.
    """
    figure = element.get_root()
    module = element._template.module
    for part, target in (("header", figure.header), ("html", figure.html),
                         ("script", figure.script)):
        macro = getattr(module, part, None)
        if macro is not None:
            target.add_child(RawText(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class ScriptElement(MacroElement):
    """A MacroElement whose rendered header, html and script go into the page as plain text
    (render_macros)."""

    def render(self, **kwargs) -> None:
        render_macros(self, kwargs)


class AddTo(ScriptElement):
    """Adds its parent layer to the parent's own parent (folium's ElementAddToElement, whose
    rendered line branca would compile as a template once more)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.addTo({{ this._parent._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "AddTo"


class Group(folium.FeatureGroup):
    """A feature group whose scripts go into the page as plain text, like ScriptElement's.
    Its last child adds it to its parent: streamlit-folium reads the script of each element
    of a group, in order, rather than the rendered page."""

    def render(self, **kwargs) -> None:
        name = f"{self.get_name()}_add"
        adder = self._children.pop(name, None) or AddTo()
        if self.show and self._parent is not None:
            self.add_child(adder, name=name)
        ScriptElement.render(self, **kwargs)  # type: ignore[arg-type]


class GeoJsonLayer(ScriptElement):
    """One GeoJSON object in a FeatureGroup, drawn by the page's ``__kzDraw`` (DayDraw)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.__kzDraw({{ this._parent.get_name() }}, {{ this.data }}, {{ this.layer_json }},
                        {{ this.by_region|tojson }});
        {% endmacro %}
    """)

    def __init__(self, features: list[dict], layer: str = "", *, by_region: bool = False):
        super().__init__()
        self._name = "GeoJsonLayer"
        self.layer = layer
        self.layer_json = script_json(layer)
        self.by_region = by_region
        self.data = layer_data(features, by_region)


def layer_data(features: list[dict], by_region: bool = False) -> str:
    """A layer's features as a FeatureCollection in JSON that is safe inside a script."""
    if by_region:
        features = [_region_reference(f) if f["properties"].get("region") else f
                    for f in features]
    return script_json({"type": "FeatureCollection", "features": features})


def _region_reference(feature: dict) -> dict:
    """A region's feature without its outline, which the page takes from the basemap."""
    return {"type": "Feature", "geometry": None, "properties": feature["properties"]}
