"""Painted, self-contained widgets used by the windows."""
