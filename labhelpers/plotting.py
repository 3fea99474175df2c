"""Pictures: sample grids, loss curves and the training animation. Digits are drawn black
on white, as in the reference lab; files are written atomically (temporary name, rename).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np


def atomic_savefig(fig: plt.Figure, path: str | os.PathLike, **kwargs) -> Path:
    """Save a figure to ``path`` via a temporary file and a rename."""
    from .files import atomic_write

    return atomic_write(path, lambda tmp: fig.savefig(tmp, **kwargs))


GRID_TILE_INCHES = 0.6  # a saved grid's inches per digit
GRID_TITLE_INCHES = 0.5  # and the band above the digits for its title
GRID_DPI = 80  # its resolution
GRID_GAP = 2  # pixels between the digits of a mosaic


def mosaic(
    images: np.ndarray, cols: int | None = None, gap: int = GRID_GAP, fill: float = -0.85
) -> np.ndarray:
    """Images ``(N, H, W, 1)`` in [-1, 1] tiled into one 2-D array, ``cols`` per row,
    ``gap`` pixels apart; the gaps hold ``fill`` (the palest grey once drawn in
    reversed greyscale, so that white digit backgrounds stand apart)."""
    images = np.asarray(images, dtype="float32")[..., 0]  # bfloat16 arrays would not draw
    n, h, w = images.shape
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), fill, "float32")
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = image
    return out


def image_grid(
    images: np.ndarray,
    title: str,
    cols: int | None = None,
    size: float = GRID_TILE_INCHES,
) -> plt.Figure:
    """A figure with ``images`` (N, 28, 28, 1) in [-1, 1] on a square-ish grid: one
    mosaic drawn by one ``imshow``, black ink on white paper."""
    n = len(images)
    cols = cols or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, ax = plt.subplots(figsize=(cols * size, rows * size + GRID_TITLE_INCHES))
    ax.imshow(mosaic(images, cols), cmap="gray_r", vmin=-1, vmax=1)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout(pad=0.2)
    return fig


def save_image_grid(
    images: np.ndarray, path: str | os.PathLike, title: str, cols: int = 10
) -> Path:
    """Draw :func:`image_grid` into a PNG file and close the figure."""
    fig = image_grid(images, title, cols=cols)
    try:
        return atomic_savefig(fig, path, dpi=GRID_DPI)
    finally:
        plt.close(fig)


LOSS_LABELS = {
    "critic_real": "critic loss on real",
    "critic_fake": "critic loss on fake",
    "generator": "generator loss",
}


def plot_losses(
    history: Mapping[str, Sequence[float]],
    title: str,
    path: str | os.PathLike | None = None,
    ax: plt.Axes | None = None,
    estimate: bool = False,
) -> plt.Figure:
    """Line plot of the per-iteration losses (``critic_real``, ``critic_fake``, ``generator``),
    saved to ``path`` if given. With ``estimate=True`` (the WGANs) a second panel draws
    :func:`plot_estimate` (minus the **sum** of the critic curves, not their gap).
    """
    if ax is not None:
        fig = ax.figure
    elif estimate:
        fig, (ax, right) = plt.subplots(1, 2, figsize=(13, 4))
        plot_estimate(history, "Wasserstein estimate", ax=right)
    else:
        fig, ax = plt.subplots(figsize=(8, 4))
    iterations = history["iteration"]
    for key, label in LOSS_LABELS.items():
        if key in history:
            ax.plot(iterations, history[key], label=label, linewidth=1)
    ax.set_xlabel("iteration (one generator update)")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    if path is not None:
        atomic_savefig(fig, path, dpi=100)
    return fig


def plot_estimate(
    history: Mapping[str, Sequence[float]], title: str, ax: plt.Axes | None = None
) -> plt.Figure:
    """The critic's Wasserstein estimate ``mean D(real) - mean D(fake)`` per iteration
    (``-(critic_real + critic_fake)`` in the course's real = -1 convention), with its
    per-epoch mean; and the gradient penalty on a second axis when the run logged one."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4))
    fig = ax.figure
    iterations = np.asarray(history["iteration"])
    w = -(np.asarray(history["critic_real"]) + np.asarray(history["critic_fake"]))
    ax.plot(iterations, w, color="tab:purple", alpha=0.35, linewidth=0.8, label="per iteration")
    if "epoch" in history:
        epochs = np.asarray(history["epoch"]).astype(int)
        ends = [iterations[epochs == e].max() for e in np.unique(epochs)]
        means = [w[epochs == e].mean() for e in np.unique(epochs)]
        ax.plot(ends, means, "o-", color="tab:purple", label="mean over each epoch")
    ax.set_xlabel("iteration (one generator update)")
    ax.set_ylabel("-(critic_real + critic_fake)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    lines, labels = ax.get_legend_handles_labels()
    if "gp" in history:
        twin = ax.twinx()
        twin.plot(
            iterations,
            history["gp"],
            color="tab:gray",
            linewidth=0.8,
            label="gradient penalty (right axis)",
        )
        twin.set_ylabel("gradient penalty")
        more = twin.get_legend_handles_labels()
        lines, labels = lines + more[0], labels + more[1]
    ax.legend(lines, labels, loc="best")
    return fig


def plot_heldout_estimate(
    estimates: Mapping[str, Sequence[float]], title: str, ax: plt.Axes | None = None
) -> plt.Figure:
    """Per epoch, the critic's estimate on training images against held-out ones
    (the ``estimates.csv`` that :class:`labhelpers.callbacks.HeldOutEstimate` writes)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.5))
    fig = ax.figure
    ax.plot(estimates["epoch"], estimates["train"], "o-", label="training images")
    ax.plot(estimates["epoch"], estimates["heldout"], "s--", label="held-out images")
    ax.set(title=title, xlabel="epoch", ylabel="mean D(real) - mean D(fake)")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def make_animation(
    frames: Sequence[str | os.PathLike], path: str | os.PathLike, fps: float = 2
) -> Path:
    """Write the PNGs in ``frames`` (e.g. the per-epoch grids) into a looping animated GIF.
    Raises ValueError when ``frames`` is empty."""
    from PIL import Image

    from .files import atomic_write

    if not frames:
        raise ValueError("make_animation needs at least one frame (no grid PNGs found).")
    pictures = [Image.open(f).convert("RGB") for f in frames]
    return atomic_write(
        path,
        lambda tmp: pictures[0].save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=pictures[1:],
            duration=int(1000 / fps),
            loop=0,
        ),
    )


def read_grid(path: str | os.PathLike) -> np.ndarray:
    """A grid PNG saved by :func:`save_image_grid`, cropped to its mosaic (no title), found
    from the known layout (:data:`GRID_TILE_INCHES`, :data:`GRID_DPI`). An image that does
    not fit the layout is returned whole.
    """
    image = plt.imread(str(path))
    height, width = image.shape[:2]
    cols = round(width / (GRID_DPI * GRID_TILE_INCHES))
    rows = round((height / GRID_DPI - GRID_TITLE_INCHES) / GRID_TILE_INCHES)
    ink = (image[..., :3].mean(-1) if image.ndim == 3 else image) < 0.99
    if cols < 1 or rows < 1 or not ink.any():
        return image
    used_cols, used_rows = np.where(ink.any(0))[0], np.where(ink.any(1))[0]
    left, right, bottom = used_cols[0], used_cols[-1], used_rows[-1]
    aspect = (rows * (28 + GRID_GAP) - GRID_GAP) / (cols * (28 + GRID_GAP) - GRID_GAP)
    top = max(0, bottom + 1 - round((right + 1 - left) * aspect))
    return image[top : bottom + 1, left : right + 1]


def show_images(
    paths: Sequence[str | os.PathLike], titles: Sequence[str], width: float = 4.5
) -> plt.Figure:
    """Show saved grid PNGs (:func:`read_grid`) side by side, each with a title."""
    fig, axes = plt.subplots(1, len(paths), figsize=(width * len(paths), width), squeeze=False)
    for ax, path, title in zip(axes.flat, paths, titles):
        ax.imshow(read_grid(path))
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig
