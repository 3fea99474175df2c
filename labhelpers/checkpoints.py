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
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np

from .models import IMAGE_SHAPE

STATE_FILE = "training_state.npz"


class NotAGeneratorError(ValueError):
    """A model file was found but it is not a generator of 28x28x1 images."""


def atomic_save_model(model: keras.Model, path: str | os.PathLike) -> Path:
    """``model.save(path)`` via a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    model.save(tmp)
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


def _variables_to_arrays(prefix: str, variables) -> dict[str, np.ndarray]:
    return {f"{prefix}/{i}": np.asarray(v.numpy()) for i, v in enumerate(variables)}


def _assign_arrays(prefix: str, variables, arrays) -> None:
    names = sorted((k for k in arrays.files if k.startswith(prefix + "/")),
                   key=lambda k: int(k.rsplit("/", 1)[1]))
    if len(names) != len(variables):
        raise ValueError(
            f"The saved training state has {len(names)} {prefix} variables but the model has "
            f"{len(variables)}: it was saved by a different model. Start fresh (resume=False)."
        )
    for variable, name in zip(variables, names):
        if tuple(variable.shape) != arrays[name].shape:
            raise ValueError(
                f"The saved {prefix} variable {variable.path} has shape {arrays[name].shape}, "
                f"the model's has {tuple(variable.shape)}. Start fresh (resume=False)."
            )
        variable.assign(arrays[name])


def save_training_state(trainer, out_dir: str | os.PathLike, epoch: int, config: dict) -> Path:
    """Write everything needed to resume after ``epoch`` into ``out_dir/training_state.npz``."""
    arrays = {}
    arrays.update(_variables_to_arrays("generator", trainer.generator.variables))
    arrays.update(_variables_to_arrays("critic", trainer.critic.variables))
    arrays.update(_variables_to_arrays("generator_optimizer", trainer.generator_optimizer.variables))
    arrays.update(_variables_to_arrays("critic_optimizer", trainer.critic_optimizer.variables))
    meta = dict(config, epoch=int(epoch), iteration=trainer.iteration)
    arrays["meta"] = np.array(json.dumps(meta))
    path = Path(out_dir) / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(".training_state.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


def read_state_meta(out_dir: str | os.PathLike) -> dict | None:
    """The settings, epoch and iteration of a saved state, or ``None`` if there is none."""
    path = Path(out_dir) / STATE_FILE
    if not path.is_file():
        return None
    with np.load(path) as arrays:
        return json.loads(str(arrays["meta"]))


def restore_training_state(trainer, out_dir: str | os.PathLike) -> dict:
    """Load ``training_state.npz`` into a compiled trainer; return its metadata."""
    with np.load(Path(out_dir) / STATE_FILE) as arrays:
        _assign_arrays("generator", trainer.generator.variables, arrays)
        _assign_arrays("critic", trainer.critic.variables, arrays)
        _assign_arrays("generator_optimizer", trainer.generator_optimizer.variables, arrays)
        _assign_arrays("critic_optimizer", trainer.critic_optimizer.variables, arrays)
        return json.loads(str(arrays["meta"]))
