"""The live call pipeline: audio sources in, coaching events out, all in worker threads (no Qt)."""
