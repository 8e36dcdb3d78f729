"""Single-microphone attribution with enrolment: the mixed recording as the one microphone, the
voice enrolled from a different part of the same speaker's speech (AMI dev00 and dev01 share two
speakers, so each enrols from the other recording; pyannote's speakers enrol from their turns
after 18 s). Prints the talk-ratio error and frames right for a recording (`analyze --mono`, both
voices fitted to the whole call) and for the same call live (judged as it happens, about 1.6 s
behind), and the processor time per minute of audio.

Then the one-voice case: two minutes of each AMI speaker alone (their turns with the other's
speech cut out), where all the talk is yours and the monologue nudge is due at 90 s.

Every recording gets a quiet realistic floor (line hiss 40 dB below the speech): real rooms are
never digitally silent; the last columns add brown noise 10 dB under the speech.

The "ceiling" columns score a perfect speaker labeller working on the same voice activity: every
frame of speech gets exactly one label, as in this mode, so overlapping speech and the pause
bridging cost what no voice print can win back. No single-microphone attribution of this design
can beat them."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (salesmirror/launch.py)
import sys
import time
from pathlib import Path

import numpy as np
import soundfile
from _calls import TESTS

sys.path.insert(0, str(TESTS))

from recordings import (
    CONVERSATIONS,
    RATE,
    alone_audio,
    read_rttm,
    scored_labels,
    speakers_by_talk_time,
    turns_audio,
)
from room_noise import add_noise, with_floor

from salesmirror.audio_format import FRAME_SAMPLES
from salesmirror.coaching.session import CoachingSession, CoachSettings
from salesmirror.coaching.voice_activity import ChannelActivity
from salesmirror.speech.speaker_id import (
    VoiceAttribution,
    VoicePrint,
    attribute_single_microphone,
    enroll,
    speech_frames,
)
from salesmirror.speech.voice_encoder import VOICE_ENCODER_NAME, VoiceEncoder

VOICE_ENCODER = Path(
    os.environ.get("SALESMIRROR_TEST_VOICE_ENCODER", TESTS.parent / ".venv" / VOICE_ENCODER_NAME)
)


def load(name: str) -> np.ndarray:
    return with_floor(soundfile.read(str(CONVERSATIONS / f"{name}.wav"), dtype="int16")[0])


def ceiling(mix: np.ndarray, turns, you: str) -> list[tuple[bool, bool]]:
    """A perfect labeller on the mix's own voice activity: speech is yours where your turn covers it."""
    yours = [(t.start, t.end) for t in turns if t.speaker == you]
    labelled = []
    for index, speaking in enumerate(speech_frames(mix)):
        mine = any(a <= (index + 0.5) * 0.02 < b for a, b in yours)
        labelled.append((speaking and mine, speaking and not mine))
    return labelled


def attribute_recording(mix: np.ndarray, encoder: VoiceEncoder, voice: VoicePrint) -> list[tuple[bool, bool]]:
    """As `analyze --mono` streams a file: a second at a time, judged at the end."""
    return attribute_single_microphone(np.array_split(mix, range(RATE, mix.size, RATE)), encoder, voice)


def attribute_live(mix: np.ndarray, encoder: VoiceEncoder, voice: VoicePrint) -> list[tuple[bool, bool]]:
    """As the live pipeline feeds it: 100 ms blocks, labels as soon as they are released."""
    attribution, activity = VoiceAttribution(encoder, voice), ChannelActivity()
    frames: list[tuple[bool, bool]] = []
    for at in range(0, mix.size, 5 * FRAME_SAMPLES):
        block = mix[at : at + 5 * FRAME_SAMPLES]
        frames += attribution.feed(block, activity.feed(block))
    frames += attribution.feed(np.zeros(0, dtype=np.int16), activity.flush())
    return frames + attribution.finish()


