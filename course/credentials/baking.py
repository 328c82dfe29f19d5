"""The badge image: a PNG with the signed credential baked in (OB 3.0 baking: an iTXt chunk "openbadgecredential").

Drawn with Pillow (already in the project through reportlab). Reading takes the chunk back out of an
uploaded PNG without decoding its pixels, and refuses anything that is not a PNG.
"""
from __future__ import annotations

import io
import textwrap
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

KEYWORD = "openbadgecredential"
SIZE = 400
TEAL, CREAM, INK = (22, 96, 102), (250, 246, 238), (30, 41, 46)
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


class NotABadge(ValueError):
    """The file is not a PNG, or carries no credential."""


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = True):
    path = Path(FONT_FILES[0 if bold else 1])
    if path.exists():
        return ImageFont.truetype(str(path), size)
    import reportlab  # reportlab ships Vera, as the certificate PDF uses when DejaVu is absent
    vera = Path(reportlab.__file__).parent / "fonts" / ("VeraBd.ttf" if bold else "Vera.ttf")
    return ImageFont.truetype(str(vera), size)


def draw(title: str, heading: str, year: str) -> Image.Image:
    """A round badge: the heading, the title (wrapped) and the year."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse((4, 4, SIZE - 4, SIZE - 4), fill=TEAL)
    pen.ellipse((26, 26, SIZE - 26, SIZE - 26), fill=CREAM)
    pen.text((SIZE / 2, 86), heading.upper(), font=_font(22), fill=TEAL, anchor="mm")
    lines = textwrap.wrap(title, 20)[:5]
    top = SIZE / 2 - (len(lines) - 1) * 15
    for number, line in enumerate(lines):
        pen.text((SIZE / 2, top + number * 30), line, font=_font(24), fill=INK, anchor="mm")
    pen.text((SIZE / 2, SIZE - 92), "Veilige Gehechtheid", font=_font(18, bold=False), fill=TEAL, anchor="mm")
    pen.text((SIZE / 2, SIZE - 64), year, font=_font(18, bold=False), fill=TEAL, anchor="mm")
    return image


def bake(image: Image.Image, token: str) -> bytes:
    """The image as PNG with the credential (the compact VC-JWT) in an uncompressed iTXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEYWORD, token, lang="", tkey="", zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def unbake(data: bytes) -> str:
    """The credential text in a baked PNG (NotABadge when it is no PNG or carries none)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise NotABadge("geen PNG-bestand")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise NotABadge("geen PNG-bestand")
            image.load()  # chunks after the image data (where some bakers put the credential) too
            text = image.text.get(KEYWORD)  # type: ignore[attr-defined]
    except NotABadge:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise NotABadge("het PNG-bestand is beschadigd") from exc
    if not text:
        raise NotABadge("er zit geen Open Badge in dit plaatje")
    return str(text).strip()
