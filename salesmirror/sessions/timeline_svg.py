"""The session timeline as an SVG picture, for the self-contained HTML report (no Qt needed)."""

from __future__ import annotations

from html import escape

from salesmirror.events import Speaker
from salesmirror.sessions.timeline import MONOLOGUE_TOO_LONG_S, Timeline, tick_step
from salesmirror.timefmt import clock

# The app's palette (ui/theme.py), repeated here because the core does not import Qt.
_COLOURS = {Speaker.YOU: "#5aa9e6", Speaker.THEM: "#f2b36b"}
_LONG, _TOO_LONG, _NUDGE, _INK, _GRID = "#e8c05a", "#e27d6b", "#8fc1f0", "#eef2f7", "#2c3440"


def timeline_svg(timeline: Timeline, width: int = 960) -> str:
    """Lanes for you and them, your long monologues underlined, nudges as numbered markers."""
    left, right, top, lane_h, gap = 56, 12, 30, 34, 12
    height = top + 2 * lane_h + gap + 34
    span = timeline.duration_s
    scale = (width - left - right) / span

    def x(t: float) -> float:
        return left + t * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Who spoke when">',
        f'<rect width="{width}" height="{height}" fill="#1d232d" rx="8"/>',
    ]
    step = tick_step(span, 12)
    t = 0.0
    while t <= span + 1e-6:
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" y2="{height - 26}" stroke="{_GRID}"/>'
        )
        parts.append(
            f'<text x="{x(t):.1f}" y="{height - 10}" fill="{_INK}" font-size="11" text-anchor="middle" '
            f'font-family="sans-serif">{clock(t)}</text>'
        )
        t += step
    for row, speaker in enumerate((Speaker.YOU, Speaker.THEM)):
        y = top + row * (lane_h + gap)
        label = "You" if speaker is Speaker.YOU else "Them"
        parts.append(
            f'<text x="8" y="{y + lane_h / 2 + 4}" fill="{_INK}" font-size="13" '
            f'font-family="sans-serif">{label}</text>'
        )
        for s in timeline.lanes[speaker]:
            parts.append(
                f'<rect x="{x(s.start):.1f}" y="{y}" width="{max(1.0, s.duration * scale):.1f}" '
                f'height="{lane_h}" fill="{_COLOURS[speaker]}"/>'
            )
    for m in timeline.monologues:
        colour = _TOO_LONG if m.duration >= MONOLOGUE_TOO_LONG_S else _LONG
        parts.append(
            f'<rect x="{x(m.start):.1f}" y="{top + lane_h + 2}" width="{m.duration * scale:.1f}" height="4" '
            f'fill="{colour}"><title>Monologue {clock(m.start)}–{clock(m.end)}</title></rect>'
        )
    for number, nudge in enumerate(timeline.nudges, start=1):
        cx = x(nudge.t)
        parts.append(
            f"<g><title>{escape(clock(nudge.t))} {escape(nudge.text)}</title>"
            f'<path d="M{cx - 7:.1f},4 L{cx + 7:.1f},4 L{cx:.1f},18 Z" fill="{_NUDGE}"/>'
            f'<text x="{cx:.1f}" y="14" fill="#14181f" font-size="9" text-anchor="middle" '
            f'font-family="sans-serif">{number}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
