"""The shaken training sets smear every photo they take, and only those."""

from __future__ import annotations

import numpy as np

from bench.shaken import shaking_hands
from pipeline.samples import capture


def test_every_photo_taken_with_shaking_hands_is_smeared_and_only_those():
    usual = capture.apply_camera_blur
    image = np.zeros((40, 40, 3), np.float32)
    image[:, 20] = 1.0
    with shaking_hands():
        for seed in range(20):
            out, params = capture.apply_camera_blur(image, np.random.default_rng(seed))
            assert params["blur"] == "motion" and 4 <= params["motion_length_px"] <= 7
            assert not np.array_equal(out, image)
    assert capture.apply_camera_blur is usual
    kinds = {usual(image, np.random.default_rng(seed))[1]["blur"] for seed in range(40)}
    assert kinds == {"motion", "defocus", None}
