"""Draw the program's icon: a seal-red rounded square with 容 in white (Noto Sans SC Bold).

    .venv/bin/python scripts/make_icon.py

Writes ``resources/icons/rongcuo.png`` (256×256, the window icon) and ``resources/icons/rongcuo.ico``
(16–256 px, the Windows executable's icon). Both are committed; run this again only to change them.
The font is the bundled Noto Sans SC Bold instance (``documents.fonts.prepare_bundled_fonts``).
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEAL_RED = (178, 34, 34, 255)     # 印章红
WHITE = (255, 255, 255, 255)
SIZE = 256
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
CHARACTER = "容"


def draw(size: int = SIZE) -> Image.Image:
    """The icon at ``size`` pixels, drawn at 4× and scaled down (smooth edges)."""
    from documents.fonts import prepare_bundled_fonts

    bold = next(p for p in prepare_bundled_fonts() if p.name.endswith("-Bold.ttf"))
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    margin = big // 32
    canvas.rounded_rectangle((margin, margin, big - margin, big - margin), radius=big // 5, fill=SEAL_RED)
    inner = big // 16     # a thin white line inside the edge, as on a seal
    canvas.rounded_rectangle((margin + inner, margin + inner, big - margin - inner, big - margin - inner),
                             radius=big // 6, outline=WHITE, width=max(big // 64, 1))
    font = ImageFont.truetype(str(bold), int(big * 0.62))
    left, top, right, bottom = canvas.textbbox((0, 0), CHARACTER, font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    canvas.text((x, y), CHARACTER, font=font, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    folder = ROOT / "resources" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(folder / "rongcuo.png", optimize=True)
    image.save(folder / "rongcuo.ico", sizes=ICO_SIZES)
    print(f"已生成 {folder / 'rongcuo.png'} 和 {folder / 'rongcuo.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
