"""Pictures: one mosaic per grid, GIFs frame for frame."""

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from labhelpers.plotting import make_animation, mosaic, read_grid, save_image_grid


def test_mosaic_tiles_the_images_in_rows_with_gaps():
    images = np.stack([np.full((28, 28, 1), v, "float32") for v in (0.1, 0.2, 0.3)])
    picture = mosaic(images, cols=2, gap=2)
    assert picture.shape == (28 * 2 + 2, 28 * 2 + 2)
    assert picture[0, 0] == np.float32(0.1) and picture[0, 30] == np.float32(0.2)
    assert picture[30, 0] == np.float32(0.3)
    assert picture[0, 28] == picture[30, 30] == np.float32(-0.85)  # gap, and the empty tile


def test_gif_has_one_frame_per_grid_and_loops(tmp_path):
    rng = np.random.default_rng(0)
    frames = [
        save_image_grid(rng.uniform(-1, 1, (4, 28, 28, 1)), tmp_path / f"g{i}.png", f"epoch {i}")
        for i in range(3)
    ]
    path = make_animation(frames, tmp_path / "training.gif", fps=2)
    with Image.open(path) as gif:
        assert gif.n_frames == 3 and gif.info.get("loop") == 0
        assert gif.info.get("duration") == 500
    assert not list(tmp_path.glob(".*tmp*"))


def test_read_grid_leaves_out_the_title_drawn_into_the_png(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (100, 28, 28, 1))
    path = save_image_grid(images, tmp_path / "grid.png", "WGAN after epoch 10 (iteration 970)")
    whole, grid = plt.imread(str(path)), read_grid(path)
    assert whole.shape[0] > whole.shape[1]  # the title makes the PNG taller than wide
    assert abs(grid.shape[0] - grid.shape[1]) <= 2  # 10 x 10 tiles: the mosaic is square
    assert grid.shape[0] < whole.shape[0] - 20  # the title band is gone
    band = whole[: whole.shape[0] - grid.shape[0], :, :3].mean(-1)
    assert (band < 0.5).any()  # what was cut off holds the title's dark text
    # the cut runs through the row of grey gaps just above the first row of digits
    assert (grid[:4, :, :3].mean(-1) < 0.99).any()
