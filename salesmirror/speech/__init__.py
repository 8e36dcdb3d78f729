"""Offline speech recognition with Vosk: model folders, the user-started model download, and one
recogniser per channel."""
