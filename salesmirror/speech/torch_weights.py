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


def _tensor_view(storage_key: str, offset: int, shape: Any, strides: Any, *_: Any) -> _TensorView:
    return _TensorView(storage_key, int(offset), tuple(shape), tuple(strides))


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
            for key in keys:
                dtype = np.dtype(_STORAGE_DTYPES[unpickler.storage_types[str(key)]])
                (count,) = struct.unpack("<q", f.read(8))
                raw = f.read(count * dtype.itemsize)
                if len(raw) != count * dtype.itemsize:
                    raise WeightsError("the checkpoint is cut short")
                storages[str(key)] = np.frombuffer(raw, dtype=dtype)
    except (pickle.UnpicklingError, EOFError, struct.error, KeyError) as exc:
        raise WeightsError(f"it could not be read ({exc})") from None
    return _materialise(root, storages)


def _materialise(value: Any, storages: dict[str, np.ndarray]) -> Any:
    if isinstance(value, _TensorView):
        flat = storages[value.storage_key]
        itemsize = flat.itemsize
        end = value.offset + sum((n - 1) * s for n, s in zip(value.shape, value.strides, strict=True)) + 1
        if value.shape and end > flat.size:
            raise WeightsError("a tensor reaches past its stored data")
        return np.lib.stride_tricks.as_strided(
            flat[value.offset :], value.shape, [s * itemsize for s in value.strides]
        ).copy()
    if isinstance(value, dict):
        return {k: _materialise(v, storages) for k, v in value.items()}
    return value
