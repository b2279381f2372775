#!/usr/bin/env python3
"""Makes the print benchmark's HTML: the pages of one booklet declared in
content/site.yaml, each taken from klar's own HTML output (its <main>, without the
navigation),
after a cover and a contents page, linked to print.css. Proposals (pages
under forslag/) run on after each other, as in klar's catalogue layout.

  html.py SITE_DIR BOOKLET_NAME OUT.html"""
import os, re, sys

site, name, out = sys.argv[1], sys.argv[2], sys.argv[3]
yaml = open("content/site.yaml", encoding="utf-8").read()
block = yaml[yaml.index("\nbooklets:"):]
entry = re.search(r"\n  - name: %s\n(.*?)(?=\n  - name:|\Z)" % re.escape(name), block, re.S).group(1)
title = re.search(r"^    title: (.*)$", entry, re.M).group(1)
pages = re.findall(r"^      - (\S+)$", entry, re.M)
inline = re.search(r"^    pages: \[(.*)\]$", entry, re.M)
if inline:
    pages = [p.strip() for p in inline.group(1).split(",")]

def html_of(src):
    d, f = os.path.split(src)
    path = os.path.join(site, d, "index.html") if f in ("_index.md", "index.md") else \
        os.path.join(site, d, f[:-3], "index.html")
    return open(path, encoding="utf-8").read()

arts = []
for i, src in enumerate(pages):
    h = html_of(src)
    a = re.search(r"<main[^>]*>(.*?)</main>", h, re.S).group(1)
    a = '<div class="page">' + re.sub(r"<nav.*?</nav>", "", a, flags=re.S) + "</div>"
    run_on = src.startswith("forslag/") or src.startswith("tilbud/") and not src.endswith("_index.md")
    a = a.replace('<div class="page"', '<div id="s%d" class="page%s"' % (i, " run-on" if run_on else ""), 1)
    t = re.search(r"<h1[^>]*>(.*?)</h1>", a, re.S)
    arts.append((i, re.sub(r"<[^>]+>", "", t.group(1)) if t else src, a))

with open(out, "w", encoding="utf-8") as o:
    o.write('<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8"><title>%s</title>'
            '<link rel="stylesheet" href="print.css"></head><body>\n' % title)
    o.write('<section class="cover"><h1>%s</h1><p>KLAR til Læring</p></section>\n' % title)
    o.write('<section class="toc"><h1>Indhold</h1>\n')
    for i, t, _ in arts:
        o.write('<a href="#s%d">%s</a>\n' % (i, t))
    o.write('</section>\n')
    for _, _, a in arts:
        o.write(a + "\n")
    o.write("</body></html>\n")
