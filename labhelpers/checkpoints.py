"""Saving and loading: generators as ``.keras`` files, and the state to resume training.

Everything is written to a temporary file first and then renamed over the
real name (``os.replace`` is atomic), so a run interrupted while saving
leaves the previous good file in place, never half a file.

Two kinds of file:

* ``generator.keras`` / ``generator_epoch_NNN.keras`` - a complete generator
  that ``keras.models.load_model`` reads (after ``import labhelpers``), for
  the learner to use (notebook 02).
* ``training_state.npz`` - every number needed to carry on training exactly
  where the last epoch ended: the weights of both networks, both optimizers'
  slots and step counters, and the epoch. The history CSV is written at the
  same moment, so the two always agree.

Why a hand-written ``.npz`` and not ``tf.train.Checkpoint`` with a
``CheckpointManager`` (the TensorFlow DCGAN tutorial's way) or Keras's own
saving of the trainer: the state, the run's settings and the epoch travel in
**one file** that is replaced by one atomic rename, so they can never
disagree; a ``CheckpointManager`` writes an index, a data shard and a
``checkpoint`` pointer as separate files (``ckpt-1.index``,
``ckpt-1.data-00000-of-00001``, ``checkpoint``), and the settings and epoch
would need yet another. Tried on the course's trainers, ``tf.train.Checkpoint``
matches variables by their position in the object graph: restoring a WGAN's
state into a trainer with other networks failed only when it reached a
variable of another shape, with a ``ValueError`` about tensor shapes from deep
inside TensorFlow. Keras's ``model.save`` stores weights but not a custom
trainer's two optimizers in a way ``fit`` resumes from. Safety comes from a
**signature** stored with the arrays: for every variable, its position in
its network, the class of the layer that owns it, its name and its shape.
Variable paths such as ``conv2d_3/kernel`` are not used, because Keras
numbers layers per process. A state saved before any change to the models
(a layer added, removed, swapped or resized) is refused with a clear
message, never loaded into the wrong variables.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np

from .layout import STATE_FILE, DamagedRunFile
from .models import IMAGE_SHAPE, plain_copy
from .settings import code_version


class NotAGeneratorError(ValueError):
    """A model file was found but it is not a generator of 28x28x1 images."""


def atomic_save_model(model: keras.Model, path: str | os.PathLike) -> Path:
    """``model.save(path)`` via a temporary file and a rename.

    What is saved is :func:`labhelpers.models.plain_copy` of the model: float32
    and Keras's own layers, same weights, so every file loads and runs as an
    ordinary float32 model in any Keras 3 program, with or without labhelpers.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    plain_copy(model).save(tmp)
    os.replace(tmp, path)
    return path


def load_generator(path: str | os.PathLike, latent_dim: int | None = None) -> keras.Model:
    """Load a generator saved by the course and check that it is one.

    Raises ``FileNotFoundError`` (with how to make one) when the file is
    missing and :class:`NotAGeneratorError` when the file holds some other
    model (a critic, a classifier, ...) or expects another latent size.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No trained generator at {path}. Run notebook 01_train_wgan first, or pre-train one "
            f"with: python -m labhelpers.train wgan --out {path.parent}"
        )
    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as err:
        raise NotAGeneratorError(
            f"{path} could not be loaded as a Keras model ({type(err).__name__}: {err}). "
            "Pass a .keras file written by labhelpers (e.g. runs/wgan/generator.keras)."
        ) from None
    in_shape, out_shape = tuple(model.input_shape), tuple(model.output_shape)
    if len(in_shape) != 2 or out_shape[1:] != IMAGE_SHAPE:
        raise NotAGeneratorError(
            f"{path} holds a model that maps {in_shape[1:]} to {out_shape[1:]}, but a generator "
            f"maps a latent vector (d,) to an image {IMAGE_SHAPE}. Did you pick the critic's file? "
            "Use generator.keras or generator_epoch_NNN.keras."
        )
    if latent_dim is not None and in_shape[1] != latent_dim:
        raise NotAGeneratorError(
            f"{path} is a generator for latent vectors of size {in_shape[1]}, not {latent_dim}. "
            f"Draw latent points with latent_dim={in_shape[1]}."
        )
    return model


def _signature(network: keras.Model) -> list[str]:
    """One line per variable of ``network``, stable across processes:
    ``layer index:layer class/variable name shape``."""
    lines = []
    for index, layer in enumerate(network.layers):
        for variable in layer.variables:
            lines.append(f"{index}:{type(layer).__name__}/{variable.name} {tuple(variable.shape)}")
    return lines


def _optimizer_signature(optimizer) -> list[str]:
    """Shapes only: slot names contain per-process layer numbers, and the slots follow
    the network's trainable variables, whose signature is checked already."""
    return [
        f"{type(optimizer).__name__} {tuple(variable.shape)}" for variable in optimizer.variables
    ]


