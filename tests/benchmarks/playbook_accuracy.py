"""Precision and recall of the customer-cue detectors, per kind: the phrase lists beside the learned
detector (sentence encoder and logistic heads), on the labelled sets of tests/data/playbook:

- development: the lines the phrase lists were tuned on and the heads trained on (with
  spoken_train.tsv);
- held-out: looked at once, after a first round of tuning of the lists;
- blind: written after the lists' tuning, scored once;
- spoken blind: customer lines as recognisers deliver them, written after the learned detector's
  design was fixed and never trained on, scored once at the end;
- spoken blind 2, 3 and 4: the same, each written before the heads were retrained on a grown training
  set and scored once after.

With the learned detector installed, each spoken blind set is scored again on its lines that are no
close rewording of a training line (`unlike_training`): new wording only.

Each as written, as recognised (lower case, no punctuation), and with simulated word errors at 10 %
and 20 %. Then the milliseconds per utterance and the model's size, and the nudges fired on the two
whole-call scripts with each detector.

    .venv/bin/python tests/benchmarks/playbook_accuracy.py [--quick]
"""

from __future__ import annotations

import functools
import sys
import time

from _calls import TESTS

sys.path.insert(0, str(TESTS))

from playbook_set import (
    BLIND,
    CUE_ENCODER,
    DEVELOPMENT,
    HELD_OUT,
    PLAYBOOK_DATA,
    SPOKEN_BLIND,
    SPOKEN_BLIND_2,
    SPOKEN_BLIND_3,
    SPOKEN_BLIND_4,
    SPOKEN_BLIND_5,
    SPOKEN_TRAINING,
    Labelled,
    detectors,
    learned_detectors_or_none,
    load_set,
    score,
    unlike_training,
)

from salesmirror.analysis import analyze_script
from salesmirror.coaching.learned_cues import LEARNED_KINDS, shared_encoder
from salesmirror.coaching.nudges import NudgeSettings
from salesmirror.coaching.session import CoachSettings
from salesmirror.timefmt import clock

SETS = {
    "development": (*DEVELOPMENT, *SPOKEN_TRAINING),
    "held-out": HELD_OUT,
    "blind": BLIND,
    "spoken blind": SPOKEN_BLIND,
    "spoken blind 2": SPOKEN_BLIND_2,
    "spoken blind 3": SPOKEN_BLIND_3,
    "spoken blind 4": SPOKEN_BLIND_4,
    "spoken blind 5": SPOKEN_BLIND_5,
}
FORMS = {
    "written": (False, 0.0),
    "recognised": (True, 0.0),
    "10 % errors": (True, 0.1),
    "20 % errors": (True, 0.2),
}


def print_table(title: str, rows: list[Labelled], chosen: dict, forms: dict[str, tuple[bool, float]]) -> None:
    print(f"\n{title}: precision / recall")
    print(f"  {'kind':11} {'detector':9}" + "".join(f" {form:>13}" for form in forms))
    scored = {
        label: [score(rows, recognised, errors, detect) for recognised, errors in forms.values()]
        for label, detect in chosen.items()
    }
    for kind in LEARNED_KINDS:
        for label, by_form in scored.items():
            cells = [f"{s[kind].precision:.2f} / {s[kind].recall:.2f}" for s in by_form]
            print(f"  {kind:11} {label:9}" + "".join(f" {cell:>13}" for cell in cells))


def main() -> None:
    quick = "--quick" in sys.argv
    learned = learned_detectors_or_none()
    phrase_lists = {kind: entry for kind, entry in detectors().items() if kind in LEARNED_KINDS}
    chosen = {"phrases": phrase_lists}
    if learned is not None:
        chosen["learned"] = {
            kind: ("them", lambda t, d=d: d.evidence(t) is not None) for kind, d in learned.items()
        }
    else:
        print(f"(no cue model in {CUE_ENCODER}: phrase lists only; `make test` fetches it)")
    sets = {"held-out": HELD_OUT} if quick else SETS  # quick: the smallest set, to prove the script runs
    forms = dict(list(FORMS.items())[:2]) if quick else FORMS
    # Each spoken blind set is compared with every training line: encode each text once.
    encode = functools.cache(shared_encoder(CUE_ENCODER).encode) if learned is not None else None
    for name, files in sets.items():
        rows = [row for row in load_set(files) if row.speaker == "them"]
        print_table(f"{name} set ({len(rows)} customer lines)", rows, chosen, forms)
        if encode is not None and name.startswith("spoken blind"):
            unseen = unlike_training(rows, encode)
            title = f"{name}, new wording only ({len(unseen)} of {len(rows)} lines)"
            print_table(title, unseen, chosen, forms)
    if learned is not None:
        rows = load_set(SPOKEN_BLIND)
        detector = learned["problem"]
        started = time.process_time()
        for row in rows:
            detector.probability(row.text)
        per_line = 1000 * (time.process_time() - started) / len(rows)
        size = sum(f.stat().st_size for f in CUE_ENCODER.iterdir()) / 1e6
        print(
            f"\nlearned detector: {per_line:.0f} ms of one core per utterance "
            f"(the three heads share it); model {size:.0f} MB"
        )
    print("\ngoal (new spoken wording): problem precision >= 0.90, recall >= 0.80; others 0.85 / 0.75")
    for call in ("well_run_discovery", "badly_run_pitch"):
        for label, folder in (("phrases", None), ("learned", CUE_ENCODER if learned else None)):
            if label == "learned" and folder is None:
                continue
            session = analyze_script(
                PLAYBOOK_DATA / "calls" / f"{call}.jsonl",
                CoachSettings(nudges=NudgeSettings(cue_model=folder)),
            )
            fired = ", ".join(f"{n.kind} {clock(n.t)}" for n in session.nudges.fired) or "none"
            print(f"\n{call} ({clock(session.now)}), {label}: {len(session.nudges.fired)} nudges: {fired}")


if __name__ == "__main__":
    main()
