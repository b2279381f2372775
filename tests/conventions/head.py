#!/usr/bin/env python3
"""Checks the <head> of every HTML page of a built site (argument: the
output folder): a title, a meta description that is not empty, a canonical
link (not on 404.html), Open Graph description, type, url and an og:image
that names a PNG of the output with the size og:image:width/height say, the
Atom feed linked, and the icons linked and there. Prints one line per
failure and "P of N head checks pass"; exits 1 when one fails."""
import html.parser, os, struct, sys, urllib.parse

out = sys.argv[1]
passed = failed = 0

def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)

class Head(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.title, self.in_title = {}, [], None, False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key: self.meta[key] = a.get("content")
        elif tag == "link":
            self.links.append(a)
        elif tag == "title":
            self.in_title, self.title = True, ""
    def handle_endtag(self, tag):
        if tag == "title": self.in_title = False
    def handle_data(self, data):
        if self.in_title: self.title += data

def local(url):
    """The file of the output a URL of the site names."""
    path = urllib.parse.urlparse(url).path
    return os.path.join(out, path.lstrip("/"))

def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n": return None
    return struct.unpack(">II", head[16:24])

pages = []
for root, _, files in os.walk(out):
    for f in files:
        if f.endswith(".html"): pages.append(os.path.join(root, f))
pages.sort()
bad = {k: [] for k in ("title", "description", "canonical", "og", "image", "feed", "icons")}
for p in pages:
    h = Head()
    with open(p, encoding="utf-8") as f: h.feed(f.read())
    rel = os.path.relpath(p, out)
    if "http-equiv" in open(p, encoding="utf-8").read() and "refresh" in open(p, encoding="utf-8").read():
        continue  # an alias's redirect page
    if not (h.title or "").strip(): bad["title"].append(rel)
    if not (h.meta.get("description") or "").strip(): bad["description"].append(rel)
    canon = [l for l in h.links if l.get("rel") == "canonical"]
    if rel != "404.html" and len(canon) != 1: bad["canonical"].append(rel)
    if not all((h.meta.get(k) or "").strip() for k in ("og:description", "og:type", "og:title")) or \
       (rel != "404.html" and not h.meta.get("og:url")):
        bad["og"].append(rel)
    img = h.meta.get("og:image") or ""
    size = png_size(local(img)) if img.startswith("https://") and os.path.isfile(local(img)) else None
    if not size or size != (int(h.meta.get("og:image:width") or 0), int(h.meta.get("og:image:height") or 0)) \
       or size != (1200, 630) or not h.meta.get("og:image:alt") or h.meta.get("twitter:card") != "summary_large_image":
        bad["image"].append(rel + " (" + img + ")")
    feeds = [l for l in h.links if l.get("rel") == "alternate" and l.get("type") == "application/atom+xml"]
    if len(feeds) != 1 or not feeds[0].get("title") or not os.path.isfile(local(feeds[0].get("href", "")) if feeds[0].get("href", "").startswith("http") else os.path.join(out, feeds[0].get("href", "").lstrip("/"))):
        bad["feed"].append(rel)
    icons = {(l.get("rel"), l.get("type")): l.get("href") for l in h.links if l.get("rel") in ("icon", "apple-touch-icon")}
    if not icons.get(("icon", None)) or not icons.get(("icon", "image/svg+xml")) or not icons.get(("apple-touch-icon", None)) \
       or not all(os.path.isfile(os.path.join(out, u.lstrip("/"))) for u in icons.values()):
        bad["icons"].append(rel)
for k, v in bad.items():
    check(not v, "%s on every page (%d pages without: %s)" % (k, len(v), ", ".join(v[:5])))
check(len(pages) > 50, "the site has its pages (%d)" % len(pages))

ico = os.path.join(out, "favicon.ico")
ok = os.path.isfile(ico)
if ok:
    with open(ico, "rb") as f: data = f.read()
    ok = data[:6] == b"\0\0\1\0\1\0" and data[6] == 32 and data[7] == 32 and data[22:30] == b"\x89PNG\r\n\x1a\n"
check(ok, "favicon.ico is an ICO with a 32 px PNG")
touch = os.path.join(out, "apple-touch-icon.png")
check(os.path.isfile(touch) and png_size(touch) == (180, 180), "apple-touch-icon.png is 180 × 180")
print("%d of %d head checks pass" % (passed, passed + failed))
sys.exit(1 if failed else 0)
