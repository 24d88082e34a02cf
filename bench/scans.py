"""Synthetic scans of real build outputs: form pages rasterised with pdftoppm, turned a few degrees
(one upside down), blurred, speckled, JPEG-compressed at quality 50 — what a clerk's office scanner
gives back after the sheets were signed."""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from pipeline.bundle.pagecode import SIZE_CM, X_CM, Y_CM


@dataclass(frozen=True)
class Sheet:
    """A printed form page: whose dossier, which document, which page, and its image."""

    unit: str
    person: str  # "" for a unit's own document
    form: str
    copy: int
    page: int  # the page within its document
    image: Image.Image


def form_pages(outdir: Path, units: set[str] | None = None, persons: set[str] | None = None,
               dpi: int = 150) -> list[Sheet]:
    """The coded form pages of the chosen dossiers of a build output, in dossier order (covers and
    blank pages are not signed and not returned)."""
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    wanted = []
    for u in manifest["don_vi"]:
        if units is not None and u["ma_don_vi"] in units:
            wanted.append((u["pdf"], u["ma_don_vi"], "", [s for s in u["muc"] if not s["ma_so"]]))
    for p in manifest["ca_nhan"]:
        if (units is not None and p["ma_don_vi"] in units) or (persons is not None and p["ma_so"] in persons):
            wanted.append((p["pdf"], p["ma_don_vi"], p["ma_so"], p["tai_lieu"]))
    out = []
    for pdf, unit, person, sections in wanted:
        copies: dict[str, int] = {}
        for s in sections:
            copy = copies[s["mau"]] = copies.get(s["mau"], 0) + 1
            for k in range(s["so_trang"]):
                page = s["trang_dau"] + k
                png = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page),
                                      str(outdir / pdf)], capture_output=True, check=True).stdout
                from io import BytesIO
                out.append(Sheet(unit, person, s["mau"], copy, k + 1, Image.open(BytesIO(png)).convert("L")))
    return out


def scanned(image: Image.Image, rng: random.Random, *, flip: bool = False, smear: bool = False,
            dpi: int = 150) -> Image.Image:
    """The sheet as a scanner returns it."""
    im = image
    if smear:  # a thumb of ink across the code
        im = im.copy()
        d = ImageDraw.Draw(im)
        px = dpi / 2.54
        x0, y1 = X_CM * px, im.height - Y_CM * px
        d.rectangle([x0 + 0.15 * SIZE_CM * px, y1 - 0.85 * SIZE_CM * px, x0 + 0.85 * SIZE_CM * px,
                     y1 - 0.15 * SIZE_CM * px], fill=30)
    im = im.rotate(rng.uniform(-3, 3), resample=Image.BILINEAR, fillcolor=255)
    if flip:
        im = im.rotate(180)
    im = im.filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.effect_noise(im.size, 18)
    im = Image.blend(im, noise, 0.08)
    buf = __import__("io").BytesIO()
    im.save(buf, "JPEG", quality=50)
    return Image.open(buf)


def recoded(image: Image.Image, text: str, dpi: int = 150) -> Image.Image:
    """The page with its code replaced by one saying `text` (a page of another build: another version,
    year or agency)."""
    import segno

    im = image.copy()
    px = dpi / 2.54
    x0, y1 = X_CM * px, im.height - Y_CM * px
    y0, x1 = y1 - SIZE_CM * px, x0 + SIZE_CM * px
    d = ImageDraw.Draw(im)
    d.rectangle([x0 - 4, y0 - 4, x1 + 4, y1 + 4], fill=255)
    matrix = [list(row) for row in segno.make_qr(text, error="m", boost_error=False).matrix]
    step = (x1 - x0) / len(matrix)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                d.rectangle([x0 + c * step, y0 + r * step, x0 + (c + 1) * step - 1, y0 + (r + 1) * step - 1], fill=0)
    return im


def write_pdf(images: list[Image.Image], path: Path, dpi: int = 150) -> Path:
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return path




def main() -> None:
    """`python -m bench.scans OUTDIR [--pages N]`: scanned pages per second of `hoso nhan-ban-ky` on
    synthetic scans of the build output OUTDIR (a copy is sorted; OUTDIR is not written)."""
    import argparse
    import shutil
    import tempfile
    import time

    from pipeline.scan.sort import receive

    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--pages", type=int, default=200)
    args = ap.parse_args()
    manifest = json.loads((args.outdir / "manifest.json").read_text(encoding="utf-8"))
    units = [u["ma_don_vi"] for u in manifest["don_vi"]]
    sheets: list[Sheet] = []
    for unit in units:
        if len(sheets) >= args.pages:
            break
        sheets += form_pages(args.outdir, units={unit})
    sheets = sheets[:args.pages]
    rng = random.Random(0)
    images = [scanned(s.image, rng, flip=i % 17 == 0) for i, s in enumerate(sheets)]
    rng.shuffle(images)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-scan-") as tmp:
        out = Path(tmp) / "out"
        shutil.copytree(args.outdir, out, symlinks=True)
        scans = [write_pdf(images[i:i + 50], Path(tmp) / f"quet_{i // 50}.pdf") for i in range(0, len(images), 50)]
        t = time.perf_counter()
        result = receive(out, scans)
        seconds = time.perf_counter() - t
    filed = sum(p.received for p in result.people)
    print(json.dumps({"scan_pages": len(images), "filed": filed, "unreadable": len(result.unreadable),
                      "seconds": round(seconds, 2), "pages_per_second": round(len(images) / seconds, 1),
                      "target_pages_per_second": 10}))


if __name__ == "__main__":
    main()
