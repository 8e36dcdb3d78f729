"""A demo running in the live window: the material, its playback and the presenter's controls.

The demo is an ordinary call through the live pipeline — the sources are the demo's two tracks
(or a silent clock when who-speaks-when comes from a script), the words come from its script,
and the coaching core decides every nudge. Jumping ahead delivers the skipped audio at once, so
the figures stay those of the whole call. At 1× the room hears the demo's two voices through the
speakers, mixed from the very blocks the coach is given, so sound and gauge stay in step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio.speaker_output import SpeakerOutput
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.coaching.session import CoachSettings
from salesmirror.demo import DemoMaterial, rehearsal
from salesmirror.pipeline.call_pipeline import CallPipeline
from salesmirror.ui.live_session import LiveSession
from salesmirror.ui.widgets.demo_bar import SPEEDS

LEAD_IN_S = 2.0  # a jump lands this long before the nudge, so the room sees what triggers it


class DemoMode(QObject):
    changed = Signal()  # playing, paused, speed or sound changed
    sound_switched = Signal(bool)  # by the presenter: remembered for the next demo

    def __init__(
        self,
        material: DemoMaterial,
        session: LiveSession,
        start_call: Callable[[], None],
        coach_settings: Callable[[], CoachSettings],
        open_speakers: Callable[[], SpeakerOutput],
        speed: float = 1.0,
        sound_on: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.material = material
        self.session = session
        self.speed = speed
        self.sound_on = sound_on
        self.sound_problem: str | None = None  # why the speakers cannot play, once tried
        self._open_speakers = open_speakers
        self.speakers: SpeakerOutput | None = None
        self.playback: FilePlayback | None = None
        self.moments: list[float] | None = None  # when its nudges fire, once rehearsed
        self._start_call = start_call
        self._coach_settings = coach_settings
        self._restart_pending = False
        session.finished.connect(self._on_finished)
        self._rehearsal: CallPipeline | None = None
        self._rehearsal_lock = threading.Lock()
        self._closed = False
        self._rehearsing = threading.Thread(target=self._rehearse, name="demo rehearsal", daemon=True)
        self._rehearsing.start()

    def _rehearse(self) -> None:
        pipeline = rehearsal(self.material, self.material.coach_settings(self._coach_settings()))
        with self._rehearsal_lock:
            if self._closed:
                return
            self._rehearsal = pipeline
            pipeline.start()
        pipeline.wait()
        if not self._closed:
            self.moments = [n.t for n in pipeline.session.nudges.fired]

    @property
    def rehearsing(self) -> bool:
        return self._rehearsing.is_alive()

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the rehearsal if it still runs: a process that exits while it is inside the
        voice-activity runtime is aborted by the C++ runtime instead of ending cleanly."""
        with self._rehearsal_lock:
            self._closed = True
            pipeline = self._rehearsal
        if pipeline is not None:
            pipeline.stop()
        self._rehearsing.join(timeout_s)
        if self.playback is not None:
            self.playback.monitor = None
        if self.speakers is not None:
            self.speakers.close()
            self.speakers = None

    def new_playback(self) -> FilePlayback:
        self.playback = FilePlayback(self.material.tracks, speed=self.speed)
        self._connect_sound()
        return self.playback

    # --- sound --------------------------------------------------------------------------------

    @property
    def has_sound(self) -> bool:
        """A script without its recording, or a stored call, plays over a silent clock."""
        return self.material.lanes is None

    @property
    def sound_state(self) -> str:
        """What the room hears, in words for the sound switch."""
        if not self.has_sound:
            return "No sound: this demo has no recording, only its script"
        if self.sound_problem is not None:
            return f"No sound: {self.sound_problem}"
        if not self.sound_on:
            return "Sound off"
        if self.speed != 1.0:
            return "Sound plays at 1× only"
        return "Sound on"

    def toggle_sound(self) -> None:
        self.set_sound(not self.sound_on)
        self.sound_switched.emit(self.sound_on)

    def set_sound(self, on: bool) -> None:
        self.sound_on = on
        if self.speakers is not None:
            self.speakers.muted = not on
        self._connect_sound()
        self.changed.emit()

    def _connect_sound(self) -> None:
        """Open the speakers the first time there is sound to play, and feed them from playback."""
        if not (self.has_sound and self.sound_on and self.sound_problem is None):
            return
        if self.speakers is None:
            speakers = self._open_speakers()
            try:
                speakers.open()
            except AudioUnavailableError as exc:
                self.sound_problem = str(exc)
                self.changed.emit()
                return
            self.speakers = speakers
        if self.playback is not None:
            self.playback.monitor = self.speakers.play

    @property
    def playing(self) -> bool:
        return self.session.running and self.playback is not None and not self.playback.paused

    @property
    def position_s(self) -> float:
        return 0.0 if self.playback is None else self.playback.position / SAMPLE_RATE

    # --- the presenter's controls -------------------------------------------------------------

    def play_pause(self) -> None:
        if not self.session.running:
            self._start_call()
        elif self.playback is not None and self.playback.paused:
            self.playback.resume()
        elif self.playback is not None:
            self.playback.pause()
        self.changed.emit()

    def restart(self) -> None:
        if self.session.running:
            self._restart_pending = True
            self.session.stop()
        else:
            self._start_call()
        self.changed.emit()

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        if self.playback is not None:
            self.playback.set_speed(speed)
        self.changed.emit()

    def faster(self, steps: int) -> None:
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else 0
        self.set_speed(SPEEDS[min(len(SPEEDS) - 1, max(0, index + steps))])

    def next_nudge(self) -> bool:
        """Skip to just before the next nudge; False when there is none ahead (or not known yet)."""
        if self.moments is None or self.playback is None or not self.session.running:
            return False
        now = self.position_s
        ahead = [t for t in self.moments if t > now + 0.5]
        if not ahead:
            return False
        self.playback.skip_to(max(now, ahead[0] - LEAD_IN_S))
        return True

    def _on_finished(self) -> None:
        if self._restart_pending:
            self._restart_pending = False
            QTimer.singleShot(0, self._start_call)  # once every listener has seen the end
        self.changed.emit()
