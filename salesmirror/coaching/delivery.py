"""Calm delivery: which of the nudges that are due reaches the seller, and when.

A wrong or nagging nudge breaks eye contact and gets the app closed, so the policy is strict:
- at most one nudge per `global_gap_s` (about 30 s; longer than a nudge stays on screen, so there
  is never more than one on screen);
- one kind (or group of kinds that say the same thing) does not repeat within `repeat_gap_s`;
- when several are due, the most urgent (the playbook's order) goes first; the others wait while
  they are still worth saying (each kind's `valid_s`) and are dropped after that;
- one thing the customer said gets one nudge: when "they named a need" and "you pitched right
  after it" both react to the same words, the more urgent one speaks for both;
- a snooze silences everything until it ends, and what fell due meanwhile is dropped, not saved up.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmirror.coaching.playbook import NudgeKind
from salesmirror.events import Nudge


@dataclass(frozen=True, slots=True)
class DueNudge:
    """A nudge a rule found due at session time `t`."""

    kind: NudgeKind
    t: float
    text: str
    evidence: str
    about: float | None = None  # when the customer's words it reacts to began, if it reacts to some

    @property
    def expires(self) -> float:
        return self.t + self.kind.valid_s


class NudgeDelivery:
    def __init__(self, global_gap_s: float, repeat_gap_s: float) -> None:
        self._global_gap_s = global_gap_s
        self._repeat_gap_s = repeat_gap_s
        self._due: dict[str, DueNudge] = {}
        self._last_shown: float | None = None
        self._last_by_kind: dict[str, float] = {}
        self._snoozed_until: float | None = None
        self._answered: set[float] = set()  # customer words a nudge has already reacted to
        self.delivered: list[Nudge] = []

    def offer(self, due: DueNudge) -> None:
        if self._snoozed_at(due.t) or due.about in self._answered:
            return
        self._due[due.kind.name] = due

    def snooze(self, now: float, seconds: float) -> None:
        self._snoozed_until = now + seconds
        self._due.clear()

    def resume(self) -> None:
        self._snoozed_until = None

    def _snoozed_at(self, t: float) -> bool:
        return self._snoozed_until is not None and t < self._snoozed_until

    @property
    def snoozed_until(self) -> float | None:
        return self._snoozed_until

    def tick(self, now: float) -> Nudge | None:
        """The nudge to show now, if any. Called as session time advances and after each offer."""
        if not self._due:
            return None
        if self._snoozed_at(now):
            self._due.clear()
            return None
        for name in [n for n, d in self._due.items() if d.expires < now]:
            del self._due[name]
        ready = [d for d in self._due.values() if self._earliest(d) <= now]
        if not ready:
            return None
        chosen = min(ready, key=lambda d: (d.kind.priority, d.t))
        del self._due[chosen.kind.name]
        if chosen.about is not None:
            self._answered.add(chosen.about)
            for name in [n for n, d in self._due.items() if d.about == chosen.about]:
                del self._due[name]
        # Stamped when it fell due (recognition may deliver a final a moment late), but never
        # earlier than the policy allows.
        nudge = Nudge(self._earliest(chosen), chosen.kind.name, chosen.text, chosen.evidence)
        self._last_shown = nudge.t
        self._last_by_kind[chosen.kind.repeat_group] = nudge.t
        self.delivered.append(nudge)
        return nudge

    def _earliest(self, due: DueNudge) -> float:
        earliest = due.t
        if self._last_shown is not None:
            earliest = max(earliest, self._last_shown + self._global_gap_s)
        last_of_kind = self._last_by_kind.get(due.kind.repeat_group)
        if last_of_kind is not None:
            earliest = max(earliest, last_of_kind + self._repeat_gap_s)
        return earliest
