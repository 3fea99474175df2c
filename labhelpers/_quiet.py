"""Import TensorFlow without its start-up noise in the notebooks.

On a machine without a GPU, TensorFlow's C++ core prints lines such as
"Could not find cuda drivers" and "failed call to cuInit" straight to the
process's stderr while it loads; Jupyter shows them under the first cell as
if something were wrong. They are harmless (TensorFlow then uses the CPU),
and ``TF_CPP_MIN_LOG_LEVEL`` does not silence all of them, so this module
loads TensorFlow and lists its devices once with stderr pointed at
``/dev/null``. Python errors are not hidden: an import that fails still
raises, after stderr is restored.
"""

from __future__ import annotations

import os
import sys


def import_tensorflow_quietly() -> None:
    """Import TensorFlow (and find its devices) with C++-level stderr silenced."""
    if "tensorflow" in sys.modules:
        return  # already loaded: its start-up messages are already out
    # Also quiets later C++ log lines, errors included: the graph optimiser logs
    # "remapper failed" when it cannot fuse the ops of a gradient-penalty step and then
    # runs them unfused, which is harmless but lands on the notebook's stderr.
    # Python errors still raise.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()  # device discovery prints its own messages
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
