"""Font files kopi uses, all from Debian packages (nothing is downloaded at run time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolMissing

FONT_DIR = Path("/usr/share/fonts")


@dataclass(frozen=True)
class FontFile:
    name: str
    path: Path
    package: str

    def require(self) -> Path:
        if not self.path.exists():
            raise ToolMissing(
                f"font {self.name} not found at {self.path}; "
                f"install it with: apt-get install {self.package}"
            )
        return self.path


def _dejavu(file: str) -> FontFile:
    return FontFile(file.removesuffix(".ttf"), FONT_DIR / "truetype/dejavu" / file, "fonts-dejavu-core")


# The printed form.
SANS = _dejavu("DejaVuSans.ttf")
SANS_BOLD = _dejavu("DejaVuSans-Bold.ttf")
MONO_BOLD = _dejavu("DejaVuSansMono-Bold.ttf")
SERIF = _dejavu("DejaVuSerif.ttf")

# Typed fills in sample scans (what an office typing into the form, or very neat print, gives).
# Not DejaVu Sans Mono: its zero carries a slash that reads as 9 or 8, a glyph nobody writes by hand.
TYPED_FILLS = (SANS, SERIF)

# Handwriting-like fills in sample scans. Not femkeklaver: it draws letters in outline, which no
# pen does.
HANDWRITING_FILLS = (
    FontFile("Humor-Sans", FONT_DIR / "truetype/humor-sans/Humor-Sans.ttf", "fonts-humor-sans"),
    FontFile("DkgHandwriting", FONT_DIR / "truetype/fifthhorseman/dkg.ttf", "fonts-dkg-handwriting"),
    FontFile("ComicNeue", FONT_DIR / "opentype/comic-neue/ComicNeue-Regular.otf", "fonts-comic-neue"),
    FontFile("KleeOne", FONT_DIR / "truetype/klee/KleeOne-SemiBold.ttf", "fonts-klee"),
    FontFile("Rufscript", FONT_DIR / "truetype/rufscript/Rufscript010.ttf", "fonts-rufscript"),
)
