"""The sample rate and frame size every part of the analysis works in."""

SAMPLE_RATE = 16_000
FRAME_SECONDS = 0.02
FRAME_SAMPLES = int(SAMPLE_RATE * FRAME_SECONDS)
