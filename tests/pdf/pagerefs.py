#!/usr/bin/env python3
"""pagerefs.py [--ref WORDS] [--min N] READER.pdf [PRINTER.pdf]: page references.

A link in a booklet to a page or heading of the same booklet prints
"(se side N)" after its text (issue 10, point 4). Every link annotation of
the reader PDF that goes to a destination inside it (a named /Dest,
resolved through the /Dests name tree to its page) is read with the words
drawn in its area (pdftotext -bbox); consecutive annotations with the same
destination on a page (a link broken over lines) are read together:
  - a link whose words end "(WORDS N)" (WORDS: --ref, "se side") must go
    to page N, the page its destination is on; the reference is inside the
    link (clickable);
  - an entry of the contents or the index (its words end with a number,
    the page it leads to) must go to that page;
  - any other link must go to its own page: a link to another page of the
    booklet without a reference is what a proof-reader sends back.
At least --min references (default 1) must be found.

With PRINTER.pdf: the printer PDF prints the same references page for
page, and each reference is black ink alone: its words' pixels rendered by
Ghostscript (pamcmyk32) have ink, and no cyan, magenta or yellow.

Prints "references N contents N own-page N" and a "FAIL ..." line per
fault; exits 1 on a fault.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

args = sys.argv[1:]
words_ref, least = "se side", 1
while args and args[0].startswith("--"):
    if args[0] == "--ref":
        words_ref = args[1]
    elif args[0] == "--min":
        least = int(args[1])
    args = args[2:]
reader = args[0]
printer = args[1] if len(args) > 1 else None
fails = []
ref_re = re.compile(r"\(" + r"\s+".join(map(re.escape, words_ref.split())) + r"\s+(\d+)\)[.,:;!?»«]*$")


def qpdf_json(pdf):
    r = subprocess.run(["qpdf", "--json", pdf], capture_output=True, text=True, check=False)
    return json.loads(r.stdout)


def words_of(pdf):
    """Page number → [(xmin, ymin, xmax, ymax, word)], top-left origin."""
    r = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=False)
    pages, cur = {}, None
    for line in r.stdout.splitlines():
        if "<page " in line:
            cur = len(pages) + 1
            pages[cur] = []
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m and cur:
            w = m.group(5).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            pages[cur].append(tuple(float(m.group(i)) for i in range(1, 5)) + (w,))
    return pages


def name_tree(objs, ref, out):
    node = objs["obj:" + ref]["value"] if isinstance(ref, str) else ref
    names = node.get("/Names", [])
    for i in range(0, len(names) - 1, 2):
        v = names[i + 1]
        if isinstance(v, str) and v.startswith("obj:") is False and v.endswith(" R"):
            v = objs["obj:" + v]["value"]
        if isinstance(v, dict):
            v = v.get("/D")
        out[names[i][2:] if names[i].startswith("u:") else names[i]] = v
    for kid in node.get("/Kids", []):
        name_tree(objs, kid, out)


j = qpdf_json(reader)
objs = j["qpdf"][1]
page_of = {p["object"]: i + 1 for i, p in enumerate(j["pages"])}
root = objs["obj:" + objs["trailer"]["value"]["/Root"]]["value"]
dests = {}
if "/Names" in root:
    names = root["/Names"]
    names = objs["obj:" + names]["value"] if isinstance(names, str) else names
    if "/Dests" in names:
        name_tree(objs, names["/Dests"], dests)
words = words_of(reader)

nref = ntoc = nown = 0
refs = {}  # page → ["N", ...] the references printed on it, in order
for pi, p in enumerate(j["pages"]):
    pno = pi + 1
    h = None
    o = objs["obj:" + p["object"]]["value"]
    box = o.get("/MediaBox")
    box = objs["obj:" + box]["value"] if isinstance(box, str) else box
    h = box[3]
    links = []
    for a in o.get("/Annots", []) if isinstance(o.get("/Annots"), list) else []:
        v = objs["obj:" + a]["value"]
        if v.get("/Subtype") != "/Link" or "/Dest" not in v:
            continue
        d = v["/Dest"]
        d = d[2:] if isinstance(d, str) and d.startswith("u:") else d
        target = dests.get(d) if isinstance(d, str) else d
        tp = page_of.get(target[0]) if target else None
        x0, y0, x1, y1 = v["/Rect"]
        inside = [w for w in words.get(pno, [])
                  if x0 - 1 <= (w[0] + w[2]) / 2 <= x1 + 1 and h - y1 - 1 <= (w[1] + w[3]) / 2 <= h - y0 + 1]
        text = " ".join(w[4] for w in inside)
        if links and links[-1][0] == d and not ref_re.search(links[-1][2]):
            links[-1][2] = (links[-1][2] + " " + text).strip()
        else:
            links.append([d, tp, text])
    for d, tp, text in links:
        if tp is None:
            fails.append(f"page {pno}: link '{text}' goes to '{d}', which is not in the PDF")
            continue
        m = ref_re.search(text)
        if m:
            nref += 1
            refs.setdefault(pno, []).append(m.group(1))
            if int(m.group(1)) != tp:
                fails.append(f"page {pno}: '{text}' goes to page {tp}, not {m.group(1)}")
        elif re.search(r"\s(\d+)$", text):
            ntoc += 1
            if int(text.split()[-1]) != tp:
                fails.append(f"page {pno}: the entry '{text}' goes to page {tp}")
        elif tp == pno:
            nown += 1
            if os.environ.get("PAGEREFS_VERBOSE"):
                print(f"page {pno}: '{text}' goes to its own page")
        else:
            fails.append(f"page {pno}: '{text}' goes to page {tp} and says nothing about it")
if nref < least:
    fails.append(f"{nref} page references found, expected at least {least}")

if printer:
    pw = words_of(printer)
    on_paper = {}
    for pno, ws in pw.items():
        text = " ".join(w[4] for w in ws)
        on_paper[pno] = re.findall(r"\(" + r"\s+".join(map(re.escape, words_ref.split())) + r"\s+(\d+)\)", text)
    for pno, ns in refs.items():
        if on_paper.get(pno, []) != ns:
            fails.append(f"printer page {pno}: references {on_paper.get(pno, [])}, the reader's {ns}")
    # The ink of each reference on the first pages that have one.
    res = 150
    with tempfile.TemporaryDirectory() as tmp:
        for pno in sorted(refs)[:3]:
            out = os.path.join(tmp, f"p{pno}.pam")
            subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pamcmyk32", f"-r{res}",
                            f"-dFirstPage={pno}", f"-dLastPage={pno}", f"-sOutputFile={out}", printer],
                           capture_output=True, check=False)
            if not os.path.exists(out):
                fails.append(f"printer page {pno}: Ghostscript rendered nothing")
                continue
            data = open(out, "rb").read()
            head, _, body = data.partition(b"ENDHDR\n")
            f = dict(l.split(b" ", 1) for l in head.split(b"\n")[1:] if b" " in l)
            W, H = int(f[b"WIDTH"]), int(f[b"HEIGHT"])
            ws = pw.get(pno, [])
            for i, w in enumerate(ws):
                if not re.fullmatch(r"\(" + re.escape(words_ref.split()[0]), w[4]):
                    continue
                span = ws[i:i + len(words_ref.split()) + 1]
                x0, y0 = min(s[0] for s in span), min(s[1] for s in span)
                x1, y1 = max(s[2] for s in span), max(s[3] for s in span)
                k = cmy = 0
                for y in range(int(y0 * res / 72), min(H, int(y1 * res / 72) + 1)):
                    for x in range(int(x0 * res / 72), min(W, int(x1 * res / 72) + 1)):
                        c, m_, yy, kk = body[(y * W + x) * 4:(y * W + x) * 4 + 4]
                        k += kk > 64
                        cmy += (c + m_ + yy) > 0
                if not k or cmy:
                    fails.append(f"printer page {pno}: the reference '{' '.join(s[4] for s in span)}' has "
                                 f"{k} pixels of black and {cmy} with cyan, magenta or yellow")

print(f"references {nref} contents {ntoc} own-page {nown}")
for f in fails:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
