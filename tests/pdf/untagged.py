#!/usr/bin/env python3
"""untagged.py PDF: counts the text a tagged PDF shows outside its structure.

Walks every page's content stream (qpdf --qdf writes them uncompressed) and
counts the text-showing operators (Tj, TJ, ', ") that are inside marked
content with an MCID (tagged: the structure tree reaches it), inside an
/Artifact (running heads, folios: not content), or outside both (untagged:
a screen reader never reads it). Also checks that every MCID of a page is
referred to by the structure tree (its parent tree), so "tagged" means
reachable, and that every Figure element has alternative text (/Alt).
Prints "tagged N artifact N untagged N unreachable N figures N without-alt
N" and the first untagged strings; exits 1 when anything is untagged or
unreachable or a Figure has no /Alt.
"""
import re, subprocess, sys, tempfile, os

def tokens(data):
    i, n = 0, len(data)
    ws = b" \t\r\n\f\0"
    while i < n:
        c = data[i:i + 1]
        if c in (b" ", b"\t", b"\r", b"\n", b"\f", b"\0"):
            i += 1
        elif c == b"%":
            while i < n and data[i:i + 1] not in (b"\r", b"\n"):
                i += 1
        elif c == b"(":
            depth, j = 1, i + 1
            while j < n and depth:
                ch = data[j:j + 1]
                if ch == b"\\":
                    j += 2
                    continue
                if ch == b"(":
                    depth += 1
                elif ch == b")":
                    depth -= 1
                j += 1
            yield ("str", data[i:j])
            i = j
        elif c == b"<" and data[i:i + 2] == b"<<":
            yield ("dict<", b"<<")
            i += 2
        elif c == b">" and data[i:i + 2] == b">>":
            yield ("dict>", b">>")
            i += 2
        elif c == b"<":
            j = data.index(b">", i)
            yield ("str", data[i:j + 1])
            i = j + 1
        elif c in (b"[", b"]", b"{", b"}"):
            yield ("delim", c)
            i += 1
        elif c == b"/":
            j = i + 1
            while j < n and data[j:j + 1] not in ws and data[j:j + 1] not in b"/[]()<>{}%":
                j += 1
            yield ("name", data[i:j])
            i = j
        else:
            j = i
            while j < n and data[j:j + 1] not in ws and data[j:j + 1] not in b"/[]()<>{}%":
                j += 1
            tok = data[i:j]
            if re.fullmatch(rb"[-+]?(\d+\.?\d*|\.\d+)", tok):
                yield ("num", tok)
            else:
                yield ("op", tok)
            if tok == b"ID":  # inline image data up to EI
                k = data.index(b"EI", j)
                i = k + 2
                continue
            i = j

def main():
    pdf = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        q = os.path.join(d, "q.pdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--decode-level=generalized", pdf, q], check=False)
        raw = open(q, "rb").read()
    # QDF marks each page's content stream with a comment.
    parts = re.split(rb"%% Contents for page (\d+)\n", raw)
    tagged = artifact = untagged = 0
    samples = []
    mcids = {}
    for k in range(1, len(parts), 2):
        page = int(parts[k])
        body = parts[k + 1]
        m = re.search(rb"stream\r?\n", body)
        if not m:
            continue
        end = body.find(b"endstream", m.end())
        data = body[m.end():end]
        stack, args, dictdepth = [], [], 0
        for kind, tok in tokens(data):
            if kind == "dict<":
                dictdepth += 1
                args.append(tok)
                continue
            if kind == "dict>":
                dictdepth -= 1
                args.append(tok)
                continue
            if kind != "op" or dictdepth:
                args.append(tok)
                continue
            if tok == b"BDC":
                mc = re.search(rb"/MCID\s+(\d+)", b" ".join(args))
                tag = args[0] if args else b""
                if mc:
                    mcids.setdefault(page, set()).add(int(mc.group(1)))
                stack.append("mcid" if mc else ("artifact" if tag == b"/Artifact" else "other"))
            elif tok == b"BMC":
                stack.append("artifact" if args and args[0] == b"/Artifact" else "other")
            elif tok == b"EMC":
                if stack:
                    stack.pop()
            elif tok in (b"Tj", b"TJ", b"'", b'"'):
                if "mcid" in stack:
                    tagged += 1
                elif "artifact" in stack:
                    artifact += 1
                else:
                    untagged += 1
                    if len(samples) < 8:
                        samples.append("page %d: %s" % (page, b" ".join(args)[:60].decode("latin-1")))
            args = []
    # Every MCID must be reached from the structure tree (StructParents).
    unreachable = 0
    js = subprocess.run(["qpdf", "--json", "--json-key=qpdf", pdf], capture_output=True, text=True).stdout
    import json
    objs = json.loads(js)["qpdf"][1]
    def get(ref):
        o = objs.get("obj:" + ref, {})
        return o.get("value", o.get("stream", {}).get("dict"))
    reached = set()
    figures = [0, 0]  # Figure elements, those without /Alt
    def walk(x, pg=None):
        if isinstance(x, str) and x.endswith(" R"):
            o = get(x)
            if isinstance(o, dict):
                walk(o, pg)
            return
        if isinstance(x, list):
            for y in x:
                walk(y, pg)
        elif isinstance(x, int):
            reached.add((pg, x))
        elif isinstance(x, dict):
            if x.get("/Type") == "/MCR":
                reached.add((x.get("/Pg", pg), x.get("/MCID")))
            elif "/S" in x:
                if x["/S"] == "/Figure":
                    figures[0] += 1
                    if not x.get("/Alt"):
                        figures[1] += 1
                walk(x.get("/K"), x.get("/Pg", pg))
    root = get(objs["trailer"]["value"]["/Root"])
    st = get(root["/StructTreeRoot"]) if "/StructTreeRoot" in root else None
    if st:
        walk(st.get("/K"))
    pages = []
    def pages_of(ref):
        o = get(ref)
        if o.get("/Type") == "/Pages":
            for kid in o["/Kids"]:
                pages_of(kid)
        else:
            pages.append(ref)
    pages_of(root["/Pages"])
    for pg, ids in mcids.items():
        ref = pages[pg - 1]
        for i in ids:
            if (ref, i) not in reached:
                unreachable += 1
    print("tagged %d artifact %d untagged %d unreachable %d figures %d without-alt %d"
          % (tagged, artifact, untagged, unreachable, figures[0], figures[1]))
    for s in samples:
        print("  untagged " + s)
    sys.exit(1 if untagged or unreachable or figures[1] else 0)

main()
