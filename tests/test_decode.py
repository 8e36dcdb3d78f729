"""Recordings are decoded block by block as they play, never whole."""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile
import soxr
from recordings import SPEECH

from salesmirror.audio.decode import AudioFileError, AudioStream, load_audio
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio.source import AudioBlock, SourceEnded, SourceEvent
from salesmirror.events import Speaker


def test_a_stream_gives_the_same_samples_as_decoding_the_whole_file():
    path = SPEECH / "jfk.flac"  # 44.1 kHz stereo
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    whole = soxr.resample(data.mean(axis=1), rate, 16_000, quality="HQ")
    expected = (np.clip(whole, -1, 1) * 32767).astype(np.int16)
    stream = AudioStream(path)
    blocks = []
    while (block := stream.read(960)).size:
        blocks.append(block)
    stream.close()
    streamed = np.concatenate(blocks)
    assert streamed.size == stream.samples == round(data.shape[0] * 16_000 / rate)
    n = min(streamed.size, expected.size)
    assert np.max(np.abs(streamed[:n].astype(np.int32) - expected[:n])) <= 2
    assert np.array_equal(load_audio(path), streamed)


def _played(playback: FilePlayback) -> list[SourceEvent]:
    """Every event of a flat-out playback, once all its channels have ended."""
    events: list[SourceEvent] = []
    done = threading.Event()

    def sink(event: SourceEvent) -> None:
        events.append(event)
        if sum(isinstance(e, SourceEnded) for e in events) == len(playback.speakers):
            done.set()

    playback.start(sink)
    assert done.wait(60)
    playback.stop()
    return events


def test_a_long_recording_plays_in_bounded_memory(tmp_path: Path):
    """Ten minutes at 48 kHz stereo: 230 MB as float32 if decoded whole."""
    path = tmp_path / "long.wav"
    rate, minutes = 48_000, 10
    with soundfile.SoundFile(str(path), "w", rate, 2, "PCM_16") as out:
        second = (np.sin(np.arange(rate) / rate * 2 * np.pi * 220) * 3000).astype(np.int16)
        for _ in range(minutes * 60):
            out.write(np.stack((second, second), axis=1))
    received = [0]
    done = threading.Event()

    def sink(event: SourceEvent) -> None:
        if isinstance(event, AudioBlock):
            received[0] += event.samples.size  # kept no longer than a microphone block would be
        else:
            done.set()

    tracemalloc.start()
    playback = FilePlayback.from_files({Speaker.YOU: path}, speed=None)
    playback.start(sink)
    assert done.wait(60)
    playback.stop()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert received[0] == minutes * 60 * 16_000
    assert peak < 20 * 2**20, peak


def test_a_recording_damaged_further_in_ends_the_call_with_a_reason(tmp_path: Path):
    source = SPEECH / "librispeech_2412-153948-0000.flac"
    damaged = tmp_path / "damaged.flac"
    content = bytearray(source.read_bytes())
    half = len(content) // 2
    content[half : half + 4000] = bytes(4000)  # zeros over frames in the middle
    damaged.write_bytes(bytes(content))
    events = _played(FilePlayback.from_files({Speaker.YOU: damaged}, speed=None))
    ended = [e for e in events if isinstance(e, SourceEnded)]
    assert len(ended) == 1
    assert ended[0].error is not None and "the recording is damaged" in ended[0].error
    heard = sum(e.samples.size for e in events if isinstance(e, AudioBlock))
    assert 0 < heard < AudioStream(source).samples  # what came before the damage was heard


def test_a_pipe_is_refused_at_once(tmp_path: Path):
    import os

    fifo = tmp_path / "fifo.wav"
    os.mkfifo(fifo)
    with pytest.raises(AudioFileError, match="not a regular file"):
        AudioStream(fifo)