def _parts(trainer) -> dict:
    """The four groups of variables in a training state, in a fixed order."""
    return {
        "generator": (trainer.generator.variables, _signature(trainer.generator)),
        "critic": (trainer.critic.variables, _signature(trainer.critic)),
        "generator_optimizer": (
            trainer.generator_optimizer.variables,
            _optimizer_signature(trainer.generator_optimizer),
        ),
        "critic_optimizer": (
            trainer.critic_optimizer.variables,
            _optimizer_signature(trainer.critic_optimizer),
        ),
    }


def save_training_state(
    trainer, out_dir: str | os.PathLike, epoch: int, config: dict, precision: str = "float32"
) -> Path:
    """Write everything needed to resume after ``epoch`` into ``out_dir/training_state.npz``.

    ``config`` (the run's settings) is stored and compared on resume;
    ``precision`` is stored for the record only (weights are float32 either way,
    so a run may resume in the other precision).
    """
    arrays, signature = {}, {}
    for name, (variables, lines) in _parts(trainer).items():
        arrays.update({f"{name}/{i}": np.asarray(v.numpy()) for i, v in enumerate(variables)})
        signature[name] = lines
    meta = dict(
        config,
        epoch=int(epoch),
        iteration=trainer.iteration,
        precision=precision,
        code=code_version(),
        signature=signature,
    )
    arrays["meta"] = np.array(json.dumps(meta))
    path = Path(out_dir) / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(".training_state.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


def _open_state(path: Path):
    """``np.load`` of a state file, with any failure turned into :class:`DamagedRunFile`."""
    try:
        arrays = np.load(path, allow_pickle=False)
        meta = json.loads(str(arrays["meta"]))
        if not isinstance(meta, dict) or "epoch" not in meta:
            raise ValueError("no epoch in its settings")
        return arrays, meta
    except Exception as err:  # zip, pickle, JSON and key errors all mean the same here
        raise DamagedRunFile(path, f"{type(err).__name__}: {err}") from None


def read_state_meta(out_dir: str | os.PathLike) -> dict | None:
    """The settings, epoch and iteration of a saved state, or ``None`` if there is none."""
    path = Path(out_dir) / STATE_FILE
    if not path.is_file():
        return None
    arrays, meta = _open_state(path)
    arrays.close()
    return meta


def restore_training_state(trainer, out_dir: str | os.PathLike) -> dict:
    """Load ``training_state.npz`` into a compiled trainer; return its metadata.

    Refuses (``ValueError``) a state whose signature differs from the trainer's:
    it was saved by other models, and loading it would put numbers into the
    wrong variables.
    """
    path = Path(out_dir) / STATE_FILE
    arrays, meta = _open_state(path)
    with arrays:
        saved = meta.get("signature") or {}
        for name, (variables, lines) in _parts(trainer).items():
            if saved.get(name) != lines:
                first = next(
                    (
                        f"saved {a!r}, model {b!r}"
                        for a, b in zip(saved.get(name) or [], lines)
                        if a != b
                    ),
                    f"{len(saved.get(name) or [])} saved variables, the model has {len(lines)}",
                )
                raise ValueError(
                    f"{path} was saved by a different {name.replace('_', ' ')} ({first}): "
                    "the models changed since. Start afresh (command line: --fresh; notebook: "
                    "resume=False)."
                )
            try:
                for i, variable in enumerate(variables):
                    variable.assign(arrays[f"{name}/{i}"])
            except Exception as err:
                raise DamagedRunFile(path, f"{type(err).__name__}: {err}") from None
    return meta
