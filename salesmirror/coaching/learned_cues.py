"""Customer cues from meaning, not from a phrase list: a problem, a goal or change, a competitor or
a bad past experience, however the customer words it.

Each finished customer utterance is embedded by the sentence encoder (sentence_encoder.py) and
scored by one logistic head per cue, trained on the labelled customer lines of
`tests/data/playbook/` (`tests/train_cue_heads.py` writes `salesmirror/data/cue_heads.json`). A head fires
at the probability its training chose for precision first: a wrong nudge costs the seller's trust,
a missed one only a chance. Phrase lists stay beside it: the competitor and bad-experience list
(with the user's own competitor names) fires beside its head, and the lists take over whenever
the model is not installed.

The evidence a seller sees is the customer's own words that carried the cue: the clause of the
utterance that the head scores highest, quoted.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from salesmirror.coaching.phrases import tokenize
from salesmirror.coaching.sentence_encoder import CUE_ENCODER_NAME, ENCODER_FILE, SentenceEncoder
from salesmirror.coaching.utterance_cues import CueDetector, elephant_detector
from salesmirror.model_files import ModelError
from salesmirror.resource_files import resource_path

LEARNED_KINDS = ("problem", "dig_deeper", "elephant")
_EVIDENCE_WORDS = 12
# Clause boundaries in recognised speech (no punctuation): conjunctions that start a new thought.
_CLAUSE_BREAK = re.compile(r"[.,;:!?]+|\b(?:and|but|so|because|cause|which|although|though)\b")


@dataclass(frozen=True)
class CueHead:
    """One cue's logistic head: probability = sigmoid(vector · weights + bias)."""

    weights: np.ndarray
    bias: float
    threshold: float

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        logistic: np.ndarray = 1.0 / (1.0 + np.exp(-(vectors @ self.weights + self.bias)))
        return logistic


def cue_model_folder(models_dir: Path) -> Path:
    return models_dir / CUE_ENCODER_NAME


def cue_model_installed(models_dir: Path) -> bool:
    return (cue_model_folder(models_dir) / ENCODER_FILE).is_file()


@lru_cache(maxsize=1)
def load_heads() -> dict[str, CueHead]:
    data = json.loads(resource_path("cue_heads.json").read_text(encoding="utf-8"))
    return {
        kind: CueHead(np.asarray(head["weights"], np.float32), float(head["bias"]), float(head["threshold"]))
        for kind, head in data["heads"].items()
    }


class SharedEncoder:
    """The sentence encoder of one model folder, shared by every call and thread of the process
    (85 MB of weights), remembering its latest texts: the three cue heads read the same utterance,
    which is then encoded once."""

    _REMEMBERED = 16

    def __init__(self, folder: Path) -> None:
        self._encoder = SentenceEncoder(folder)
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._recent.get(text)
            if vector is None:
                vector = self._recent[text] = self._encoder.encode(text)
                if len(self._recent) > self._REMEMBERED:
                    self._recent.popitem(last=False)
            return vector


_encoders: dict[Path, SharedEncoder] = {}
_encoders_lock = threading.Lock()


def shared_encoder(folder: Path) -> SharedEncoder:
    """One encoder per model folder for the whole process, loaded at its first use (a fraction of
    a second)."""
    with _encoders_lock:
        encoder = _encoders.get(folder)
        if encoder is None:
            encoder = _encoders[folder] = SharedEncoder(folder)
        return encoder


class LearnedCueDetector:
    """The same question as a phrase-list `CueDetector` (does this utterance carry the cue? on
    what words?), answered by the sentence encoder and the cue's head; `extra` detectors (the
    user's competitor names) fire as well."""

    def __init__(self, kind: str, encoder: SharedEncoder, extra: CueDetector | None = None) -> None:
        self.kind = kind
        self._encoder = encoder
        self._head = load_heads()[kind]
        self._extra = extra

    quotes_customer = True

    def probability(self, text: str) -> float:
        return float(self._head.probabilities(self._encoder.encode(text)))

    def evidence(self, text: str) -> str | None:
        if not tokenize(text):
            return None
        if self.probability(text) >= self._head.threshold:
            return self._carrying_words(text)
        if self._extra is not None and self._extra.evidence(text) is not None:
            return self._carrying_words(text)
        return None

    def _carrying_words(self, text: str) -> str:
        """The clause the head scores highest, in the customer's words, at most a dozen of them."""
        clauses = [c.strip() for c in _CLAUSE_BREAK.split(text) if c and len(c.split()) >= 3]
        if len(clauses) > 1:
            vectors = np.stack([self._encoder.encode(c) for c in clauses])
            text = clauses[int(np.argmax(self._head.probabilities(vectors)))]
        words = text.split()
        return " ".join(words[:_EVIDENCE_WORDS]) + (" …" if len(words) > _EVIDENCE_WORDS else "")


def describe_cue_detector(cue_model: Path | None) -> str:
    """Which detector hears the customer's problems, goals and competitors, said plainly."""
    if cue_model is not None:
        return "learned model (multilingual-e5-small): hears problems, goals and competitors in any wording"
    return "phrase lists: download the customer-cue model in the model manager to hear new wording"


def learned_detectors(
    folder: Path | None, competitors: Iterable[str] = ()
) -> dict[str, LearnedCueDetector] | None:
    """The learned detector of each kind, or None when the model is not installed or cannot be
    read (the phrase lists then serve alone)."""
    if folder is None or not (folder / ENCODER_FILE).is_file():
        return None
    try:
        encoder = shared_encoder(folder)
    except ModelError:
        return None
    return {
        "problem": LearnedCueDetector("problem", encoder),
        "dig_deeper": LearnedCueDetector("dig_deeper", encoder),
        # The competitor and bad-experience phrase list is as precise as the head (0.96-1.00 on
        # every labelled set) and hears named rivals the head has never seen: either one fires.
        "elephant": LearnedCueDetector("elephant", encoder, elephant_detector(competitors)),
    }
