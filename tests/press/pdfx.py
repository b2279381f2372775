#!/usr/bin/env python3
"""A PDF/X structure check of a printer PDF, written from the rules of ISO
15930-4 (PDF/X-1a:2003) and ISO 15930-7 (PDF/X-4), on qpdf's JSON of the
file (qpdf --json --json-stream-data=inline). Prints one "FAIL rule: why"
line for each broken rule and "ok N rules" when all hold; exits 1 on a
failure.

  pdfx.py FILE.pdf [X-4|X-1a]

The rules, each a function below (R1 ...):
  R1  no encryption (no /Encrypt in the trailer)
  R2  the trailer has an /ID of two strings
  R3  the PDF version: 1.6 or later for PDF/X-4, at most 1.4 for X-1a:2003
  R4  Info: /Title not empty, /CreationDate and /ModDate as D: dates,
      /Trapped /True or /False, /GTS_PDFXVersion naming the version
      (and /GTS_PDFXConformance for X-1a)
  R5  XMP metadata in the catalog, /Type /Metadata /Subtype /XML, with
      pdfxid:GTS_PDFXVersion equal to Info's, dc:title, xmp:CreateDate,
      xmp:ModifyDate, pdf:Trapped equal to Info's, xmpMM:DocumentID,
      xmpMM:VersionID, xmpMM:RenditionClass
  R6  exactly one output intent of /S /GTS_PDFX, with an
      /OutputConditionIdentifier (klar's: FOGRA39, registered at the ICC) and a /DestOutputProfile: an ICC stream
      with /N 4 whose header says 'acsp', class 'prtr', space 'CMYK'
  R7  every page has a TrimBox (or ArtBox, not both) and a BleedBox;
      BleedBox inside the MediaBox, TrimBox inside the BleedBox
  R8  every font embedded (FontFile, FontFile2 or FontFile3 in its
      descriptor; Type3 fonts are their own glyphs)
  R9  no RGB: no /DeviceRGB or /CalRGB anywhere, no rg or RG operator in
      any content stream (page, form, pattern); Separation and DeviceN
      alternates are DeviceCMYK or DeviceGray
  R10 no JavaScript or actions: no /JS, /JavaScript, /AA, /Launch
  R11 no transparency group on a page that has nothing transparent (no
      soft mask, no constant alpha below 1, no blend mode); X-1a: no
      transparency at all
  R12 no transfer functions or halftones (/TR, /TR2 other than /Default,
      /HT) and no PostScript XObjects
  R13 annotations, if any, lie outside the BleedBox or are PrinterMark or
      TrapNet (the printer PDF has none)
"""
import base64
import json
import re
import subprocess
import sys

path = sys.argv[1]
want = sys.argv[2] if len(sys.argv) > 2 else "X-4"
fails = []
nrules = 0


def fail(rule, why):
    fails.append(f"{rule}: {why}")


raw = subprocess.run(["qpdf", "--json", "--json-stream-data=inline", path],
                     capture_output=True, check=False).stdout
doc = json.loads(raw)
objs = {}
trailer = {}
version = "0"
for part in doc["qpdf"]:
    if "pdfversion" in part:
        version = part["pdfversion"]
        continue
    for k, v in part.items():
        if k == "trailer":
            trailer = v["value"]
        else:
            objs[k[4:]] = v


def resolve(v):
    while isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
        o = objs.get(v)
        if o is None:
            return None
        v = o.get("value", o)
    return v


def sdict(v):
    v = resolve(v)
    if isinstance(v, dict) and "stream" in v:
        return v["stream"]["dict"]
    return v if isinstance(v, dict) else {}


def sdata(v):
    v = resolve(v)
    if isinstance(v, dict) and "stream" in v and "data" in v["stream"]:
        return base64.b64decode(v["stream"]["data"])
    return b""


def string(v):
    v = resolve(v)
    if isinstance(v, str) and v[:2] in ("u:", "b:"):
        return v[2:] if v[0] == "u" else bytes.fromhex(v[2:]).decode("latin-1")
    return None


def walk(v, seen=None, follow=True):
    """Every value reachable from v, references followed once (or not)."""
    seen = set() if seen is None else seen
    stack = [v]
    while stack:
        x = stack.pop()
        if follow and isinstance(x, str) and re.fullmatch(r"\d+ \d+ R", x):
            if x in seen:
                continue
            seen.add(x)
            o = objs.get(x)
            if o is not None:
                stack.append(o.get("value", o))
            continue
        yield x
        if isinstance(x, dict):
            if "stream" in x:
                stack.append(x["stream"]["dict"])
            else:
                stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


root = sdict(trailer.get("/Root"))
info = sdict(trailer.get("/Info"))

# R1
nrules += 1
if "/Encrypt" in trailer:
    fail("R1", "the file is encrypted")
