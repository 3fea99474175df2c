"""Walking the generator's latent space (notebook 02): latent points, straight lines
between them, and their images."""

from __future__ import annotations

import keras
import numpy as np


def latent_points(n: int, latent_dim: int, seed: int) -> np.ndarray:
    """``n`` latent points from N(0, 1), reproducible from ``seed``."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")


def interpolate(z0: np.ndarray, z1: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` points on the straight line from ``z0`` to ``z1`` (both ends included)."""
    weights = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    return (1.0 - weights) * z0[None, :] + weights * z1[None, :]


def generate(generator: keras.Model, z: np.ndarray) -> np.ndarray:
    """Images for latent points ``z``, with BatchNorm in inference mode, as float32
    (a bfloat16 generator's output is cast, so plots and scores see ordinary numbers)."""
    return np.asarray(generator(np.asarray(z, "float32"), training=False), dtype="float32")


class LatentExplorer:
    """Sliders for two seeds and the mix between them; the digit redraws live.

    ``seed A`` and ``seed B`` pick two latent points; ``mix`` walks the line
    between them (0 = A, 1 = B). Display it with ``explorer.show()``.
    """

    def __init__(self, generator: keras.Model):
        import ipywidgets as widgets

        self.generator = generator
        self.latent_dim = int(generator.input_shape[-1])
        style = {"description_width": "60px"}
        self.seed_a = widgets.IntSlider(value=0, min=0, max=99, description="seed A", style=style)
        self.seed_b = widgets.IntSlider(value=1, min=0, max=99, description="seed B", style=style)
        self.mix = widgets.FloatSlider(
            value=0.0, min=0.0, max=1.0, step=0.05, description="mix", style=style
        )
        self.image = widgets.Image(format="png", width=168, height=168)
        for slider in (self.seed_a, self.seed_b, self.mix):
            slider.observe(lambda change: self.redraw(), names="value")
        self.widget = widgets.HBox([widgets.VBox([self.seed_a, self.seed_b, self.mix]), self.image])
        self.redraw()

    def current_image(self) -> np.ndarray:
        """The 28x28 image for the sliders' current values."""
        z0 = latent_points(1, self.latent_dim, self.seed_a.value)[0]
        z1 = latent_points(1, self.latent_dim, self.seed_b.value)[0]
        z = (1.0 - self.mix.value) * z0 + self.mix.value * z1
        return generate(self.generator, z[None, :])[0, :, :, 0]

    def redraw(self) -> None:
        import io

        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        plt.imsave(buffer, self.current_image(), cmap="gray_r", vmin=-1, vmax=1, format="png")
        self.image.value = buffer.getvalue()

    def show(self):
        from IPython.display import display

        display(self.widget)
