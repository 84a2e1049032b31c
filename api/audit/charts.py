"""Bar charts as inline SVG, drawn on the server from published figures only: a hidden figure
gets no bar, only its words. The page puts the same numbers in a table beside each chart."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from grievance.social_audit.disclosure import Shown

WIDTH = 320
ROW = 22
LABEL = 110
BAR_SPACE = WIDTH - LABEL - 50


@dataclass(frozen=True)
class Bar:
    label: str
    figure: Shown
    words: str  # the figure as the page says it ("12", "fewer than 5")


def bars(title: str, rows: list[Bar]) -> Markup:
    """Horizontal bars, one a row, each labelled with its figure."""
    top = max((bar.figure.count or 0 for bar in rows), default=0) or 1
    height = ROW * len(rows) + 4
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, bar in enumerate(rows):
        y = i * ROW + 2
        length = round(BAR_SPACE * (bar.figure.count or 0) / top)
        parts.append(
            f'<text x="{LABEL - 4}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
        )
        if length:
            parts.append(f'<rect x="{LABEL}" y="{y + 3}" width="{length}" height="{ROW - 6}"/>')
        parts.append(f'<text x="{LABEL + length + 4}" y="{y + 15}">{escape(bar.words)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
