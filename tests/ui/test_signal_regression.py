"""PySide6-Essentials 6.12.0 on CPython 3.11 leaks a reference to True on every
Signal.emit and aborts after ~600 emits. Emit 20,000 in a child interpreter, so that an
abort fails this test instead of killing the run."""

import subprocess
import sys

CHILD = """
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal(bool)

app = QCoreApplication([])
received = []
emitter = Emitter()
emitter.fired.connect(lambda value: received.append(value))
for _ in range(20_000):
    emitter.fired.emit(True)
print(len(received), all(received))
"""


def test_twenty_thousand_signals_reach_a_python_slot():
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"interpreter died: {result.returncode} {result.stderr}"
    assert result.stdout.split() == ["20000", "True"]
