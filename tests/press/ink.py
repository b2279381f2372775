#!/usr/bin/env python3
"""Ink on the plates of a printer PDF, measured with Ghostscript.

  ink.py PRINTER.pdf [READER.pdf]

- total ink: every page rendered in CMYK (pamcmyk32, RES dpi, the TrimBox,
  or the BleedBox of an imposed sheet: the marks outside it are in the All
  separation, 400 % by nature) and the
  largest C+M+Y+K of any pixel must stay within 300 % (FOGRA39's limit);
- grey stays black: with the reader PDF, both rendered at the same
  resolution over the trim, every pixel that is grey or black in the reader
  (channels within 30 of each other and darker than 216, or all three
  equal) must have no cyan, magenta or yellow in the printer PDF: text,
  rules, running heads and grey backgrounds are
  black ink alone, never four-colour black;
- text-only pages: a page whose reader image holds nothing but paper white
  and the greys above has C,
  M and Y at 0 in `gs -sDEVICE=inkcov` over its TrimBox.

Prints "ink NAME max P% mean M%" (the mean of C+M+Y+K over the bleed area
of all pages) and a "FAIL ..." line for each fault; exits 1 on a fault.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

RES = 40
printer = sys.argv[1]
reader = sys.argv[2] if len(sys.argv) > 2 else None
fails = []


def gs(args):
    r = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER"] + args,
                       capture_output=True, check=False)
    if r.returncode != 0 or b"Error" in r.stderr:
        fails.append(f"gs failed: {r.stderr.decode(errors='replace')[:200]}")
    return r.stdout.decode()


def read_pam(path):
    d = open(path, "rb").read()
    head, _, body = d.partition(b"ENDHDR\n")
    f = dict(l.split(b" ", 1) for l in head.split(b"\n")[1:] if b" " in l)
    return int(f[b"WIDTH"]), int(f[b"HEIGHT"]), body


def read_ppm(path):
    d = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:  # P6 W H 255, with "# ..." comment lines
        while d[pos:pos + 1].isspace():
            pos += 1
        if d[pos:pos + 1] == b"#":
            pos = d.index(b"\n", pos) + 1
            continue
        end = pos
        while not d[end:end + 1].isspace():
            end += 1
        fields.append(d[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), d[pos + 1:]


def pages(tmp, pattern):
    return sorted(glob.glob(os.path.join(tmp, pattern)))


def peak_and_mean(files):
    """The largest C+M+Y+K of any pixel (0..1020) and the sum of all bytes,
    the pixels, and a failure line for each page over 300 %."""
    peak = total = npx = 0
    for i, p in enumerate(files, 1):
        w, h, px = read_pam(p)
        # The page's distinct pixels (C, M, Y, K bytes as one 32-bit word):
        # a few hundred, where the page has w*h.
        page_peak = max(sum(v.to_bytes(4, "little")) for v in set(memoryview(px).cast("I")))
        total += sum(px)
        npx += w * h
        peak = max(peak, page_peak)
        if page_peak > 765 + 2:
            fails.append(f"page {i}: {page_peak * 100 / 255:.0f} % ink at one spot, over 300 %")
    return peak, total, npx


with tempfile.TemporaryDirectory() as tmp:
    # With the reader PDF, the trim is rendered (the bleed only carries the
    # backgrounds on); without, the BleedBox (an imposed sheet's spread).
    box = "-dUseTrimBox" if reader else "-dUseBleedBox"
    gs(["-sDEVICE=pamcmyk32", f"-r{RES}", box, f"-sOutputFile={tmp}/t%03d.pam", printer])
    tp = pages(tmp, "t*.pam")
    peak, total, npx = peak_and_mean(tp)
    mean = total * 100 / 255 / npx if npx else 0
    print(f"ink {os.path.basename(printer)} max {peak * 100 / 255:.0f}% mean {mean:.1f}%")

    if reader:
        gs(["-sDEVICE=ppmraw", f"-r{RES}", f"-sOutputFile={tmp}/r%03d.ppm", reader])
        rp = pages(tmp, "r*.ppm")
        # The printer PDF may be padded with blank pages before the back cover.
        if len(tp) < len(rp):
            fails.append(f"the printer PDF has {len(tp)} pages, the reader {len(rp)}")
        grey_only = []
        for i in range(min(len(rp), len(tp))):
            pi = i if i < len(rp) - 1 else len(tp) - 1  # the back cover is last in both
            w, h, cm = read_pam(tp[pi])
            rw, rh, rgb = read_ppm(rp[i])
            if (w, h) != (rw, rh):
                fails.append(f"page {i + 1}: printer trim {w}x{h} px, reader {rw}x{rh} px")
                continue
            # Pixels with any C, M or Y: the channels ORed as big numbers.
            cmy = (int.from_bytes(cm[0::4], "big") | int.from_bytes(cm[1::4], "big")
                   | int.from_bytes(cm[2::4], "big")).to_bytes(w * h, "big")
            rich = 0
            for m in re.finditer(rb"[^\x00]", cmy):
                k = 3 * m.start()
                r, g, b = rgb[k], rgb[k + 1], rgb[k + 2]
                if (max(r, g, b) - min(r, g, b) <= 30 and max(r, g, b) < 216) or r == g == b != 255:
                    rich += 1
            if rich:
                fails.append(f"page {i + 1}: {rich} grey or black pixels printed with C, M or Y")
            # Grey only: each pixel paper white or a grey the rule above covers.
            if not any(max(c) - min(c) > 30 or (max(c) >= 216 and min(c) < 250 and max(c) != min(c))
                       for c in set(zip(rgb[0::3], rgb[1::3], rgb[2::3]))):
                grey_only.append(pi + 1)
        if grey_only:
            cov = gs(["-sDEVICE=inkcov", "-dUseTrimBox", "-sOutputFile=-",
                      "-sPageList=" + ",".join(map(str, grey_only)), printer]).splitlines()
            cov = [l.split() for l in cov if l.strip().endswith("OK")]
            for pn, c in zip(grey_only, cov):
                if any(float(v) > 0 for v in c[:3]):
                    fails.append(f"page {pn} (grey only): inkcov C M Y = {' '.join(c[:3])}, not 0")
        print(f"ink {os.path.basename(printer)}: {len(grey_only)} grey-only pages: C M Y 0 (inkcov)")

for f in fails:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
