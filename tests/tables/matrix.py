#!/usr/bin/env python3
"""matrix.py CONTENT PDF: the interface matrix printed in PDF holds every
proposal's title (from CONTENT/forslag/*.md), a ● per proposal and a × per
interface to another group (from the front matter), in its pages after the
words "Tabellen viser" of its page. Prints what it counts."""
import glob, re, subprocess, sys, unicodedata

def norm(s):
    s = unicodedata.normalize("NFC", s).replace("\u00ad\n", "").replace("\u00ad", "")
    return "".join(c for c in s.lower() if c.isalnum())

content, pdf = sys.argv[1], sys.argv[2]
props = []
for f in sorted(glob.glob(content + "/forslag/*.md")):
    if f.endswith("_index.md"): continue
    fm = open(f, encoding="utf-8").read().split("---")[1]
    title = re.search(r"^title:\s*(.+)$", fm, re.M).group(1).strip().strip('"')
    group = re.search(r"^group:\s*(\S+)", fm, re.M).group(1)
    ifs = re.findall(r"^\s+-\s*(\S+)", fm.split("interfaces:")[1], re.M) if "interfaces:" in fm else []
    props.append((title, group, [i for i in ifs if i != group]))
text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
at = text.find("Tabellen viser")
part = text[at:]
flat = norm(part)
missing = [t for t, _, _ in props if norm(t) not in flat]
own, cross = part.count("\u25cf"), part.count("\u00d7")
want_cross = sum(len(i) for _, _, i in props)
# The legend shows each mark once more.
print(f"{len(props)} proposals, {len(missing)} missing; marks: {own} ● (want {len(props) + 1}), "
      f"{cross} × (want {want_cross + 1})")
for t in missing[:5]: print("missing:", t)
sys.exit(0 if not missing and own == len(props) + 1 and cross == want_cross + 1 else 1)
