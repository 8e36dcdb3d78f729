"""Precision and recall of the text rules behind the nudges, per kind, on the labelled sets of
tests/data/playbook: the development set (the rules were tuned on it), the held-out set (looked at
once, after a first round of tuning) and the blind set (written after all tuning, scored once).
Each as written (timed scripts) and as a recogniser delivers it (lower case, no punctuation).
Then the nudges fired on the two whole-call scripts."""

from __future__ import annotations

import sys

from _calls import TESTS

sys.path.insert(0, str(TESTS))

from playbook_set import DEVELOPMENT, GRADED, HELD_OUT, PLAYBOOK_DATA, load_set, score

from salesmirror.analysis import analyze_script
from salesmirror.timefmt import clock

SETS = {"development": DEVELOPMENT, "held-out": HELD_OUT, "blind": ("blind.tsv",)}


def main() -> None:
    # --quick is accepted for the suite's run of every benchmark; this one is quick already.
    for name, files in SETS.items():
        rows = load_set(files)
        print(f"\n{name} set ({len(rows)} utterances)")
        print(f"  {'kind':12} {'pos':>4} {'neg':>4}   {'as written P / R':>17}   {'as recognised P / R':>20}")
        written, heard = score(rows), score(rows, recognised=True)
        for kind in written:
            w, h = written[kind], heard[kind]
            if w.positives == 0:
                continue
            mark = "*" if kind in GRADED else " "
            print(
                f"{mark} {kind:12} {w.positives:>4} {w.negatives:>4}   {w.precision:>8.2f} / {w.recall:.2f}"
                f"   {h.precision:>11.2f} / {h.recall:.2f}"
            )
    print("\n* goal: precision >= 0.85 and recall >= 0.75 on the development set")
    for call in ("well_run_discovery", "badly_run_pitch"):
        session = analyze_script(PLAYBOOK_DATA / "calls" / f"{call}.jsonl")
        fired = ", ".join(f"{n.kind} {clock(n.t)}" for n in session.nudges.fired) or "none"
        print(f"\n{call} ({clock(session.now)}): {len(session.nudges.fired)} nudges: {fired}")


if __name__ == "__main__":
    main()
