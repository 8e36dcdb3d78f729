"""Read the tensors of a PyTorch checkpoint saved in the legacy (pre-1.6) format, without PyTorch
and without running any code from the file.

A legacy checkpoint is five pickles in a row (magic number, protocol, system info, the object,
the storage keys) followed by the raw bytes of each storage. The unpickler below knows only the
few names a state dict uses; anything else in the file is refused, so a tampered download cannot
execute code the way a plain `pickle.load` would.
"""

from __future__ import annotations

import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
}
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class WeightsError(ValueError):
    """The file is not a legacy PyTorch checkpoint this reader understands."""


@dataclass(frozen=True, slots=True)
class _TensorView:
    storage_key: str
    offset: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]


def _tensor_view(storage_key: str, offset: Any, shape: Any, strides: Any, *_: Any) -> _TensorView:
    try:
        view = _TensorView(
            str(storage_key), _index(offset), tuple(map(_index, shape)), tuple(map(_index, strides))
        )
    except (TypeError, ValueError) as exc:
        raise WeightsError(f"a tensor has an impossible layout ({exc})") from None
    if len(view.shape) != len(view.strides):
        raise WeightsError("a tensor has an impossible layout (shape and strides differ in length)")
    return view


def _index(value: Any) -> int:
    """A whole, non-negative number from the file (a crafted file may hold anything here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a size, an offset or a stride")
    return value


class _StateDictUnpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file)
        self.storage_types: dict[str, str] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _tensor_view
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        raise WeightsError(f"the checkpoint refers to {module}.{name}, which a state dict never needs")

    def persistent_load(self, pid: Any) -> str:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise WeightsError("the checkpoint has an unknown kind of stored data")
        _, storage_type, key, _location, _count = pid[:5]
        self.storage_types[str(key)] = str(storage_type)
        return str(key)


def read_legacy_checkpoint(path: Path) -> Any:
    """The checkpoint's object, every tensor in it as a NumPy array."""
    try:
        with path.open("rb") as f:
            if _StateDictUnpickler(f).load() != _LEGACY_MAGIC:
                raise WeightsError("it is not a legacy PyTorch checkpoint")
            _StateDictUnpickler(f).load()  # protocol version
            _StateDictUnpickler(f).load()  # system info
            unpickler = _StateDictUnpickler(f)
            root = unpickler.load()
            keys = unpickler.load()
            storages: dict[str, np.ndarray] = {}
            size = path.stat().st_size
            for key in keys:
                dtype = np.dtype(_STORAGE_DTYPES[unpickler.storage_types[str(key)]])
                (count,) = struct.unpack("<q", f.read(8))
                # Never read (or allocate) more than the file holds.
                if not 0 <= count * dtype.itemsize <= size - f.tell():
                    raise WeightsError("the checkpoint is cut short or claims more data than it holds")
                raw = f.read(count * dtype.itemsize)
                storages[str(key)] = np.frombuffer(raw, dtype=dtype)
            return _materialise(root, storages)
    except (pickle.UnpicklingError, EOFError, struct.error, KeyError, TypeError) as exc:
        raise WeightsError(f"it could not be read ({exc})") from None


def _materialise(value: Any, storages: dict[str, np.ndarray]) -> Any:
    if isinstance(value, _TensorView):
        flat = storages[value.storage_key]
        itemsize = flat.itemsize
        if 0 in value.shape:
            return np.zeros(value.shape, dtype=flat.dtype)
        # Every index the view can reach, with sizes, offset and strides all non-negative.
        last = value.offset + sum((n - 1) * s for n, s in zip(value.shape, value.strides, strict=True))
        if last >= flat.size:
            raise WeightsError("a tensor reaches past its stored data")
        return np.lib.stride_tricks.as_strided(
            flat[value.offset :], value.shape, [s * itemsize for s in value.strides]
        ).copy()
    if isinstance(value, dict):
        return {k: _materialise(v, storages) for k, v in value.items()}
    return value
