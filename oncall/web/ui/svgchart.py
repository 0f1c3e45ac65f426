"""Bar charts as server-rendered SVG: no script and no library, and they print as drawn."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 20, 30  # margins around the plot
MAX_LABELS = 12


def _number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def bar_chart(bars: list[tuple[str, float | None]], *, title: str, unit: str) -> Markup:
    """One bar per (label, value); a None value leaves its slot empty. Every bar carries a
    tooltip with its exact value; at most MAX_LABELS labels are written under the axis."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max((v for _, v in bars if v), default=0) or 1
    step = plot_w / max(len(bars), 1)
    every = math.ceil(len(bars) / MAX_LABELS) or 1
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{_number(top)}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
             f'<text x="4" y="12" font-size="11">{escape(unit)}</text>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#98a2b3"/>']
    for index, (label, value) in enumerate(bars):
        x = LEFT + index * step
        if value:
            h = value / top * plot_h
            parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{TOP + plot_h - h:.1f}" width="{step * 0.8:.1f}" '
                         f'height="{h:.1f}" fill="#0b5fff"><title>{escape(label)}: {_number(value)} '
                         f'{escape(unit)}</title></rect>')
        if index % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                         f'font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
