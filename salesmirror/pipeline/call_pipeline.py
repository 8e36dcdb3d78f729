"""Runs one call: sources → voice activity → coaching session, with recognisers beside it.

Threads: each source delivers from its own thread (or PortAudio's callback) into the inbox; one
analysis worker owns the coaching session and handles the inbox in order; one recognition worker
per channel turns audio into words. The UI never waits on any of them: it reads `latest()` (a
mailbox holding the newest snapshot) on a timer and gets nudges and transcript lines through the
listener, called from the analysis worker.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, assert_never

import numpy as np

from salesmirror.audio.source import AudioBlock, AudioSource, SourceEnded, SourceEvent
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.coaching.echo_leak import EchoLeakMonitor, echo_heard_message
from salesmirror.coaching.script import GivenSpeech
from salesmirror.coaching.session import CoachingSession, CoachSettings
from salesmirror.coaching.voice_activity import ChannelActivity, TurnBridge, feed_channels
from salesmirror.events import CautionKind, Nudge, PartialText, Speaker, TalkFigures, Utterance
from salesmirror.model_files import ModelError
from salesmirror.pipeline.channel_audio import (
    AsDelivered,
    ChannelAudio,
    ChannelBlocks,
    Gathered,
    WithoutEcho,
)
from salesmirror.pipeline.frame_alignment import AlignedChannels
from salesmirror.pipeline.recognition import (
    RecognitionSkipped,
    RecognitionWorker,
    RecognizerDone,
    SharedModel,
)
from salesmirror.pipeline.single_microphone import (
    FramesAttributed,
    JudgeDone,
    LinesByVoice,
    SingleMicrophoneSetup,
    VoiceJudge,
)
from salesmirror.pipeline.speech_gate import TURN_END_S, SpeechGate
from salesmirror.sessions.journal import SessionJournal
from salesmirror.speech.speaker_id import VoicesHeard

# What is kept with the call once a channel's room has been noisy for a while: the floor estimate
# can rise for half a second in a long monologue (the bundled demo at 0:35), which is no noisy room.
_NOISY = {Speaker.YOU: CautionKind.NOISY_YOU, Speaker.THEM: CautionKind.NOISY_THEM}
_NOISY_FOR_S = 5.0
# Flat-out analysis may run this many blocks ahead of the analysis worker and recognisers.
_FAST_BACKLOG_BLOCKS = 64
# The UI reads snapshots at 10 Hz; building them more often than this is wasted work.
_PUBLISH_EVERY_S = 0.05
# Live audio is analysed in pieces of at least this many samples (see Gathered).
_ANALYSIS_BLOCK_SAMPLES = round(0.24 * SAMPLE_RATE)
# At the end of a call, how long the analysis worker waits for the journal to commit the rest.
_JOURNAL_CLOSE_S = 10.0


class PipelineListener(Protocol):
    """Receives events from the analysis worker's thread; implementations must not block."""

    def on_nudge(self, nudge: Nudge) -> None: ...
    def on_utterance(self, utterance: Utterance) -> None: ...
    def on_partial(self, partial: PartialText) -> None: ...
    def on_problem(self, message: str) -> None: ...
    def on_finished(self) -> None: ...


class ProblemCollector:
    """The listener of a headless run: the session keeps the results; problems are gathered."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def on_nudge(self, nudge: Nudge) -> None:
        pass

    def on_utterance(self, utterance: Utterance) -> None:
        pass

    def on_partial(self, partial: PartialText) -> None:
        pass

    def on_problem(self, message: str) -> None:
        self.problems.append(message)

    def on_finished(self) -> None:
        pass


class Recognition(StrEnum):
    """Where the call's speech recognition stands."""

    OFF = "off"  # no model: talk time only
    LOADING = "loading"  # the model is still being read; the audio waits in the queues
    ON = "on"
    FAILED = "failed"  # the model failed to load or broke mid-call (the problem was said)


@dataclass(slots=True)
class Snapshot:
    """What the window's timer reads: the latest figures and live lights."""

    figures: TalkFigures = field(default_factory=TalkFigures)
    you_speaking: bool = False
    them_speaking: bool = False
    recognition: Recognition = Recognition.OFF
    snoozed_for_s: float = 0.0  # how much longer nudges stay silent
    noisy: tuple[Speaker, ...] = ()  # channels whose noise floor is close to their speech
    voices: VoicesHeard | None = None  # single microphone: what the voice judge has found so far
    dropped_blocks: int = 0  # audio the devices lost because the computer fell behind


@dataclass(frozen=True, slots=True)
class _Snooze:
    seconds: float | None  # None: nudges again from now on


class _Stop:
    pass