def coached(frames: list[tuple[bool, bool]]) -> tuple[float, list[float]]:
    """Your share of the talk and when the monologue nudge fired, as the live session sees them."""
    fired: list[float] = []
    session = CoachingSession(
        CoachSettings().on_one_channel(),
        on_nudge=lambda n: fired.append(n.t) if n.kind == "monologue" else None,
    )
    for you, them in frames:
        session.on_frame(you, them)
    session.finish()
    return session.figures().ratio_you, fired


def enrolled(encoder: VoiceEncoder, enrolment: np.ndarray) -> VoicePrint:
    # Short enrolment material is repeated to the 8 s that enrolment asks for.
    return enroll(encoder, np.tile(enrolment, 1 + int(20 * RATE / enrolment.size)))


def alone(encoder: VoiceEncoder, quick: bool) -> None:
    """Only you, for two minutes: your share of the talk and the monologue nudge's time."""
    print(f"\n{'only you, 2 min':16} {'you':10} {'recording':>10} {'live':>10} {'monologue nudge':>16}")
    cases = [(name, other, speaker) for name, other in PAIRED for speaker in ("MEE009", "MEE012")]
    for name, other, speaker in cases[:1] if quick else cases:
        voice = enrolled(encoder, turns_audio(other, speaker))
        audio = with_floor(alone_audio(name, speaker, 120))
        recorded, _ = coached(attribute_recording(audio, encoder, voice))
        live, fired = coached(attribute_live(audio, encoder, voice))
        nudged = ", ".join(f"{t:.1f} s" for t in fired) or "none"
        print(f"{name:16} {speaker:10} {100 * recorded:>8.1f} % {100 * live:>8.1f} % {nudged:>16}")
    print("goal: at least 90 % yours, the monologue nudge at 90 ± 5 s")


PAIRED = (("ami_dev00", "ami_dev01"), ("ami_dev01", "ami_dev00"))


def main() -> None:
    encoder = VoiceEncoder(VOICE_ENCODER)
    cases = [
        (name, speaker, turns_audio(other, speaker))
        for name, other in PAIRED
        for speaker in ("MEE009", "MEE012")
    ] + [
        ("pyannote_sample", speaker, turns_audio("pyannote_sample", speaker, after_s=18))
        for speaker in ("speaker90", "speaker91")
    ]
    if "--quick" in sys.argv:  # one case, to prove the script runs
        cases = cases[:1]
    print(f"{'':27} {'recording':>20} {'live':>20} {'ceiling':>20} {'recording, brown 10 dB':>22}")
    print(f"{'recording':16} {'you':10}" + f" {'ratio':>9} {'frames':>10}" * 4)
    spent = {"enrolment": 0.0, "recording": 0.0, "live": 0.0}
    audio_s = 0.0
    for name, you, enrolment in cases:
        turns = read_rttm(name)
        them = next(s for s in speakers_by_talk_time(turns) if s != you)
        mix = load(name)
        started = time.process_time()
        voice = enrolled(encoder, enrolment)
        spent["enrolment"] += time.process_time() - started
        columns = []
        for label, attribute in (("recording", attribute_recording), ("live", attribute_live)):
            started = time.process_time()
            frames = attribute(mix, encoder, voice)
            spent[label] += time.process_time() - started
            columns.append(scored_labels(frames, turns, you, them))
        columns.append(scored_labels(ceiling(mix, turns, you), turns, you, them))
        noisy = add_noise(mix, "brown", 10)  # a fan or traffic 10 dB under the speech
        columns.append(scored_labels(attribute_recording(noisy, encoder, voice), turns, you, them))
        audio_s += mix.size / RATE
        print(f"{name:16} {you:10}" + "".join(f" {e:>+6.1f} pp {100 * r:>8.1f} %" for e, r in columns))
    print("goal: mean within 10 pp, none worse than 20 pp")
    print(
        "processor time per minute of audio (all threads): "
        + ", ".join(f"{label} {seconds / audio_s * 60:.1f} s" for label, seconds in spent.items())
    )
    alone(encoder, "--quick" in sys.argv)


if __name__ == "__main__":
    main()
