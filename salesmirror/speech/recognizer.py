"""One Vosk recogniser per channel, turning its JSON into utterances with session times."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import PartialText, Speaker, Utterance, Word

RecognitionEvent = Utterance | PartialText


class ChannelRecognizer:
    """Streams one speaker's audio into a Vosk recogniser.

    Vosk's word times count the audio it was given, across utterances. The recogniser is given
    speech only, so `resume_at` tells it the session time of the audio that follows a gap; every
    gap comes after `end_utterance`, so the words of one utterance never span two pieces.
    """

    def __init__(self, model: Any, speaker: Speaker, offset_s: float = 0.0) -> None:
        import vosk

        self._recognizer = vosk.KaldiRecognizer(model, SAMPLE_RATE)
        self._recognizer.SetWords(True)
        self.speaker = speaker
        self._offset = offset_s  # session time minus Vosk's time, for the current piece
        self._fed_samples = 0
        self._last_partial = ""

    @property
    def position_s(self) -> float:
        return self._offset + self._fed_samples / SAMPLE_RATE

    def resume_at(self, session_s: float) -> None:
        """The audio that follows belongs at `session_s` in the call."""
        self._offset = session_s - self._fed_samples / SAMPLE_RATE

    def end_utterance(self) -> list[RecognitionEvent]:
        """The speaker stopped: the final result now, without waiting for Vosk's endpointing."""
        self._last_partial = ""
        return self.finish()

    def accept(self, samples: np.ndarray, partials: bool = True) -> list[RecognitionEvent]:
        """Recognise a block; `partials=False` skips the running guess (a recogniser behind)."""
        self._fed_samples += samples.size
        if self._recognizer.AcceptWaveform(samples.tobytes()):
            utterance = self._utterance(self._recognizer.Result())
            self._last_partial = ""
            return [utterance] if utterance else []
        if not partials:
            return []
        partial = json.loads(self._recognizer.PartialResult()).get("partial", "")
        if partial and partial != self._last_partial:  # Vosk repeats itself block after block
            self._last_partial = partial
            return [PartialText(self.speaker, self.position_s, partial)]
        return []

    def finish(self) -> list[RecognitionEvent]:
        utterance = self._utterance(self._recognizer.FinalResult())
        return [utterance] if utterance else []

    def _utterance(self, raw: str) -> Utterance | None:
        result = json.loads(raw)
        text = result.get("text", "").strip()
        if not text:
            return None
        words = tuple(
            Word(w["word"], self._offset + w["start"], self._offset + w["end"], w.get("conf", 1.0))
            for w in result.get("result", [])
        )
        start = words[0].start if words else self.position_s
        end = words[-1].end if words else self.position_s
        return Utterance(self.speaker, start, end, text, words)
