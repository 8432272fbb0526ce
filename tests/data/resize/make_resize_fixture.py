#!/usr/bin/env python3
"""Writes pil_resize_fixture.bin: small images and PIL's BILINEAR resizes of them.

Run once with Pillow installed (e.g. Debian's python3-pil); the output is committed and
read by tests/core/data/test_pil_resize.cpp, which checks resizeBilinearLikePil against
it for exact equality. PIL's Image.resize((w, h), Image.BILINEAR) is what
torchvision.transforms.Resize((h, w)) applies to PIL images.

Format (little-endian):
  b"PILRSZ01", u32 len + Pillow version string, u32 number of cases, then per case:
  u32 channels, u32 height, u32 width, input bytes (planar C x H x W),
  u32 number of outputs, then per output: u32 height, u32 width, bytes (planar C x h x w).
"""
import os
import random
import struct

import PIL
from PIL import Image

OUTPUT_SIZES = [(28, 14), (14, 14), (16, 32), (16, 16), (7, 9), (45, 33), (1, 1)]  # (h, w)


def grey_noise(rng, h, w):
    return [[rng.randrange(256) for _ in range(w)] for _ in range(h)]


def grey_shape(h, w):
    # A digit-like ring with hard edges on a black background, plus a faint ramp.
    cy, cx = h / 2 - 0.5, w / 2 - 0.5
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            r2 = (y - cy) ** 2 + ((x - cx) * 1.4) ** 2
            v = 255 if 30 <= r2 <= 80 else (x * 3 + y) % 40
            if 4 <= x <= 6 and y >= 14:
                v = 200
            row.append(v)
        rows.append(row)
    return rows


def to_planes(image):
    w, h = image.size
    bands = image.split()
    return b"".join(band.tobytes() for band in bands), len(bands), h, w


def main():
    rng = random.Random(20240611)
    images = []
    for rows in (grey_noise(rng, 28, 28), grey_shape(28, 28)):
        im = Image.new("L", (28, 28))
        im.putdata([v for row in rows for v in row])
        images.append(im)
    noise = Image.merge("RGB", [Image.frombytes("L", (32, 32), bytes(rng.randrange(256) for _ in range(32 * 32)))
                                for _ in range(3)])
    images.append(noise)
    pattern = Image.new("RGB", (32, 32))
    pattern.putdata([((x * 8) % 256, 255 if (x // 4 + y // 4) % 2 else 0, (y * 7 + x) % 256)
                     for y in range(32) for x in range(32)])
    images.append(pattern)

    out = bytearray(b"PILRSZ01")
    version = PIL.__version__.encode()
    out += struct.pack("<I", len(version)) + version
    out += struct.pack("<I", len(images))
    for im in images:
        data, c, h, w = to_planes(im)
        out += struct.pack("<III", c, h, w) + data
        out += struct.pack("<I", len(OUTPUT_SIZES))
        for oh, ow in OUTPUT_SIZES:
            resized = im.resize((ow, oh), Image.BILINEAR)
            data, _, rh, rw = to_planes(resized)
            assert (rh, rw) == (oh, ow)
            out += struct.pack("<II", oh, ow) + data

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pil_resize_fixture.bin")
    with open(path, "wb") as f:
        f.write(out)
    print(f"wrote {path}: {len(out)} bytes, {len(images)} images, Pillow {PIL.__version__}")


if __name__ == "__main__":
    main()