# R2
nrules += 1
ids = resolve(trailer.get("/ID"))
if not (isinstance(ids, list) and len(ids) == 2):
    fail("R2", "no /ID of two strings in the trailer")
# R3
nrules += 1
ver = tuple(int(x) for x in version.split("."))
if want == "X-4" and ver < (1, 6):
    fail("R3", f"PDF {version}; PDF/X-4 needs 1.6 or later")
if want == "X-1a" and ver > (1, 4):
    fail("R3", f"PDF {version}; PDF/X-1a:2003 needs 1.4 or earlier")
# R4
nrules += 1
xver = "PDF/X-4" if want == "X-4" else "PDF/X-1a:2003"
if not string(info.get("/Title")):
    fail("R4", "Info has no /Title")
for k in ("/CreationDate", "/ModDate"):
    d = string(info.get(k)) or ""
    if not re.fullmatch(r"D:\d{14}(Z|[+-]\d\d'?\d\d'?)?", d):
        fail("R4", f"Info {k} is not a D: date with time: {d!r}")
if info.get("/Trapped") not in ("/True", "/False"):
    fail("R4", f"Info /Trapped is {info.get('/Trapped')}, not /True or /False")
if string(info.get("/GTS_PDFXVersion")) != xver:
    fail("R4", f"Info /GTS_PDFXVersion is {string(info.get('/GTS_PDFXVersion'))!r}, not {xver!r}")
if want == "X-1a" and string(info.get("/GTS_PDFXConformance")) != xver:
    fail("R4", "Info has no /GTS_PDFXConformance")
# R5
nrules += 1
md = root.get("/Metadata")
mdd = sdict(md)
xmp = sdata(md).decode("utf-8", "replace")
if mdd.get("/Type") != "/Metadata" or mdd.get("/Subtype") != "/XML":
    fail("R5", "no XMP metadata stream (/Type /Metadata /Subtype /XML) in the catalog")
else:
    m = re.search(r"<pdfxid:GTS_PDFXVersion>([^<]*)<", xmp)
    if not m or m.group(1) != xver:
        fail("R5", f"XMP pdfxid:GTS_PDFXVersion is {m.group(1) if m else None!r}, not {xver!r}")
    for tag in ("dc:title", "xmp:CreateDate", "xmp:ModifyDate", "xmpMM:DocumentID",
                "xmpMM:VersionID", "xmpMM:RenditionClass", "pdf:Trapped"):
        if f"<{tag}>" not in xmp:
            fail("R5", f"XMP has no {tag}")
    m = re.search(r"<pdf:Trapped>([^<]*)<", xmp)
    if m and "/" + m.group(1) != info.get("/Trapped"):
        fail("R5", "XMP pdf:Trapped differs from Info /Trapped")
# R6
nrules += 1
ois = [sdict(x) for x in (resolve(root.get("/OutputIntents")) or [])]
px = [o for o in ois if o.get("/S") == "/GTS_PDFX"]
if len(px) != 1:
    fail("R6", f"{len(px)} output intents of /S /GTS_PDFX, not 1")
else:
    o = px[0]
    if string(o.get("/OutputConditionIdentifier")) != "FOGRA39":
        fail("R6", "the output intent's /OutputConditionIdentifier is not FOGRA39 (the condition klar prints for)")
    prof = o.get("/DestOutputProfile")
    icc = sdata(prof)
    if sdict(prof).get("/N") != 4:
        fail("R6", "the /DestOutputProfile has no /N 4")
    if len(icc) < 128 or icc[36:40] != b"acsp" or icc[12:16] != b"prtr" or icc[16:20] != b"CMYK":
        fail("R6", "the /DestOutputProfile is not a CMYK output (prtr) ICC profile")
# R7
pages = []
def collect(node):
    node = sdict(node)
    if node.get("/Type") == "/Pages":
        for kid in resolve(node.get("/Kids")) or []:
            collect(kid)
    else:
        pages.append(node)
collect(root.get("/Pages"))
nrules += 1
def inside(a, b):
    return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01 and a[2] <= b[2] + 0.01 and a[3] <= b[3] + 0.01
for i, p in enumerate(pages, 1):
    mb, tb, bb = (resolve(p.get(k)) for k in ("/MediaBox", "/TrimBox", "/BleedBox"))
    if (tb is None) == (resolve(p.get("/ArtBox")) is None):
        fail("R7", f"page {i} has no TrimBox (or both TrimBox and ArtBox)")
    if bb is None:
        fail("R7", f"page {i} has no BleedBox")
    if mb and bb and not inside(bb, mb):
        fail("R7", f"page {i}: the BleedBox is not inside the MediaBox")
    if tb and bb and not inside(tb, bb):
        fail("R7", f"page {i}: the TrimBox is not inside the BleedBox")
