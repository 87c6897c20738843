"""Undo camera blur on a small crop, for the QR code.

A shaky hand smears a QR's 0.7 mm modules into each other and neither decoder reads it, though
the pattern is all there. Wiener deconvolution with the right blur kernel brings it back; the
kernel is unknown, so a small grid of likely ones is tried (a hand's smear at any angle, a missed
focus) and the first image that decodes wins. Only safe where the reader can tell a right image
from a wrong one: a QR either decodes, its error-correction checked, or it does not. Text is
never read from these guesses (a letter deconvolved by a wrong kernel can look like another);
the text readers get a page deconvolved by a kernel fitted to the form's own print
(motion.py), and the second reader a gentler restoration of its own.
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


def wiener(gray: np.ndarray, kernel: np.ndarray, nsr: float = NOISE_TO_SIGNAL,
           cutoff: float | None = None) -> np.ndarray:
    """`gray` (uint8) deconvolved by `kernel`: the least-squares inverse of the blur. `cutoff`
    (cycles per pixel): the finest detail `gray` can hold, when it was enlarged from a coarser
    photo; the inverse then fades out past it (a Gaussian roll-off, to 0.6 at the cutoff), for
    there it would only sharpen the enlargement's and the JPEG's noise."""
    k = kernel.shape[0]
    padded = cv2.copyMakeBorder(gray, k, k, k, k, cv2.BORDER_REFLECT)
    # OpenCV's FFT on a size it factors well: 5-10x faster than numpy's on a whole page.
    h, w = cv2.getOptimalDFTSize(padded.shape[0]), cv2.getOptimalDFTSize(padded.shape[1])
    image = np.zeros((h, w), dtype=np.float32)
    image[:padded.shape[0], :padded.shape[1]] = padded.astype(np.float32) / 255
    # The rest of the canvas repeats the edge, so the wrap-around stays outside the page.
    image[padded.shape[0]:, :padded.shape[1]] = image[padded.shape[0] - 1, :padded.shape[1]]
    image[:, padded.shape[1]:] = image[:, padded.shape[1] - 1:padded.shape[1]]
    psf = np.zeros((h, w), dtype=np.float32)
    psf[:k, :k] = kernel
    # The kernel sits at the array's corner, not its centre: centre it so the image stays put.
    psf = np.roll(psf, (-(k // 2), -(k // 2)), axis=(0, 1))
    spectrum = cv2.dft(image, flags=cv2.DFT_COMPLEX_OUTPUT)
    blur = cv2.dft(psf, flags=cv2.DFT_COMPLEX_OUTPUT)
    power = blur[..., 0] ** 2 + blur[..., 1] ** 2 + nsr
    inverse = np.dstack([blur[..., 0] / power, -blur[..., 1] / power])
    if cutoff is not None:
        fy, fx = np.fft.fftfreq(h).astype(np.float32), np.fft.fftfreq(w).astype(np.float32)
        fade = np.exp(-(fy[:, None] ** 2 + fx[None, :] ** 2) / np.float32(2 * cutoff * cutoff))
        inverse *= fade[..., None]
    restored = cv2.idft(cv2.mulSpectrums(spectrum, inverse, 0), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    out = restored[k:k + gray.shape[0], k:k + gray.shape[1]]
    return np.clip(out * 255, 0, 255).astype(np.uint8)


def deblurred(gray: np.ndarray) -> Iterator[np.ndarray]:
    """`gray` deconvolved by each likely blur in turn, the commonest first."""
    for length in MOTION_LENGTHS_PX:
        for angle in MOTION_ANGLES_DEG:
            yield wiener(gray, line_kernel(length, angle))
    for sigma in DEFOCUS_SIGMAS_PX:
        yield wiener(gray, gaussian_kernel(sigma))
