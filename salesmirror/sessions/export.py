"""One stored session as Markdown, a self-contained HTML report, or `analyze --json` JSON."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from salesmirror.coaching.targets import scorecard
from salesmirror.sessions.call_json import summary_json
from salesmirror.sessions.records import StoredSession
from salesmirror.sessions.timeline import Timeline
from salesmirror.sessions.timeline_svg import timeline_svg
from salesmirror.timefmt import clock


class ExportFormat(StrEnum):
    """What a call can be saved as; the value is the usual file extension."""

    MARKDOWN = "md"
    HTML = "html"
    JSON = "json"

    @property
    def file_filter(self) -> str:
        """The file dialog's filter for this format."""
        return {
            ExportFormat.MARKDOWN: "Markdown (*.md)",
            ExportFormat.HTML: "HTML report (*.html)",
            ExportFormat.JSON: "JSON (*.json)",
        }[self]


def export(stored: StoredSession, fmt: ExportFormat) -> str:
    match fmt:
        case ExportFormat.MARKDOWN:
            return to_markdown(stored)
        case ExportFormat.HTML:
            return to_html(stored)
        case ExportFormat.JSON:
            return summary_json(stored.summary(), indent=2) + "\n"


def to_markdown(stored: StoredSession) -> str:
    row = stored.row
    out = [f"# {row.display_title}", "", stored.row.describe(), ""]
    if row.note:
        out += [f"> {line}" for line in row.note.splitlines()] + [""]
    for notice in stored.fairness_notices():
        out += [f"**{notice}**", ""]
    out += ["## Figures", "", "| | This call | Aim for |", "|---|---|---|"]
    out += [
        f"| {s.target.label} | {s.shown} | {s.target.goal} |" for s in scorecard(stored.summary().figures)
    ]
    out += ["", f"## Nudges ({len(stored.nudges)})" if stored.nudges else "## Nudges: none", ""]
    for nudge in stored.nudges:
        out.append(f"- **{clock(nudge.t)}** {nudge.text} — *because {nudge.evidence}*")
    if stored.lines:
        out += ["", "## Transcript", ""]
        for line in stored.lines:
            who = "You" if line.speaker == "you" else "Them"
            out.append(f"**{clock(line.start)} {who}:** {line.text}  ")
    return "\n".join(out).rstrip() + "\n"


_STYLE = """
body { background: #14181f; color: #eef2f7; font: 16px/1.5 system-ui, sans-serif; margin: 0 auto;
       max-width: 1000px; padding: 24px; }
h1 { margin-bottom: 0; } .when, .muted { color: #8b96a8; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 6px 10px; text-align: left; }
tr:nth-child(even) { background: #1d232d; }
.good { color: #4fbf8a; } .fair { color: #e8c05a; } .poor { color: #e27d6b; }
.you { color: #5aa9e6; } .them { color: #f2b36b; } .t { color: #8b96a8; font-variant-numeric: tabular-nums; }
blockquote { border-left: 3px solid #8fc1f0; margin: 12px 0; padding-left: 12px; }
"""


def to_html(stored: StoredSession) -> str:
    """One file, no external resources: styles inline, the timeline as an inline SVG picture."""
    row = stored.row
    scores = "\n".join(
        f"<tr><td>{escape(s.target.label)}</td><td class='{s.verdict or ''}'>{escape(s.shown)}</td>"
        f"<td class='muted'>{escape(s.target.goal)}</td></tr>"
        for s in scorecard(stored.summary().figures)
    )
    nudges = "\n".join(
        f"<li><span class='t'>{clock(n.t)}</span> {escape(n.text)}<br>"
        f"<span class='muted'>because {escape(n.evidence)}</span></li>"
        for n in stored.nudges
    )
    lines = "\n".join(
        f"<p><span class='t'>{clock(u.start)}</span> <b class='{u.speaker}'>"
        f"{'You' if u.speaker == 'you' else 'Them'}</b> {escape(u.text)}</p>"
        for u in stored.lines
    )
    note = f"<blockquote>{escape(row.note)}</blockquote>" if row.note else ""
    note += "".join(f"<p class='fair'>{escape(notice)}</p>" for notice in stored.fairness_notices())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(row.display_title)} — SalesMirror</title>
<style>{_STYLE}</style></head>
<body>
<h1>{escape(row.display_title)}</h1>
<p class="when">{escape(stored.row.describe())}</p>
{note}
<h2>Who spoke when</h2>
{timeline_svg(Timeline.of(stored))}
<h2>Figures</h2>
<table><tr><th></th><th>This call</th><th>Aim for</th></tr>
{scores}
</table>
<h2>Nudges ({len(stored.nudges)})</h2>
<ol>{nudges}</ol>
{"<h2>Transcript</h2>" if stored.lines else ""}
{lines}
<p class="muted">Made by SalesMirror on this computer; nothing about this call left it.</p>
</body></html>
"""