# R8
nrules += 1
for x in walk(root):
    if not isinstance(x, dict) or x.get("/Type") != "/Font":
        continue
    st = x.get("/Subtype")
    if st == "/Type3":
        continue
    if st == "/Type0":
        for d in resolve(x.get("/DescendantFonts")) or []:
            fd = sdict(sdict(d).get("/FontDescriptor"))
            if not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                fail("R8", f"font {x.get('/BaseFont')} is not embedded")
    else:
        fd = sdict(x.get("/FontDescriptor"))
        if not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            fail("R8", f"font {x.get('/BaseFont')} is not embedded")
# R9, R10, R12: every object of the file
nrules += 3
bad_rgb = bad_js = bad_tr = 0
for k, o in objs.items():
    rgb = False
    for x in walk(o.get("value", o), follow=False):
        if x in ("/DeviceRGB", "/CalRGB"):
            rgb = True
        if isinstance(x, dict):
            if any(j in x for j in ("/JS", "/AA")) or x.get("/S") in ("/JavaScript", "/Launch"):
                bad_js += 1
            if "/HT" in x or "/TR" in x or ("/TR2" in x and x["/TR2"] != "/Default"):
                bad_tr += 1
            if x.get("/Subtype") == "/PS":
                bad_tr += 1
        if isinstance(x, list) and x and x[0] in ("/Separation", "/DeviceN"):
            alt = resolve(x[2] if x[0] == "/Separation" else x[2])
            if alt not in ("/DeviceCMYK", "/DeviceGray"):
                fail("R9", f"a {x[0][1:]} colour space with alternate {alt}")
    bad_rgb += rgb
if bad_rgb:
    fail("R9", f"{bad_rgb} objects use an RGB colour space")
if bad_js:
    fail("R10", "JavaScript or actions")
if bad_tr:
    fail("R12", "transfer functions, halftones or PostScript XObjects")
# content streams: the pages', their forms' and patterns'
def op_count(data, ops):
    toks = re.findall(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>{}%]+|[^\s/\[\]()<>{}%]+", data)
    return sum(1 for t in toks if t in ops)
def streams_of(res, seen):
    res = sdict(res)
    for cat in ("/XObject", "/Pattern"):
        for v in sdict(res.get(cat)).values():
            if v in seen:
                continue
            seen.add(v)
            d = sdict(v)
            if d.get("/Subtype") == "/Form" or d.get("/PatternType") == 1:
                yield v
                yield from streams_of(d.get("/Resources"), seen)
def transparent(res, seen):
    res = sdict(res)
    for gs in sdict(res.get("/ExtGState")).values():
        g = sdict(gs)
        if any(isinstance(g.get(a), (int, float)) and g.get(a) < 1 for a in ("/CA", "/ca")):
            return True
        if g.get("/SMask") not in (None, "/None") or g.get("/BM") not in (None, "/Normal", "/Compatible"):
            return True
    for cat in ("/XObject", "/Pattern"):
        for v in sdict(res.get(cat)).values():
            d = sdict(v)
            if "/SMask" in d:
                return True
            if v not in seen and (d.get("/Subtype") == "/Form" or d.get("/PatternType") == 1):
                seen.add(v)
                if transparent(d.get("/Resources"), seen):
                    return True
    return False
nrules += 2
rgb_ops = 0
for i, p in enumerate(pages, 1):
    cs = resolve(p.get("/Contents"))
    cs = cs if isinstance(cs, list) else [p.get("/Contents")]
    data = b"\n".join(sdata(c) for c in cs)
    rgb_ops += op_count(data, {b"rg", b"RG"})
    for s in streams_of(p.get("/Resources"), set()):
        rgb_ops += op_count(sdata(s), {b"rg", b"RG"})
    t = transparent(p.get("/Resources"), set())
    if "/Group" in p and not t:
        fail("R11", f"page {i} has a transparency group but nothing transparent")
    if t and want == "X-1a":
        fail("R11", f"page {i} uses transparency, which PDF/X-1a forbids")
    for a in resolve(p.get("/Annots")) or []:
        a = sdict(a)
        if a.get("/Subtype") not in ("/PrinterMark", "/TrapNet"):
            r = resolve(a.get("/Rect"))
            bb = resolve(p.get("/BleedBox"))
            if r and bb and not (r[2] < bb[0] or r[0] > bb[2] or r[3] < bb[1] or r[1] > bb[3]):
                fail("R13", f"page {i} has a {a.get('/Subtype')} annotation inside the BleedBox")
nrules += 1
if rgb_ops:
    fail("R9", f"{rgb_ops} rg/RG (DeviceRGB) operators in the content")

for f in fails:
    print("FAIL " + f)
if not fails:
    print(f"ok {nrules} rules")
sys.exit(1 if fails else 0)
