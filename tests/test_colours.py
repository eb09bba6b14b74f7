"""The colours: status colours that stay apart for the common colour-vision deficiencies, each
with a shape of its own too, and text in the page's styles at WCAG AA contrast."""

from __future__ import annotations

import itertools
import math
import re

import pytest

from dashboard import daypanel, pagefiles, vocab

# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
    "normal vision": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
}
LEAST_DELTA_E = 20  # CIE76 in Lab: clearly apart, for small markers too


def linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def seen(hex_colour: str, deficiency: str) -> tuple[float, float, float]:
    """The colour as seen with the deficiency, in CIE Lab (D65)."""
    m = DEFICIENCIES[deficiency]
    rgb = [min(1.0, max(0.0, sum(m[i][j] * c for j, c in enumerate(linear(hex_colour)))))
           for i in range(3)]
    x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def luminance(hex_colour: str) -> float:
    r, g, b = linear(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def legend_groups() -> dict[str, list[tuple[str, str, str]]]:
    """What the legend tells apart by colour: (label, colour, shape) per status kind, airports
    with "no report", and the day's event categories."""
    groups = {kind.key: [(v.label, v.colour, v.shape) for v in kind.values]
              for kind in vocab.STATUS_KINDS if len({v.colour for v in kind.values}) > 1}
    groups["airport"].append(("no report", vocab.NO_REPORT_COLOUR, "circle"))
    groups["the day"] = list({c.legend: (c.legend, c.colour, c.shape)
                              for c in vocab.CATEGORIES if c.legend}.values())
    return groups


@pytest.mark.parametrize("group", sorted(legend_groups()))
@pytest.mark.parametrize("deficiency", sorted(DEFICIENCIES))
def test_status_colours_stay_apart_for_colour_vision_deficiencies(group, deficiency):
    for (a, ca, _), (b, cb, _) in itertools.combinations(legend_groups()[group], 2):
        delta = math.dist(seen(ca, deficiency), seen(cb, deficiency))
        assert delta >= LEAST_DELTA_E, f"{a} and {b} ({ca}, {cb}) with {deficiency}: {delta:.1f}"


def test_the_colour_is_never_the_only_cue():
    """Each status value of a point has a shape of its own (besides its words), apart from
    "no report", which is grey and says so."""
    for group, rows in legend_groups().items():
        shapes = [shape for label, _, shape in rows if label != "no report"]
        assert len(set(shapes)) == len(shapes), group
        assert set(shapes) <= set(vocab.SHAPES)
    for kind in vocab.STATUS_KINDS:
        assert {v.shape for v in kind.values} <= set(vocab.SHAPES)


DECLARATION = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})")
BACKGROUND = re.compile(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})")


def full(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h).lower()


def css_rules() -> list[tuple[str, str]]:
    sheets = {name: pagefiles.style(name) for name in ("map.css", "panel.css", "export.css")}
    sheets["PRESENT_CSS"] = daypanel.PRESENT_CSS
    rules = []
    for name, text in sheets.items():
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            rules.append((f"{name}: {selector.strip()}", body))
    return rules


@pytest.mark.parametrize(("rule", "body"), [pytest.param(*r, id=r[0]) for r in css_rules()
                                            if DECLARATION.search(r[1])])
def test_text_in_the_pages_styles_meets_wcag_aa(rule, body):
    """Text colours against their own rule's background, or white (the page's), at 4.5:1."""
    text = full(DECLARATION.search(body).group(1))
    background = BACKGROUND.search(body)
    against = full(background.group(1)) if background else "#ffffff"
    assert contrast(text, against) >= 4.5, f"{rule}: {text} on {against}"
