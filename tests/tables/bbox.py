#!/usr/bin/env python3
"""bbox.py MODE PDF [ARGS]: reads `pdftotext -bbox` of PDF and checks
   size PAGE WORD MIN MAX  the size (pt) WORD is set at on PAGE, from its
                           height against Noto Sans' (ascent + descent =
                           1.362 em), is within MIN..MAX
   turned PAGE WORD        WORD on PAGE runs up the page (taller than
                           wide: a table turned sideways) and the page's
                           folio stands upright
   inside                  every word of every page lies inside the page,
                           and no two words overlap (text run out of its
                           cell or line lands on its neighbour's)
Prints what it found; exits 1 when the check fails."""
import re, subprocess, sys

def pages(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    res = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>', m.group(3))]
        res.append((float(m.group(1)), float(m.group(2)), words))
    return res

def main():
    mode, pdf = sys.argv[1], sys.argv[2]
    ps = pages(pdf)
    if mode == "size":
        page, word, lo, hi = int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
        ws = [w for w in ps[page - 1][2] if w[4] == word]
        if not ws:
            print(f"{word} not on page {page}"); return 1
        x0, y0, x1, y1, _ = ws[0]
        size = min(x1 - x0, y1 - y0) / 1.362
        print(f"{word} at {size:.2f} pt")
        return 0 if lo <= size <= hi else 1
    if mode == "turned":
        page, word = int(sys.argv[3]), sys.argv[4]
        ws = ps[page - 1][2]
        hit = [w for w in ws if w[4] == word]
        folio = [w for w in ws if w[4] == str(page)]
        if not hit or not folio:
            print(f"{word} or the folio {page} not on page {page}"); return 1
        x0, y0, x1, y1, _ = hit[0]
        f0, g0, f1, g1, _ = folio[-1]
        print(f"{word} {x1 - x0:.1f} wide, {y1 - y0:.1f} high; folio {f1 - f0:.1f} wide, {g1 - g0:.1f} high")
        return 0 if y1 - y0 > 2 * (x1 - x0) and g1 - g0 < 3 * (f1 - f0) else 1
    if mode == "inside":
        bad = 0
        for n, (pw, ph, ws) in enumerate(ps, 1):
            for w in ws:
                if w[0] < -0.5 or w[1] < -0.5 or w[2] > pw + 0.5 or w[3] > ph + 0.5:
                    print(f"page {n}: '{w[4]}' outside the page"); bad += 1
            for i in range(len(ws)):
                for j in range(i + 1, len(ws)):
                    a, b = ws[i], ws[j]
                    ox = min(a[2], b[2]) - max(a[0], b[0])
                    oy = min(a[3], b[3]) - max(a[1], b[1])
                    if ox > 0.5 and oy > 0.5:
                        print(f"page {n}: '{a[4]}' and '{b[4]}' overlap"); bad += 1
        print(f"{len(ps)} pages, {sum(len(p[2]) for p in ps)} words, {bad} outside or overlapping")
        return 1 if bad else 0
    return 2

sys.exit(main())
