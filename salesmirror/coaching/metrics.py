"""The figures behind the nudges, from finished utterances: questions you ask and your pace.

Together with the talk-time tracker's figures (ratio, monologues, the customer's longest story,
patience, interruptions) they make the `metrics` of a call, available live and in `analyze --json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmirror.coaching.phrases import looks_like_question, tokenize
from salesmirror.events import Speaker, Utterance


@dataclass
class UtteranceFigures:
    questions_asked: int = 0
    your_words: int = 0
    your_speaking_s: float = 0.0
    lines_heard: int = 0  # from either side: none means there were no words to count

    def add(self, utterance: Utterance) -> None:
        self.lines_heard += 1
        if utterance.speaker is not Speaker.YOU:
            return
        if looks_like_question(utterance.text):
            self.questions_asked += 1
        self.your_words += len(utterance.words) or len(tokenize(utterance.text))
        self.your_speaking_s += max(0.0, utterance.end - utterance.start)

    @property
    def questions(self) -> int | None:
        """Questions you asked; None without words (talk time only), where 0 would read as a
        verdict on the call rather than on the missing speech model."""
        return self.questions_asked if self.lines_heard else None

    @property
    def words_per_minute(self) -> float | None:
        """Your pace over the speech that was recognised (None until a few seconds of it)."""
        if self.your_speaking_s < 5.0:
            return None
        return self.your_words / self.your_speaking_s * 60.0
