#!/usr/bin/env python3
"""The imposed press sheets of a booklet (NAME-ark.pdf) as a print shop
expects them, checked with qpdf, poppler and Ghostscript.

  sheet.py ARK.pdf TRYK.pdf SHEET BLEED

SHEET is the layout's <impose sheet> ("SRA3", "A4", "320x225"), BLEED its
bleed in mm. The rules:
  S1  every page's MediaBox is the named sheet, landscape (pdfinfo -box)
  S2  one TrimBox a page: the spread (two pages of the printer PDF side by
      side), centred on the sheet, with its BleedBox the bleed round it
  S3  sheets = printer pages / 4: twice as many sides as sheets
  S4  the slug line of each side (pdftotext over the band above the
      spread) names the booklet, "Ark N/M" with M = pages / 4, skøntryk on
      the front and vidertryk on the back, the pages on it in
      saddle-stitch order (side 2s: n-2s | 2s+1; side 2s+1: 2s+2 | n-2s-1)
      and the date of the PDF (its CreationDate, from SOURCE_DATE_EPOCH
      like it); and the folio printed on each half, where a page has one,
      is that page's number
  S5  a registration target centred on each of the four sides of the
      spread, 16 mm past the trim (bleed, 8 mm slug, half the 10 mm band):
      rendered in CMYK (gs pamcmyk32, every separation a channel), its
      centre has all four plates at 100 % (the All separation)
  S6  the colour bar in the band below the spread, from the left trim
      edge: C, M, Y, K at 100 %, 50 % and 25 %, then a registration patch;
      each patch on its own plate only (cyan only on the cyan plate), the
      registration patch on all four; the run repeated across, to the
      right trim edge
  S7  outside the BleedBox nothing but marks: every inked pixel there is
      on all four plates (All) or on one plate alone (a patch)
Prints "ok N rules" or one "FAIL rule: why" line for each fault; exits 1
on a fault.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ark, tryk, sheet, bleed = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
MM = 72 / 25.4
RES = 100
SLUG, BAND, PATCH = 8, 10, 5
fails = []


def fail(rule, why):
    fails.append(f"{rule}: {why}")


def run(args):
    return subprocess.run(args, capture_output=True, check=False).stdout.decode(errors="replace")


SIZES = {"A4": (297, 210), "A3": (420, 297), "SRA4": (320, 225), "SRA3": (450, 320), "A5": (210, 148)}
if sheet.upper() in SIZES:
    sw, sh = SIZES[sheet.upper()]
else:
    sw, sh = map(float, sheet.lower().split("x"))
sw, sh = max(sw, sh) * MM, min(sw, sh) * MM

# S1, S2: boxes of every page.
boxes = {}
for line in run(["pdfinfo", "-box", "-f", "1", "-l", "9999", ark]).splitlines():
    m = re.match(r"Page\s+(\d+)\s+(MediaBox|TrimBox|BleedBox):\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", line)
    if m:
        boxes.setdefault(int(m.group(1)), {})[m.group(2)] = [float(m.group(i)) for i in range(3, 7)]
nsides = len(boxes)
npages = int(re.search(r"Pages:\s+(\d+)", run(["pdfinfo", tryk])).group(1))
trim = boxes.get(1, {}).get("TrimBox", [0, 0, 0, 0])
pw = (trim[2] - trim[0]) / 2
ph = trim[3] - trim[1]
for n, b in sorted(boxes.items()):
    mb, tb, bb = b.get("MediaBox"), b.get("TrimBox"), b.get("BleedBox")
    if not mb or abs(mb[2] - mb[0] - sw) > 0.5 or abs(mb[3] - mb[1] - sh) > 0.5:
        fail("S1", f"sheet side {n}: MediaBox {mb}, not {sheet} ({sw:.2f} x {sh:.2f} pt)")
    if not tb or not bb:
        fail("S2", f"sheet side {n}: no TrimBox or BleedBox")
        continue
    if abs((tb[0] + tb[2]) / 2 - sw / 2) > 0.5 or abs((tb[1] + tb[3]) / 2 - sh / 2) > 0.5:
        fail("S2", f"sheet side {n}: the spread {tb} is not centred on the sheet")
    if any(abs(bb[i] - tb[i] + (bleed * MM if i < 2 else -bleed * MM)) > 0.5 for i in range(4)):
        fail("S2", f"sheet side {n}: BleedBox {bb} is not the TrimBox {tb} and {bleed} mm")
    if tb != trim:
        fail("S2", f"sheet side {n}: TrimBox {tb}, side 1 has {trim}")

# S3
if npages % 4 or nsides != npages // 2:
    fail("S3", f"{nsides} sheet sides for {npages} printer pages (want {npages // 2})")
nsheets = npages // 4

# S4: the slug line, and the folios on each half.
date = ""
m = re.search(r"CreationDate:\s+(\S+)", run(["pdfinfo", "-isodates", ark]))
if m:
    date = m.group(1)[:10]
name = os.path.basename(ark)[:-len("-ark.pdf")]
mt = sh - trim[3]  # the band above the spread, from the sheet's top
folios = 0
for s in range(nsides):
    if s // 2 >= nsheets:
        break
    # impose_side: front of sheet t: n-2t | 2t+1, back: 2t+2 | n-2t-1
    t = s // 2
    left, right = (npages - 2 * t, 2 * t + 1) if s % 2 == 0 else (2 * t + 2, npages - 2 * t - 1)
    slug = run(["pdftotext", "-f", str(s + 1), "-l", str(s + 1), "-x", "0", "-y", "0",
                "-W", str(int(sw)), "-H", str(int(mt - (bleed + SLUG) * MM + 2)), ark, "-"])
    slug = " ".join(slug.split())
    want = (f"{name} · Ark {t + 1}/{nsheets} · {'vidertryk' if s % 2 else 'skøntryk'} · "
            f"side {left} | {right} · {date}")
    if slug != want:
        fail("S4", f"sheet side {s + 1}: slug line '{slug}', want '{want}'")
    # The folio: a number alone in the lowest text of each half of the spread.
    for half, pn in ((0, left), (1, right)):
        x0 = trim[0] + half * pw
        txt = run(["pdftotext", "-f", str(s + 1), "-l", str(s + 1), "-x", str(int(x0 + 2)),
                   "-y", str(int(sh - trim[1] - 30 * MM)), "-W", str(int(pw - 4)), "-H", str(int(30 * MM)),
                   ark, "-"])
        nums = re.findall(r"^\s*(\d+)\s*$", txt, re.M)
        folios += bool(nums)
        if nums and nums[-1] != str(pn):
            fail("S4", f"sheet side {s + 1}: the {'right' if half else 'left'} page shows folio {nums[-1]}, want {pn}")

if nsides and folios < nsides // 2:
    fail("S4", f"folios found on only {folios} of {2 * nsides} pages")


def read_pam(path):
    d = open(path, "rb").read()
    head, _, body = d.partition(b"ENDHDR\n")
    f = dict(l.split(b" ", 1) for l in head.split(b"\n")[1:] if b" " in l)
    return int(f[b"WIDTH"]), int(f[b"HEIGHT"]), body


with tempfile.TemporaryDirectory() as tmp:
    r = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pamcmyk32", f"-r{RES}",
                        f"-sOutputFile={tmp}/s%03d.pam", ark], capture_output=True, check=False)
    if r.returncode:
        fail("S5", "gs failed: " + r.stderr.decode(errors="replace")[:200])
    files = sorted(glob.glob(os.path.join(tmp, "s*.pam")))
    for n, path in enumerate(files, 1):
        w, h, px = read_pam(path)

        def at(x, y):  # PDF points (origin bottom left) to the pixel's C, M, Y, K
            i, j = int(x * RES / 72), int((sh - y) * RES / 72)
            k = 4 * (j * w + i)
            return tuple(px[k:k + 4]) if 0 <= i < w and 0 <= j < h else (0, 0, 0, 0)

        def all_plates_near(x, y, r=3):
            i0, j0 = int(x * RES / 72), int((sh - y) * RES / 72)
            for j in range(j0 - r, j0 + r + 1):
                for i in range(i0 - r, i0 + r + 1):
                    k = 4 * (j * w + i)
                    if 0 <= i < w and 0 <= j < h and min(px[k:k + 4]) == 255:
                        return True
            return False

        d = (bleed + SLUG + BAND / 2) * MM
        cx, cy = (trim[0] + trim[2]) / 2, (trim[1] + trim[3]) / 2
        for where, x, y in (("top", cx, trim[3] + d), ("bottom", cx, trim[1] - d),
                            ("left", trim[0] - d, cy), ("right", trim[2] + d, cy)):
            if not all_plates_near(x, y):
                fail("S5", f"sheet side {n}: no registration target on all four plates at the {where}")
        p = min(PATCH * MM, (pw - 2.5 * MM - 3 * MM) / 13)
        y = trim[1] - (bleed + SLUG + BAND / 2) * MM
        inks = "CMYK"
        for i, (tint, ink) in enumerate([(t, k) for t in (100, 50, 25) for k in range(4)]):
            got = at(trim[0] + (i + 0.5) * p, y)
            want = [0, 0, 0, 0]
            want[ink] = round(255 * tint / 100)
            if any(abs(got[c] - want[c]) > 3 for c in range(4)):
                fail("S6", f"sheet side {n}: patch {i + 1} ({inks[ink]} {tint} %) is C M Y K {got}")
        got = at(trim[0] + 12.5 * p, y)
        if got != (255, 255, 255, 255):
            fail("S6", f"sheet side {n}: the registration patch is C M Y K {got}, not on all four plates")
        # Repeated across the spread: the right half's run ends at the right
        # trim edge with patch (room / p) of the cycle.
        nrun = int((pw - 2.5 * MM - 3 * MM) / p + 1e-6)
        j = (nrun - 1) % 13
        want = (255,) * 4 if j == 12 else tuple(round(255 * (100, 50, 25)[j // 4] / 100) if c == j % 4 else 0
                                                 for c in range(4))
        got = at(trim[2] - p / 2, y)
        if any(abs(got[c] - want[c]) > 3 for c in range(4)):
            fail("S6", f"sheet side {n}: the colour bar's last patch at the right trim edge is C M Y K {got}, want {want}")
        # S7: outside the BleedBox, marks only.
        bb = boxes[n]["BleedBox"]
        bx0, bx1 = int(bb[0] * RES / 72) - 1, int(bb[2] * RES / 72) + 1
        by0, by1 = int((sh - bb[3]) * RES / 72) - 1, int((sh - bb[1]) * RES / 72) + 1
        outside = bytearray(px[:max(by0, 0) * w * 4])
        outside += px[min(by1 + 1, h) * w * 4:]
        for j in range(max(by0, 0), min(by1 + 1, h)):
            outside += px[j * w * 4:max(bx0, 0) * 4 + j * w * 4]
            outside += px[j * w * 4 + min(bx1 + 1, w) * 4:(j + 1) * w * 4]
        stray = 0
        for v in set(memoryview(bytes(outside)).cast("I")):
            c = v.to_bytes(4, "little")
            if sum(1 for x in c if x) > 1 and min(c) != 255:
                stray += 1
        if stray:
            fail("S7", f"sheet side {n}: {stray} mixed colours outside the BleedBox (page content past the bleed)")

for f in fails:
    print("FAIL " + f)
if not fails:
    print("ok 7 rules")
sys.exit(1 if fails else 0)
