"""Small SVG charts rendered on the server: no script and no third-party asset needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, PAD = 640, 180, 34


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    css_class: str  # colour comes from the stylesheet


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(value)


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "") -> str:
    """Grouped bars, one group per label; an accessible title and a text legend."""
    count = len(labels)
    top = _nice_max(max((v for s in series for v in s.values), default=0.0))
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    group_w = plot_w / max(count, 1)
    bar_w = min(max(group_w * 0.8 / max(len(series), 1), 1.0), 48.0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>',
        f'<text class="tick" x="{PAD - 4}" y="{PAD + 4}" text-anchor="end">{top:g}{escape(unit)}</text>',
        f'<text class="tick" x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end">0</text>',
    ]
    for index, label in enumerate(labels):
        x0 = PAD + index * group_w + group_w * 0.1
        for position, serie in enumerate(series):
            value = serie.values[index] if index < len(serie.values) else 0.0
            height = plot_h * (value / top)
            x = x0 + position * bar_w
            y = HEIGHT - PAD - height
            parts.append(
                f'<rect class="{escape(serie.css_class)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{height:.1f}"><title>{escape(label)}: {value:g}{escape(unit)} '
                f"{escape(serie.label)}</title></rect>"
            )
        if count <= 12 or index % max(count // 12, 1) == 0:
            parts.append(
                f'<text class="tick" x="{x0 + group_w * 0.4:.1f}" y="{HEIGHT - PAD + 14}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for position, serie in enumerate(series):
        x = PAD + position * 150
        parts.append(f'<rect class="{escape(serie.css_class)}" x="{x}" y="6" width="10" height="10"/>')
        parts.append(f'<text class="legend" x="{x + 14}" y="15">{escape(serie.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
