"""Checks the pictures of a built page against their sources, with PIL as
the decoder: every <img> of the page's body has width and height in the
source's aspect; a photo (a JPEG, or the photo saved as PNG) comes as
<picture> with a WebP <source>, a drawing (PNG) without; every file of
every srcset exists, decodes, and is as wide as its descriptor says (never
wider than the source) and as tall as the aspect makes it; the <img> loads
lazily and decodes asynchronously. Prints "ok ..." / "FAIL ..." lines.
Usage: check.py PUBLIC PAGE-HTML SOURCE-FOLDER"""
import html.parser
import os
import sys

from PIL import Image, ImageOps

public, page, srcdir = sys.argv[1:4]
base = "/klar/"  # the fixture site's base path


class Body(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.sources, self.pictures = [], [], 0
        self.in_picture = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "picture":
            self.in_picture = True
            self.pictures += 1
        elif tag == "source" and self.in_picture:
            self.sources.append(a)
        elif tag == "img":
            a["_in_picture"] = self.in_picture
            a["_source"] = self.sources[-1] if self.in_picture and self.sources else None
            self.imgs.append(a)

    def handle_endtag(self, tag):
        if tag == "picture":
            self.in_picture = False


p = Body()
p.feed(open(page, encoding="utf-8").read())
bad = 0


def check(cond, what):
    global bad
    print(("ok " if cond else "FAIL ") + what)
    if not cond:
        bad += 1


def file_of(url):
    assert url.startswith(base), url
    return os.path.join(public, url[len(base):])


def srcset(s):
    out = []
    for part in s.split(","):
        url, w = part.strip().rsplit(" ", 1)
        out.append((url, int(w[:-1])))
    return out


want = {  # source file -> (kind, widths)
    "udsigt.jpg": ("photo", [480, 800, 1200]),
    "lille.jpg": ("photo", [300]),
    "telefon.jpg": ("photo", [300]),  # stored 400 x 300, shown upright 300 x 400
    "foto.png": ("photo", [480, 640]),
    "tegning.png": ("drawing", [900]),  # a drawing: the file as it is
    "diagram.png": ("drawing", [700]),
    "kort.png": ("drawing", [1500]),
}
seen = set()
for img in p.imgs:
    src = img.get("src", "")
    name = os.path.basename(src)
    stem = name.split("-")[0]
    source = next((k for k in want if k.split(".")[0] == stem and name != k), None)
    if src.endswith(".svg"):
        check(img.get("width") and img.get("height"), f"{name}: width and height")
        check("srcset" not in img, f"{name}: no srcset for SVG")
        continue
    if not source:
        check(False, f"an image of unknown source {src}")
        continue
    seen.add(source)
    kind, widths = want[source]
    with Image.open(os.path.join(srcdir, source)) as im:
        sw, sh = ImageOps.exif_transpose(im).size  # as a browser shows the source
    w, h = int(img["width"]), int(img["height"])
    check(w == (sw if kind == "drawing" else min(sw, 1200)) and abs(h - sh * w / sw) < 1, f"{source}: width {w} height {h} from {sw}x{sh}")
    check(img.get("loading") == "lazy" and img.get("decoding") == "async", f"{source}: lazy, async")
    check("alt" in img, f"{source}: alt")
    sets = [("jpg" if kind == "photo" else "png", srcset(img["srcset"]) if "srcset" in img
             else [(src, w)])]
    if kind == "photo":
        check(img["_in_picture"] and img["_source"] and img["_source"].get("type") == "image/webp",
              f"{source}: <picture> with a WebP <source>")
        if img["_source"]:
            sets.append(("webp", srcset(img["_source"]["srcset"])))
    else:
        check(not img["_in_picture"], f"{source}: a drawing stays PNG, no WebP")
        with open(os.path.join(srcdir, source), "rb") as a, open(file_of(src), "rb") as b:
            check(a.read() == b.read(), f"{source}: the drawing's file is the author's, byte for byte")
    for ext, entries in sets:
        check([x for _, x in entries] == widths, f"{source}: {ext} widths {[x for _, x in entries]}")
        for url, x in entries:
            f = file_of(url)
            check(url.endswith("." + ext) and os.path.isfile(f), f"{source}: {os.path.basename(url)} exists")
            if not os.path.isfile(f):
                continue
            with Image.open(f) as v:
                fmt = {"jpg": "JPEG", "webp": "WEBP", "png": "PNG"}[ext]
                vh = sh if x == sw else max(1, sh * x // sw)
                check(v.format == fmt and v.size == (x, vh),
                      f"{source}: {os.path.basename(url)} is {v.format} {v.size[0]}x{v.size[1]}, want {x}x{vh}")
                if x == widths[-1]:
                    # The picture itself, upright: against the source as a
                    # browser shows it, at the same size (a file turned the
                    # wrong way or mirrored differs by far more).
                    with Image.open(os.path.join(srcdir, source)) as im:
                        up = ImageOps.exif_transpose(im).convert("RGB").resize(v.size)
                    got = v.convert("RGB")
                    diff = sum(abs(a - b) for p1, p2 in zip(up.getdata(), got.getdata())
                               for a, b in zip(p1, p2)) / (3 * v.size[0] * v.size[1])
                    check(diff < 12, f"{source}: {os.path.basename(url)} shows the source (mean difference {diff:.1f})")
                if ext == "png":
                    check(v.mode == ("RGBA" if source in ("tegning.png", "kort.png") else v.mode),
                          f"{source}: {os.path.basename(url)} keeps its transparency")
    check(src in [u for u, _ in sets[0][1]], f"{source}: src is one of the srcset's files")
check(seen == set(want), f"every source has its <img> ({sorted(seen)})")
sys.exit(1 if bad else 0)
