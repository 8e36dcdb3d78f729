"""A speaker-embedding model for telling your voice from theirs: the GE2E voice encoder published
with Resemblyzer (Apache-2.0), run in NumPy.

Why this model: on the shared recordings it separates two voices in 1.6 s of speech far better
than Vosk's x-vectors did in 3 s (README, Measured), it needs no speech model
beside it, and its 17 MB of weights run at about 5 s of one core per minute of audio. It is three
LSTM layers over 40-band mel power frames; the output is a unit vector whose cosine with another
says how alike two voices sound.

The weights come as `pretrained.pt` inside the Resemblyzer wheel on PyPI; the model manager fetches
that wheel when the user asks and keeps only the weights and the licence. They are read without
PyTorch (see torch_weights.py). Checked once against the originals on real speech: the mel frames
match librosa 0.11 and the embeddings match PyTorch 2.13 running the same weights to within 5e-7.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from salesmirror.model_files import ModelError, check_published_file
from salesmirror.speech.torch_weights import WeightsError, read_legacy_checkpoint

VOICE_ENCODER_NAME = "voice-encoder-ge2e"
VOICE_ENCODER_WHEEL_URL = (
    "https://files.pythonhosted.org/packages/d9/b5/"
    "d897d5de5b2123a1ad5d32e8e007d83f76582f5c32c60992577263bd7c7e/Resemblyzer-0.1.4-py3-none-any.whl"
)
VOICE_ENCODER_WHEEL_MD5 = "48ba5ecfea339f34b46ecdc461f8f063"
WEIGHTS_IN_WHEEL = "resemblyzer/pretrained.pt"
WEIGHTS_FILE = "pretrained.pt"
# The weights as Resemblyzer 0.1.4's wheel ships them: the only voice encoder SalesMirror reads.
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"

SAMPLE_RATE = 16_000
_HOP = 160  # 10 ms mel frames
_FFT = 400  # 25 ms analysis window
_BANDS = 40
_HIDDEN = 256
LEVEL_DBFS = -30.0  # every stretch is brought to this loudness, as in training


def check_voice_encoder_folder(path: Path) -> Path:
    if not (path / WEIGHTS_FILE).is_file():
        raise ModelError(
            f"{path} does not hold the voice encoder ({WEIGHTS_FILE} is missing); "
            "download it from the model manager."
        )
    return path.resolve()


def installed_voice_encoder(models_dir: Path) -> Path:
    """The voice encoder in the app's models folder, or a ModelError saying how to get one."""
    folder = models_dir / VOICE_ENCODER_NAME
    if (folder / WEIGHTS_FILE).is_file():
        return folder.resolve()
    raise ModelError("The voice encoder is not installed: download “Voice encoder” in the model manager.")


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (linear to 1 kHz, logarithmic above), as the encoder was trained with."""
    linear = hz / (200.0 / 3)
    logarithmic = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, logarithmic, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return np.where(mel >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0)), mel * (200.0 / 3))


def _mel_filterbank() -> np.ndarray:
    """Triangular, area-normalised filters: (bands, fft bins)."""
    bins = np.linspace(0, SAMPLE_RATE / 2, 1 + _FFT // 2)
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(SAMPLE_RATE / 2)), _BANDS + 2)
    )
    widths = np.diff(edges)
    ramps = edges[:, None] - bins[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    filters = np.maximum(0.0, np.minimum(rising, falling))
    filters *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return filters.astype(np.float32)


_FILTERS = _mel_filterbank()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_FFT) / _FFT)).astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Mel power frames (frames, 40) of 16 kHz speech brought to the training loudness."""
    audio = samples.astype(np.float32) / 32768.0
    rms = float(np.sqrt(np.mean(audio**2))) if audio.size else 0.0
    if rms > 0:
        audio = audio * (10 ** (LEVEL_DBFS / 20) / rms)
    padded = np.pad(audio, _FFT // 2)
    count = 1 + (padded.size - _FFT) // _HOP
    index = np.arange(_FFT)[None, :] + _HOP * np.arange(count)[:, None]
    power = np.abs(np.fft.rfft(padded[index] * _WINDOW, axis=1)) ** 2
    mel: np.ndarray = (power @ _FILTERS.T).astype(np.float32)
    return mel


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # never overflows, unlike 1 / (1 + exp(-x))


class VoiceEncoder:
    """Unit-length voice embeddings of stretches of speech. Stateless: safe to share."""

    def __init__(self, folder: Path) -> None:
        weights = check_voice_encoder_folder(folder) / WEIGHTS_FILE
        try:
            state = read_legacy_checkpoint(weights)["model_state"]
            self._layers = [
                (
                    np.ascontiguousarray(state[f"lstm.weight_ih_l{i}"].T),
                    np.ascontiguousarray(state[f"lstm.weight_hh_l{i}"].T),
                    state[f"lstm.bias_ih_l{i}"] + state[f"lstm.bias_hh_l{i}"],
                )
                for i in range(3)
            ]
            self._projection = np.ascontiguousarray(state["linear.weight"].T)
            self._projection_bias = state["linear.bias"]
        except (WeightsError, OSError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise ModelError(f"{weights} could not be loaded as the voice encoder ({exc}).") from None
        # The reader names what is wrong with a foreign file; a damaged byte inside the weights
        # passes it and only changes the answers.
        check_published_file(weights, WEIGHTS_SHA256, "download the voice encoder again in the model manager")

    def embed_batch(self, frames: np.ndarray) -> np.ndarray:
        """Embeddings (batch, 256) of mel frames (batch, time, 40) of equal length."""
        x = frames.astype(np.float32)
        batch, steps, _ = x.shape
        for w_input, w_hidden, bias in self._layers:
            gates_in = x @ w_input + bias  # every time step's input projection at once
            h = np.zeros((batch, _HIDDEN), np.float32)
            c = np.zeros((batch, _HIDDEN), np.float32)
            out = np.empty((batch, steps, _HIDDEN), np.float32)
            for t in range(steps):
                gates = gates_in[:, t] + h @ w_hidden
                i, f, g, o = np.split(gates, 4, axis=1)
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                out[:, t] = h
            x = out
        embedding = np.maximum(0.0, h @ self._projection + self._projection_bias)
        norms = np.linalg.norm(embedding, axis=1, keepdims=True)
        unit: np.ndarray = embedding / np.maximum(norms, 1e-9)
        return unit

    def embed_windows(self, windows: list[np.ndarray]) -> np.ndarray:
        """Embeddings of equal-length stretches of 16 kHz samples, each at the training loudness."""
        return self.embed_batch(np.stack([mel_frames(w) for w in windows]))
