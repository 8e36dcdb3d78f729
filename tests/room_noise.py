"""Real rooms are never silent: the noise a microphone hears beside a call, made reproducibly.

The shared recordings are digitally silent outside each speaker's turns. A seller's microphone
hears typing, other people, fans and line hiss; every talk-time test and benchmark mixes one of
these in. All noise is generated from a seed (typing, pink and brown noise, line hiss) or built
from other real recordings in tests/data (babble), never from the call it is mixed into, so no
voice of the call is counted twice. tests/data/NOTICE.md describes each kind.
"""

from __future__ import annotations

import numpy as np
import soundfile
from recordings import CONVERSATIONS, RATE, SPEECH

NOISE_KINDS = ("clicks", "pink", "brown", "babble", "hiss")

# Recordings whose voices make the babble of a room (each is used only for calls it is not part of).
_BABBLE_SOURCES = (
    CONVERSATIONS / "ami_trn05.wav",
    CONVERSATIONS / "ami_dev00.wav",
    CONVERSATIONS / "ami_dev01.wav",
    CONVERSATIONS / "ami_trn03.wav",
    SPEECH / "librispeech_2412-153948-0000.flac",
    SPEECH / "jfk.flac",
    SPEECH / "stereo_diarization.wav",
)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _coloured(size: int, exponent: float, seed: int) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (1: pink, 2: brown), unit RMS."""
    spectrum = np.fft.rfft(_rng(seed).standard_normal(size))
    freqs = np.fft.rfftfreq(size, 1 / RATE)
    freqs[0] = freqs[1]
    shaped = np.fft.irfft(spectrum / freqs ** (exponent / 2), size)
    shaped -= shaped.mean()
    return shaped / np.sqrt(np.mean(shaped**2))


def _keystroke(rng: np.random.Generator) -> np.ndarray:
    """One key: a sharp press click and a softer release, each a burst with a case resonance."""
    out = np.zeros(int(0.16 * RATE))
    for at_s, gain in ((0.0, 1.0), (rng.uniform(0.06, 0.12), rng.uniform(0.3, 0.6))):
        n = int(0.025 * RATE)
        t = np.arange(n) / RATE
        burst = rng.standard_normal(n) * np.exp(-t / rng.uniform(0.0015, 0.004))
        resonance = np.sin(2 * np.pi * rng.uniform(1800, 4500) * t) * np.exp(-t / 0.006)
        click = np.diff(burst, prepend=0.0) + 0.5 * resonance  # the diff keeps it bright, like a key
        start = int(at_s * RATE)
        out[start : start + n] += gain * click
    return out


def clicks(size: int, seed: int = 1) -> np.ndarray:
    """Typing: keystrokes 100-300 ms apart in words, with gaps between words and thinking pauses."""
    rng = _rng(seed)
    out = np.zeros(size + RATE)
    at = int(rng.uniform(0, 0.5) * RATE)
    while at < size:
        for _ in range(rng.integers(2, 9)):  # one word
            key = _keystroke(rng) * 10 ** (rng.uniform(-6, 3) / 20)
            fits = max(0, min(key.size, out.size - at))
            out[at : at + fits] += key[:fits]
            at += int(rng.lognormal(np.log(0.17), 0.3) * RATE)
        at += int((rng.uniform(0.15, 0.4) if rng.random() < 0.85 else rng.uniform(1.0, 3.0)) * RATE)
    out = out[:size]
    return out / np.sqrt(np.mean(out**2))


def babble(size: int, exclude: str = "", seed: int = 3, voices: int = 6) -> np.ndarray:
    """Other people talking in the room: several real recordings, shifted and summed."""
    rng = _rng(seed)
    sources = [p for p in _BABBLE_SOURCES if exclude == "" or exclude not in p.stem]
    out = np.zeros(size)
    for i in range(voices):
        audio, rate = soundfile.read(str(sources[i % len(sources)]), dtype="float64", always_2d=True)
        assert rate == RATE or sources[i % len(sources)].stem == "jfk"
        track = audio[:, i % audio.shape[1]]
        if rate != RATE:
            track = (
                track[:: round(rate / RATE)]
                if rate % RATE == 0
                else np.interp(np.arange(0, track.size, rate / RATE), np.arange(track.size), track)
            )
        track = np.roll(np.resize(track, size), int(rng.integers(0, max(1, track.size))))
        out += track / max(1e-9, np.sqrt(np.mean(track**2)))
    return out / np.sqrt(np.mean(out**2))


def hiss(size: int, seed: int = 5) -> np.ndarray:
    """A telephone line's floor: band-limited (300-3400 Hz) hiss with a little mains hum."""
    spectrum = np.fft.rfft(_rng(seed).standard_normal(size))
    freqs = np.fft.rfftfreq(size, 1 / RATE)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    line = np.fft.irfft(spectrum, size)
    line += 0.3 * np.sqrt(np.mean(line**2)) * np.sin(2 * np.pi * 50 * np.arange(size) / RATE)
    return line / np.sqrt(np.mean(line**2))


def noise(kind: str, size: int, exclude: str = "", seed: int = 0) -> np.ndarray:
    """Unit-RMS noise of one kind, `size` samples at 16 kHz."""
    if kind == "clicks":
        return clicks(size, 1 + seed)
    if kind == "pink":
        return _coloured(size, 1.0, 2 + seed)
    if kind == "brown":
        return _coloured(size, 2.0, 4 + seed)
    if kind == "babble":
        return babble(size, exclude, 3 + seed)
    if kind == "hiss":
        return hiss(size, 5 + seed)
    raise ValueError(f"unknown noise kind {kind!r}; choose from {', '.join(NOISE_KINDS)}")


def speech_rms(audio: np.ndarray) -> float:
    """The active speech level: RMS over the 20 ms frames that are not (near) silent."""
    x = audio.astype(np.float64)
    frames = x[: x.size - x.size % 320].reshape(-1, 320)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = rms[rms > rms.max() / 100]
    return float(np.sqrt(np.mean(loud**2))) if loud.size else 0.0


def _to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def add_noise(audio: np.ndarray, kind: str, snr_db: float, exclude: str = "", seed: int = 0) -> np.ndarray:
    """The recording with noise mixed in `snr_db` below its active speech level."""
    level = speech_rms(audio) * 10 ** (-snr_db / 20)
    return _to_int16(audio.astype(np.float64) + level * noise(kind, audio.size, exclude, seed))


def at_dbfs(kind: str, seconds: float, dbfs: float, exclude: str = "", seed: int = 0) -> np.ndarray:
    """Noise alone (nobody speaking), its RMS `dbfs` below full scale."""
    return _to_int16(32768 * 10 ** (dbfs / 20) * noise(kind, int(seconds * RATE), exclude, seed))


def with_floor(audio: np.ndarray, snr_db: float = 40.0, seed: int = 0) -> np.ndarray:
    """A quiet, realistic floor under a recording: line hiss `snr_db` below its speech (a quiet
    room, a good line), never quieter than -80 dBFS."""
    level = max(speech_rms(audio) * 10 ** (-snr_db / 20), 32768 * 10 ** (-80 / 20))
    return _to_int16(audio.astype(np.float64) + level * hiss(audio.size, 5 + seed))
