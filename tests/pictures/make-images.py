"""Draws the images of the pictures suite's test page with PIL, so that no
binary file is committed: a landscape photo (JPEG, 1600 x 1000), a small
photo (JPEG, 300 x 200), a phone's photo stored on its side (JPEG, 400 x
300 with EXIF orientation 6: shown 300 x 400), a photo saved as PNG (opaque and noisy, 640 x 480),
a drawing with transparency (PNG, 900 x 300), a flat drawing without
transparency (PNG, 700 x 350), both small, and a large drawing with
transparency (PNG, 1500 x 1000, over 100 KB). Same bytes every run (fixed seed).
Usage: make-images.py FOLDER"""
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

out = sys.argv[1]
rnd = random.Random(7)


def landscape(w, h):
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            sky = y < h * 0.6
            t = y / h
            if sky:
                c = (int(90 + 80 * t), int(150 + 60 * t), int(220 - 20 * t))
            else:
                c = (int(60 + 40 * t), int(120 + 30 * t), int(50 + 10 * t))
            px[x, y] = c
    d = ImageDraw.Draw(img)
    d.ellipse((w * 0.7, h * 0.1, w * 0.82, h * 0.29), fill=(250, 220, 120))
    for _ in range(30):
        x, y, r = rnd.random() * w, h * 0.6 + rnd.random() * h * 0.4, 10 + rnd.random() * w / 30
        d.ellipse((x - r, y - r, x + r, y + r), fill=(30 + rnd.randrange(40), 90 + rnd.randrange(60), 40))
    return img.filter(ImageFilter.GaussianBlur(2))


def noisy(w, h):
    img = landscape(w, h)
    px = img.load()
    for y in range(h):
        for x in range(w):
            r, g, b = px[x, y]
            n = rnd.randrange(-40, 41)
            px[x, y] = (max(0, min(255, r + n)), max(0, min(255, g + n)), max(0, min(255, b + n)))
    return img


landscape(1600, 1000).save(f"{out}/udsigt.jpg", quality=80)
landscape(300, 200).save(f"{out}/lille.jpg", quality=80)
noisy(640, 480).save(f"{out}/foto.png")
exif = Image.Exif()
exif[0x0112] = 6  # turn 90 degrees clockwise to show
landscape(400, 300).save(f"{out}/telefon.jpg", quality=80, exif=exif)
logo = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
d = ImageDraw.Draw(logo)
d.rounded_rectangle((20, 20, 880, 280), radius=60, fill=(13, 79, 110, 255))
d.ellipse((60, 60, 240, 240), fill=(179, 32, 46, 255))
logo.save(f"{out}/tegning.png")
flat = Image.new("RGB", (700, 350), (255, 255, 255))
d = ImageDraw.Draw(flat)
for i in range(5):
    d.rectangle((60 + i * 120, 300 - 50 * (i + 1), 140 + i * 120, 300), fill=(13, 79, 110))
flat.save(f"{out}/diagram.png")
big = Image.new("RGBA", (1500, 1000), (0, 0, 0, 0))
d = ImageDraw.Draw(big)
for _ in range(3000):
    x, y, r = rnd.random() * 1500, rnd.random() * 1000, 3 + rnd.random() * 12
    d.ellipse((x - r, y - r, x + r, y + r),
              fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256), 128 + rnd.randrange(128)))
big.save(f"{out}/kort.png")
