"""The one serialiser of call records: the JSON of `analyze --json`, the exports and the store.

Every JSON form of a call is written and read here, so the shape the CLI prints, the shape an export
saves and the shape the store keeps cannot drift apart. Times are rounded to the hundredth of a
second and ratios were rounded when the figures were made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from salesmirror.call_summary import CallFigures, CallMetrics, CallNotes, CallSummary
from salesmirror.events import Nudge, Segment, Utterance
from salesmirror.sessions.records import SessionRow

_NOTE_KEYS = ("recognition", "customer_cues", "attribution")


def summary_json(summary: CallSummary, indent: int | None = None) -> str:
    """The `analyze --json` object: figures, segments, metrics, nudges, transcript, then the notes
    and, when there are any, the cautions (what made the figures less exact, and from when)."""
    figures = _figures_object(summary.figures)
    metrics = figures.pop("metrics", {})
    out = {
        **figures,
        "segments": [_segment_object(s) for s in summary.segments],
        "metrics": metrics,
        "nudges": [_nudge_object(n) for n in summary.nudges],
        "transcript": [_line_object(u) for u in summary.transcript],
        **_notes_object(summary.notes),
    }
    if summary.cautions:
        out["cautions"] = [
            {"t": round(c.t, 2), "kind": str(c.kind), "text": c.describe()} for c in summary.cautions
        ]
    return json.dumps(out, ensure_ascii=False, indent=indent)


def figures_json(figures: CallFigures, notes: CallNotes | None = None) -> str:
    """The figures as the store keeps them: once a second while the call runs, and with the notes
    in the session's row when it ends."""
    return json.dumps({**_figures_object(figures), **_notes_object(notes or CallNotes())})


def read_figures(text: str) -> tuple[CallFigures, CallNotes]:
    """Figures and notes from the store (what `figures_json` wrote, or an older row's subset)."""
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("stored figures are not a JSON object")
    metrics = raw.get("metrics")
    figures = CallFigures(
        duration_s=_number(raw, "duration_s") or 0.0,
        you_seconds=_number(raw, "you_seconds") or 0.0,
        them_seconds=_number(raw, "them_seconds") or 0.0,
        talk_ratio_you=_number(raw, "talk_ratio_you"),
        longest_monologue_s=_number(raw, "longest_monologue_s") or 0.0,
        metrics=_read_metrics(metrics) if isinstance(metrics, dict) and metrics else None,
    )
    notes = CallNotes(**{key: str(raw[key]) for key in _NOTE_KEYS if raw.get(key) is not None})
    return figures, notes


def session_rows_json(rows: list[SessionRow]) -> str:
    """`sessions list --json`: one object a call, with the figure the list shows."""
    return json.dumps(
        [
            {
                "id": row.id,
                "title": row.display_title,
                "started_at": row.started_at.isoformat(),
                "duration_s": row.duration_s,
                "state": str(row.state),
                "source": str(row.source),
                "talk_ratio_you": row.talk_ratio_you,
                "note": row.note,
            }
            for row in rows
        ],
        ensure_ascii=False,
    )


def _nudge_object(nudge: Nudge) -> dict[str, object]:
    """One nudge as the JSON forms (and the HTML report's data) show it."""
    return {"t": round(nudge.t, 2), "kind": nudge.kind, "text": nudge.text, "evidence": nudge.evidence}


def _figures_object(figures: CallFigures) -> dict[str, object]:
    out: dict[str, object] = {
        "duration_s": figures.duration_s,
        "you_seconds": figures.you_seconds,
        "them_seconds": figures.them_seconds,
        "talk_ratio_you": figures.talk_ratio_you,
        "longest_monologue_s": figures.longest_monologue_s,
    }
    metrics = figures.metrics
    out["metrics"] = {} if metrics is None else {
        "talk_ratio_you": metrics.talk_ratio_you,
        "recent_talk_ratio_you": metrics.recent_talk_ratio_you,
        "longest_monologue_s": metrics.longest_monologue_s,
        "longest_customer_story_s": metrics.longest_customer_story_s,
        "questions_asked": metrics.questions_asked,
        "patience_s": metrics.patience_s,
        "interruptions": metrics.interruptions,
        "words_per_minute": metrics.words_per_minute,
    }  # fmt: skip
    return out


def _read_metrics(raw: Mapping[str, object]) -> CallMetrics:
    questions, interruptions, pace = (
        _number(raw, "questions_asked"),
        _number(raw, "interruptions"),
        _number(raw, "words_per_minute"),
    )
    return CallMetrics(
        talk_ratio_you=_number(raw, "talk_ratio_you"),
        recent_talk_ratio_you=_number(raw, "recent_talk_ratio_you"),
        longest_monologue_s=_number(raw, "longest_monologue_s") or 0.0,
        longest_customer_story_s=_number(raw, "longest_customer_story_s") or 0.0,
        questions_asked=None if questions is None else int(questions),
        patience_s=_number(raw, "patience_s"),
        interruptions=None if interruptions is None else int(interruptions),
        words_per_minute=None if pace is None else int(pace),
    )


def _number(raw: Mapping[str, object], key: str) -> float | None:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _notes_object(notes: CallNotes) -> dict[str, str]:
    return {key: value for key in _NOTE_KEYS if (value := getattr(notes, key)) is not None}


def _segment_object(segment: Segment) -> dict[str, object]:
    return {"speaker": str(segment.speaker), "start": round(segment.start, 2), "end": round(segment.end, 2)}


def _line_object(line: Utterance) -> dict[str, object]:
    return {
        "speaker": str(line.speaker),
        "start": round(line.start, 2),
        "end": round(line.end, 2),
        "text": line.text,
    }
