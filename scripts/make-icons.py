#!/usr/bin/env python3
"""Draws Member Wallet's app icons into public/icons/ (committed; rerun only to change the design).

Standard library only (zlib + struct write the PNGs), so it runs anywhere without installing
anything. Shapes are signed-distance functions, anti-aliased by their distance to the pixel
centre: one evaluation per pixel and shape, a couple of seconds for all sizes.

    python3 scripts/make-icons.py

Writes:
  icon-192.png, icon-512.png     "any" icons: a rounded navy square, transparent corners
  maskable-512.png               full-bleed navy, the artwork inside the 80 % safe zone
  apple-touch-icon.png (180)     full-bleed (iOS rounds the corners itself)
  favicon-32.png
"""
import math
import os
import struct
import zlib

NAVY = (0x1F, 0x2A, 0x44)
PAPER = (0xF5, 0xF2, 0xED)
AMBER = (0xC8, 0x87, 0x3A)
WINE = (0x7A, 0x1F, 0x2B)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "public", "icons")


def rounded_box(px, py, cx, cy, hw, hh, r, angle=0.0):
    """Signed distance from (px, py) to a rounded rectangle centred at (cx, cy), turned by angle."""
    dx, dy = px - cx, py - cy
    if angle:
        c, s = math.cos(angle), math.sin(angle)
        dx, dy = c * dx + s * dy, -s * dx + c * dy
    qx, qy = abs(dx) - hw + r, abs(dy) - hh + r
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - r


def artwork():
    """The shapes in unit coordinates (0..1, y down), back to front: (sdf, colour)."""
    tilt = math.radians(-9)
    shapes = [
        # The card behind, in the empty wallet's amber.
        (lambda x, y: rounded_box(x, y, 0.45, 0.41, 0.29, 0.185, 0.05, tilt), AMBER),
        # The member card in front, paper white.
        (lambda x, y: rounded_box(x, y, 0.53, 0.57, 0.29, 0.185, 0.05), PAPER),
    ]
    # A QR-like mark on the front card: three finder squares and a few modules.
    m = 0.028  # one module
    ox, oy = 0.31, 0.44  # top-left of the code
    for fx, fy in ((0, 0), (6, 0), (0, 6)):
        cx, cy = ox + (fx + 1.5) * m, oy + (fy + 1.5) * m
        shapes.append((lambda x, y, cx=cx, cy=cy: rounded_box(x, y, cx, cy, 1.5 * m, 1.5 * m, 0.004), NAVY))
        shapes.append((lambda x, y, cx=cx, cy=cy: rounded_box(x, y, cx, cy, 0.9 * m, 0.9 * m, 0.002), PAPER))
        shapes.append((lambda x, y, cx=cx, cy=cy: rounded_box(x, y, cx, cy, 0.5 * m, 0.5 * m, 0.002), NAVY))
    for mx, my in ((4, 1), (4, 3), (6, 5), (4, 5), (8, 7), (6, 8), (8, 4), (5, 7)):
        cx, cy = ox + (mx + 0.5) * m, oy + (my + 0.5) * m
        shapes.append((lambda x, y, cx=cx, cy=cy: rounded_box(x, y, cx, cy, 0.5 * m, 0.5 * m, 0.001), NAVY))
    # Two lines of "text" on the right of the card, and the wine stripe of a stamp.
    shapes.append((lambda x, y: rounded_box(x, y, 0.69, 0.50, 0.07, 0.018, 0.018), NAVY))
    shapes.append((lambda x, y: rounded_box(x, y, 0.66, 0.565, 0.04, 0.014, 0.014), (0x8A, 0x84, 0x7C)))
    shapes.append((lambda x, y: rounded_box(x, y, 0.69, 0.66, 0.07, 0.03, 0.03), WINE))
    return shapes


def render(size, full_bleed, inset):
    """RGBA rows. full_bleed: navy to the edges (maskable, iOS); else a rounded square.
    inset: the artwork's scale around the centre (maskable keeps it in the safe zone)."""
    shapes = artwork()
    px = 1.0 / size  # one pixel in unit coordinates
    rows = []
    for j in range(size):
        row = bytearray()
        for i in range(size):
            x, y = (i + 0.5) / size, (j + 0.5) / size
            if full_bleed:
                alpha = 1.0
            else:
                d = rounded_box(x, y, 0.5, 0.5, 0.5, 0.5, 0.22)
                alpha = min(max(0.5 - d / px, 0.0), 1.0)
            r, g, b = NAVY
            if alpha > 0:
                # The artwork, scaled about the centre.
                ax, ay = 0.5 + (x - 0.5) / inset, 0.5 + (y - 0.5) / inset
                apx = px / inset
                for sdf, colour in shapes:
                    cover = min(max(0.5 - sdf(ax, ay) / apx, 0.0), 1.0)
                    if cover > 0:
                        r += (colour[0] - r) * cover
                        g += (colour[1] - g) * cover
                        b += (colour[2] - b) * cover
            row += bytes((round(r), round(g), round(b), round(alpha * 255)))
        rows.append(bytes(row))
    return rows


def write_png(path, size, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)
    print(f"[icons] {os.path.relpath(path)} {size}x{size} {len(png)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    jobs = [
        ("icon-192.png", 192, False, 1.0),
        ("icon-512.png", 512, False, 1.0),
        # Maskable: launchers crop to as little as a circle of 80 % diameter; keep the cards inside.
        ("maskable-512.png", 512, True, 0.78),
        ("apple-touch-icon.png", 180, True, 0.9),
        ("favicon-32.png", 32, False, 1.0),
    ]
    for name, size, full_bleed, inset in jobs:
        write_png(os.path.join(OUT, name), size, render(size, full_bleed, inset))


if __name__ == "__main__":
    main()
