"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 did: every
QLabel.setText/setVisible released None once too often and every signal emission released True,
so a long call aborted the app with "Fatal Python error: none_dealloc")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    value = Signal(object)


def test_widget_calls_and_signals_keep_reference_counts_intact(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(200):
        label.setText(f"line {i}")
        label.setVisible(i % 2 == 0)
        emitter.value.emit(i)
    received.clear()
    assert sys.getrefcount(None) >= before_none - 20
    assert sys.getrefcount(True) >= before_true - 20
