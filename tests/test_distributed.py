"""The trainers run under tf.distribute.MirroredStrategy (users with several GPUs).

Two logical CPU devices stand in for two GPUs. Logical devices must be set up
before TensorFlow starts its runtime, so the check runs in a fresh process.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import numpy as np
    import labhelpers as lh
    import tensorflow as tf
    from labhelpers.session import build_trainer, make_dataset

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    lh.set_seed(0)
    with strategy.scope():
        trainer = build_trainer("{method}")
    before = [w.copy() for w in trainer.generator.get_weights() + trainer.critic.get_weights()]
    data = make_dataset(lh.load_mnist(7), 16, trainer.n_critic, seed=0)
    history = trainer.fit(data, epochs=1, steps_per_epoch=3, verbose=0, shuffle=False)
    after = trainer.generator.get_weights() + trainer.critic.get_weights()
    losses = [v[-1] for v in history.history.values()]
    assert np.all(np.isfinite(losses)), losses
    assert sum(not np.array_equal(a, b) for a, b in zip(before, after)) > len(after) // 2
    print("OK", trainer.iteration, losses)
""")


@pytest.mark.slow
@pytest.mark.parametrize("method", ["wgan", "wgan-gp"])
def test_trainer_under_mirrored_strategy(method):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("{method}", method)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("OK 3")