# Everything the analysis worker is sent, by sources, recognisers, the judging worker and the UI:
# a closed set, handled in one `match` in `CallPipeline._run`.
_InboxMessage = (
    AudioBlock
    | SourceEnded
    | Utterance
    | PartialText
    | _Snooze
    | RecognizerDone
    | FramesAttributed
    | JudgeDone
    | ModelError
    | RecognitionSkipped
    | _Stop
)


class CallPipeline:
    """One call from start to finish. Not reusable: build a new one per call."""

    def __init__(
        self,
        sources: list[AudioSource],
        listener: PipelineListener,
        *,
        settings: CoachSettings | None = None,
        model: SharedModel | None = None,
        flat_out: bool = False,
        cancel_echo: bool = False,
        single_microphone: SingleMicrophoneSetup | None = None,
        journal: SessionJournal | None = None,
        script: list[Utterance] | None = None,
        speech_lanes: dict[Speaker, bytearray] | None = None,
    ) -> None:
        self._sources = sources
        self._listener = listener
        self.journal = journal
        if single_microphone is not None:
            settings = (settings or CoachSettings()).on_one_channel()
        self.session = CoachingSession(settings, on_nudge=listener.on_nudge, observer=journal)
        self._inbox: queue.Queue[_InboxMessage] = queue.Queue()
        self._credits = threading.Semaphore(_FAST_BACKLOG_BLOCKS) if flat_out else None
        self._stopping = threading.Event()
        speakers = [s for source in sources for s in source.speakers]
        both = Speaker.YOU in speakers and Speaker.THEM in speakers
        # Two detected channels (speech lanes given by a script are final as they are) are bridged
        # together, so that a pause in which one side gave way is a turn change.
        two_detected = both and single_microphone is None and speech_lanes is None
        # Who speaks when: detected in each channel's audio, or given by lanes (a script or a
        # stored call without audio, whose silent tracks only keep the clock and are never analysed).
        # Your own microphone hears you loudest; one microphone for both voices cannot assume that.
        self._activity: dict[Speaker, ChannelActivity | GivenSpeech] = {
            s: GivenSpeech(speech_lanes.get(s, bytearray()))
            if speech_lanes is not None
            else ChannelActivity(
                own_voice=s is Speaker.YOU and single_microphone is None, bridged=not two_detected
            )
            for s in speakers
        }
        # Each side's pauses are bridged further while its room is noisy.
        you, them = (self._activity.get(s) for s in (Speaker.YOU, Speaker.THEM))
        self._turns = (
            TurnBridge(rooms=(you.room, them.room))
            if isinstance(you, ChannelActivity) and isinstance(them, ChannelActivity) and two_detected
            else None
        )
        self._heard_at = {s: time.monotonic() for s in speakers}  # when each last delivered audio
        self._aligned = AlignedChannels(
            speakers, self._step, heard_at=self._heard_at, turns=self._turns, flat_out=flat_out
        )
        self._open_sources = set(speakers)
        # Two streams through speakers: "them" is the reference for removing their echo from you.
        self._channels: ChannelAudio = Gathered(
            WithoutEcho() if cancel_echo and both else AsDelivered(), _ANALYSIS_BLOCK_SAMPLES
        )
        # Two streams: is the call's sound still in your microphone after that (or with a headset)?
        self._echo_leak = EchoLeakMonitor() if two_detected else None
        self._echo_heard = echo_heard_message(removing_echo=cancel_echo)
        self._noisy_since: dict[Speaker, float] = {}  # session time each noisy channel became so
        self._model = model
        self._recognizers = {
            s: RecognitionWorker(s, self._model, self._inbox.put, _FAST_BACKLOG_BLOCKS if flat_out else 0)
            for s in speakers
            if self._model is not None
        }
        # Each recogniser hears its channel's speech only, and each turn's end.
        self._gates = {s: SpeechGate() for s in self._recognizers}
        # One microphone hearing both sides: its speech is judged against your enrolled voice.
        self._judge = VoiceJudge(single_microphone, self._inbox.put) if single_microphone else None
        self._voices = VoicesHeard.NOT_YET if single_microphone else None
        # One microphone: its voice activity cannot say whose voice it hears, so the lights show
        # the judge's latest (you, them), as far behind as the figures.
        self._judged_now = (False, False)
        self._lines_by_voice = LinesByVoice() if single_microphone else None
        # Words from a timed script (a demo, or trainers' material): each line reaches the session
        # when the audio reaches its end, as a recogniser's final result would.
        self._script = deque(sorted(script or [], key=lambda u: u.end))
        self._samples_in = {s: 0 for s in speakers}  # as delivered: where on its channel a block starts
        self._latest = Snapshot(recognition=Recognition.LOADING if self._model else Recognition.OFF)
        self._model_error_reported = False
        self._recognition_failed = False  # a recogniser could not be made, or stopped
        self._published_at = 0.0
        self._thread = threading.Thread(target=self._run, name="analysis")
        self.finished = threading.Event()
        self.failure: Exception | None = None  # what stopped the analysis early, if anything did

    # --- control (any thread) -------------------------------------------------------------

    def start(self) -> None:
        """Start recognition, the analysis worker and capture; raises if a device cannot open."""
        self._heard_at.update(dict.fromkeys(self._heard_at, time.monotonic()))  # shared with _aligned
        if self.journal is not None:
            self.journal.start()
        if self._model is not None:
            self._model.start()
        for worker in self._recognizers.values():
            worker.start()
        if self._judge is not None:
            self._judge.start()
        self._thread.start()
        try:
            for source in self._sources:
                source.start(self._sink)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        """Ask everything to wind down; returns at once (the GUI thread calls this)."""
        self._stopping.set()
        for source in self._sources:
            source.stop()
        if self._credits is not None:
            self._credits.release(_FAST_BACKLOG_BLOCKS)
        self._inbox.put(_Stop())

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the call is fully processed (for the CLI and tests, never the GUI)."""
        return self.finished.wait(timeout)

    def submit(self, event: Utterance | PartialText) -> None:
        """Hand the analysis worker a recognition event from outside the recognisers (a timed
        script standing in for a model); it is handled in order with the audio."""
        self._inbox.put(event)

    def snooze(self, seconds: float | None) -> None:
        """Silence nudges for `seconds` of the call (None: resume). Handled in order on the worker."""
        self._inbox.put(_Snooze(seconds))

    def latest(self) -> Snapshot:
        """The newest snapshot: a reference swap, safe to read from any thread."""
        return self._latest

    # --- delivery from sources ------------------------------------------------------------

    def _sink(self, event: SourceEvent) -> None:
        if self._credits is not None and isinstance(event, AudioBlock):
            self._credits.acquire()
            if self._stopping.is_set():
                return
        self._inbox.put(event)

    # --- the analysis worker ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._analyse()
        except Exception as exc:  # a defect, not bad input: said plainly, and the call still ends
            self.failure = exc
            self._listener.on_problem(f"The analysis stopped unexpectedly ({type(exc).__name__}: {exc}).")
            self.stop()  # the sources, and a flat-out source waiting for room in the queue
            for worker in self._recognizers.values():
                worker.cancel()
            if self._judge is not None:
                self._judge.stop()
            self._join_recognizers()
        self._end_call()

    def _analyse(self) -> None:
        waiting_for: set[object] = set(self._recognizers)
        if self._judge is not None:
            waiting_for.add(JudgeDone)
        stopped = False
        while self._open_sources or waiting_for:
            match self._inbox.get():
                case AudioBlock() as block:
                    self._on_audio(block)
                case Utterance() as utterance:
                    self._recognised(utterance)
                case PartialText() as partial:
                    self._listener.on_partial(partial)
                case _Snooze(seconds=seconds):
                    if seconds is None:
                        self.session.resume_nudges()
                    else:
                        self.session.snooze(seconds)
                    self._publish()
                case SourceEnded() as ended:
                    self._on_source_ended(ended)
                case RecognizerDone(speaker=speaker):
                    waiting_for.discard(speaker)
                case FramesAttributed() as attributed:
                    self._step_attributed(attributed)
                case JudgeDone():
                    waiting_for.discard(JudgeDone)
                case ModelError() | RecognitionSkipped() as problem:
                    self._recognition_failed |= isinstance(problem, ModelError)
                    self._listener.on_problem(str(problem))
                case _Stop():
                    if not stopped:
                        stopped = True
                        for speaker in list(self._open_sources):
                            self._on_source_ended(SourceEnded(speaker))
                        for worker in self._recognizers.values():
                            worker.cancel()
                case unexpected:
                    assert_never(unexpected)
            if time.monotonic() - self._published_at >= _PUBLISH_EVERY_S:
                self._publish()
        self._join_recognizers()
        self._aligned.finish()
        if self._lines_by_voice is not None:
            self._say_all(self._lines_by_voice.finish())
        while self._script:  # lines past the end of the audio
            self._said(self._script.popleft())

    def _end_call(self) -> None:
        """Close the session and its journal and say the call is over (after a failure too)."""
        try:
            self.session.finish()
            if self.journal is not None:
                self.journal.wait(_JOURNAL_CLOSE_S)
            self._publish()
        finally:
            self.finished.set()
            self._listener.on_finished()

    def _on_audio(self, block: AudioBlock) -> None:
        speaker = block.speaker
        self._heard_at[speaker] = time.monotonic()
        if block.after_loss:
            self.session.on_audio_lost(speaker, self._samples_in[speaker] / SAMPLE_RATE)
        self._samples_in[speaker] += len(block.samples)
        if speaker in self._open_sources:
            self._hear_all(self._channels.push(speaker, block.samples))
        if self._credits is not None:
            self._credits.release()

    def _hear_all(self, blocks: ChannelBlocks) -> None:
        # Voice activity first, for all the blocks at once: the channels share the network's runs.
        decided = feed_channels([(self._activity[speaker], samples) for speaker, samples in blocks])
        for (speaker, samples), decisions in zip(blocks, decided, strict=True):
            self._hear(speaker, samples, decisions)

    def _hear(self, speaker: Speaker, samples: np.ndarray, decisions: list[bool]) -> None:
        """One channel's audio, echo already removed, and its voice activity: recognition, figures."""
        activity = self._activity[speaker]
        if activity.noisy:
            since = self._noisy_since.setdefault(speaker, self.session.now)
            if self.session.now - since >= _NOISY_FOR_S:
                self.session.on_caution(_NOISY[speaker], since)
        else:
            self._noisy_since.pop(speaker, None)
        if self._echo_leak is not None and self._echo_leak.push(speaker, samples):
            self._listener.on_problem(self._echo_heard)
            self.session.on_caution(CautionKind.ECHO_HEARD)
        if self.journal is not None:
            self.journal.keep_audio(speaker, samples)
        worker = self._recognizers.get(speaker)
        if worker is not None:
            voice = activity.heard_voice_within(TURN_END_S)
            for item in self._gates[speaker].push(samples, voice):
                worker.feed(item)
        if self._judge is not None:
            self._judge.feed(samples, decisions)
        else:
            self._aligned.decided(speaker, decisions)

    def _step_attributed(self, attributed: FramesAttributed) -> None:
        self._voices = attributed.voices
        if attributed.frames:
            self._judged_now = attributed.frames[-1]
        for you, them in attributed.frames:
            self._step(you, them)
        if self._lines_by_voice is not None:
            self._say_all(self._lines_by_voice.frames(attributed.frames))

    def _recognised(self, utterance: Utterance) -> None:
        """A recogniser's final line; with one microphone, held until its voice is judged."""
        if self._lines_by_voice is None:
            self._said(utterance)
        else:
            self._say_all(self._lines_by_voice.line(utterance))

    def _step(self, you: bool, them: bool) -> None:
        self.session.on_frame(you, them)
        while self._script and self._script[0].end <= self.session.now:
            self._said(self._script.popleft())

    def _say_all(self, utterances: list[Utterance]) -> None:
        for utterance in utterances:
            self._said(utterance)

    def _said(self, utterance: Utterance) -> None:
        self.session.on_utterance(utterance)
        self._listener.on_utterance(utterance)

    def _on_source_ended(self, event: SourceEnded) -> None:
        if event.speaker not in self._open_sources:
            return
        if event.error:
            self._listener.on_problem(event.error)
        self._hear_all(self._channels.end(event.speaker))
        rest = self._activity[event.speaker].flush()
        if self._judge is not None:
            self._judge.feed(np.zeros(0, dtype=np.int16), rest)
            self._judge.stop()
        else:
            self._aligned.ended(event.speaker, rest)
        self._open_sources.discard(event.speaker)
        worker = self._recognizers.get(event.speaker)
        if worker is not None:
            worker.end()

    def _join_recognizers(self) -> None:
        for worker in self._recognizers.values():
            worker.join()
        if self._judge is not None:
            self._judge.join()

    def _publish(self) -> None:
        recognition = Recognition.OFF
        if self._model is not None:
            if self._recognition_failed:
                recognition = Recognition.FAILED
            elif self._model.error:
                recognition = Recognition.FAILED
                if not self._model_error_reported:
                    self._model_error_reported = True
                    self._listener.on_problem(self._model.error)
            elif self._model.model is not None:
                recognition = Recognition.ON
            else:
                recognition = Recognition.LOADING
        self._published_at = time.monotonic()
        snoozed_until = self.session.nudges.snoozed_until
        self._latest = Snapshot(
            snoozed_for_s=max(0.0, (snoozed_until or 0.0) - self.session.now),
            figures=self.session.figures(),
            you_speaking=self._speaking(Speaker.YOU),
            them_speaking=self._speaking(Speaker.THEM),
            recognition=recognition,
            noisy=tuple(s for s, activity in self._activity.items() if activity.noisy),
            voices=self._voices,
            dropped_blocks=len(self.session.audio_lost),
        )

    def _speaking(self, speaker: Speaker) -> bool:
        if self._judge is not None:
            return self._judged_now[0 if speaker is Speaker.YOU else 1]
        activity = self._activity.get(speaker)
        return activity is not None and speaker in self._open_sources and activity.in_speech
