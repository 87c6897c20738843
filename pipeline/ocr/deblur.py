"""Undo camera blur on a small crop, for the QR code.

A shaky hand smears a QR's 0.7 mm modules into each other and neither decoder reads it, though
the pattern is all there. Wiener deconvolution with the right blur kernel brings it back; the
kernel is unknown, so a small grid of likely ones is tried (a hand's smear at any angle, a missed
focus) and the first image that decodes wins. Only safe where the reader can tell a right image
from a wrong one: a QR either decodes, its error-correction checked, or it does not. Text is
never read from these images (a deconvolved letter can look like another).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np

# In straightened-page pixels (8 px/mm): a phone's 3-8 px smear at ~5.5 px/mm, with room.
MOTION_LENGTHS_PX = (5, 7, 9, 11, 13)
MOTION_ANGLES_DEG = tuple(range(0, 180, 15))
DEFOCUS_SIGMAS_PX = (1.5, 2.5, 3.5)
NOISE_TO_SIGNAL = 0.02  # Wiener's regulariser: JPEG noise and the blur's own zeros


def line_kernel(length: int, angle_deg: float) -> np.ndarray:
    """A centred line `length` pixels long; odd-sized so the blur does not shift the image."""
    size = length + 1 - length % 2
    up = 8  # draw big then shrink: a cheap anti-aliased line
    canvas = np.zeros((size * up, size * up), dtype=np.float32)
    c = size * up / 2 - 0.5
    dx = math.cos(math.radians(angle_deg)) * (length - 1) * up / 2
    dy = -math.sin(math.radians(angle_deg)) * (length - 1) * up / 2
    cv2.line(canvas, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, up)
    kernel = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    return kernel / kernel.sum()


def gaussian_kernel(sigma: float) -> np.ndarray:
    size = 2 * math.ceil(3 * sigma) + 1
    column = cv2.getGaussianKernel(size, sigma).astype(np.float32)
    return column @ column.T


def wiener(gray: np.ndarray, kernel: np.ndarray, nsr: float = NOISE_TO_SIGNAL) -> np.ndarray:
    """`gray` (uint8) deconvolved by `kernel`: the least-squares inverse of the blur."""
    padded = cv2.copyMakeBorder(gray, *(kernel.shape[0],) * 4, cv2.BORDER_REFLECT).astype(np.float32) / 255
    h = np.fft.fft2(kernel, s=padded.shape)
    restored = np.real(np.fft.ifft2(np.fft.fft2(padded) * np.conj(h) / (np.abs(h) ** 2 + nsr)))
    # The kernel sits at the array's corner, not its centre: shift the result back.
    restored = np.roll(restored, (kernel.shape[0] // 2, kernel.shape[1] // 2), axis=(0, 1))
    k = kernel.shape[0]
    return np.clip(restored[k:-k, k:-k] * 255, 0, 255).astype(np.uint8)


def deblurred(gray: np.ndarray) -> Iterator[np.ndarray]:
    """`gray` deconvolved by each likely blur in turn, the commonest first."""
    for length in MOTION_LENGTHS_PX:
        for angle in MOTION_ANGLES_DEG:
            yield wiener(gray, line_kernel(length, angle))
    for sigma in DEFOCUS_SIGMAS_PX:
        yield wiener(gray, gaussian_kernel(sigma))
