"""The coaching core: talk time, monologues and nudges.

Plain Python fed with plain data (voice-activity frames and recognised words). It must never import
Qt, so it runs and is tested headless; `tests/test_architecture.py` enforces that.
"""
