"""Content-addressed file store: originals and straightened pages, kept by their sha256.

Writing is idempotent (the same bytes land on the same path) and atomic (write, then rename), so
blobs are written before the database transaction that refers to them; a blob whose transaction
failed is harmless and is simply found again next time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        return digest

    def put_image(self, rgb: np.ndarray, quality: int = 90) -> str:
        ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                                   [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise ValueError("could not encode page image")
        return self.put(encoded.tobytes())

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()
