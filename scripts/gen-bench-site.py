#!/usr/bin/env python3
"""Generates the synthetic benchmark site: the same content twice, once as a
klar site and once as a Hugo site, so that `bench/run.sh` can time both on
the same work.

    scripts/gen-bench-site.py [--pages N] [--seed S] [--out DIR] [--hugo DIR]

--out DIR (default bench/out/klar) gets content/ (site.yaml, _index.md, ~20
sections with _index.md, N pages) and layouts/ copied from bench/klar-layouts/.
--hugo DIR (default bench/out/hugo; "" to skip) gets the same pages below
content/ plus hugo.yaml and layouts/ copied from bench/hugo/.

The text is Danish-looking: words built from syllables with æ, ø and å,
mixed with real Danish function words, so that slugs, typography and UTF-8
handling get the same exercise as on the real site. Every page has front
matter (title, date, weight, summary, tags), 3-8 paragraphs, headings,
bullet and numbered lists, emphasis, links to other generated pages (always
valid) and, in about a third of the pages, a small GFM table: about 5 KB of
Markdown per page. The output depends only on --pages and --seed.

Links: klar resolves relative links to .md files; Hugo does not, so the Hugo
copy gets the same links written as relative URLs of the target pages
(`../../section-03/page-00017/`), which is what klar makes of them.

Standard library only.
"""

import argparse
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

NSECTIONS = 20

# Real Danish function words, weighted by repetition like running text.
FUNCTION_WORDS = (
    "og og og i i i at at det det en en til til er er som på på de med med "
    "af for for ikke ikke der der var men et har om vi sig kan skal når "
    "eller hvad hvor også under efter mod fra over hos ved mellem uden "
    "deres sin sine hvis disse denne dette mange alle nogle meget godt "
    "både så sådan selv jo nu her da blev bliver været have kunne skulle "
    "ville må dog end"
).split()

# Real Danish content words of the domain, so text reads like the site.
CONTENT_WORDS = (
    "barn børn forældre læring trivsel fællesskab skole dagtilbud "
    "sundhedsplejerske udvikling robusthed vedholdenhed fordybelse "
    "nysgerrighed koncentration omgangsformer familie kommune tilbud "
    "pejlemærker aldersgruppe samarbejde hverdag leg sprog venskab "
    "opdragelse søvn mad bevægelse tryghed ansvar glæde mod tålmodighed "
    "pædagog lærer fritid forløb indsats netværk rådgivning møde "
    "forebyggelse sundhed dagpleje børnehave indskoling overgang"
).split()

# Syllables for made-up words; several carry æ, ø or å.
SYLLABLES = (
    "bo da fæl le skab lær ring sø ster gå ård hø jen kø rel væ se mø de "
    "rå d ung dom for æld re sko le bør ne ha ve tryg hed fri tid sam vær "
    "ind sats læ se ud vik ling æb le ør ne sår bar hånd værk sjæl øs "
    "kun st tæn ke må de bå d stå "
).split()

TAGS = [
    "Robusthed", "Automatisering", "Behovsudsættelse", "Fordybelse",
    "Nysgerrighed", "Vedholdenhed", "Koncentration", "Disciplinering",
    "Gode omgangsformer", "Graviditet", "Efter fødslen", "Dagpleje",
    "Børnehave", "Skolestart", "Mellemtrin", "Udskoling", "Fritid",
    "Fællesskab", "Sundhed", "Søvn", "Mad og måltider", "Sprog",
    "Bevægelse", "Trivsel", "Forældresamarbejde", "Overgange",
    "Læsning", "Leg", "Venskaber", "Digitale medier", "Ro og rytme",
    "Sundhedspleje", "Ungdomsvejledning", "Socialrådgivning", "Familie",
    "Netværk", "Tryghed", "Ansvar", "Selvværd", "Kultur",
]

SECTION_NAMES = [
    "Robusthed", "Automatisering", "Behovsudsættelse", "Fordybelse og nysgerrighed",
    "Vedholdenhed og koncentration", "Disciplinering", "Gode omgangsformer",
    "Graviditet", "Efter fødslen", "Start i dagtilbud", "Børnehave",
    "Skolestart", "Mellemtrin", "Udskoling", "Fritid og fællesskab",
    "Beskæftigelse", "Social omsorg", "Læring", "Nyheder", "Om KLAR",
]


class Text:
    """Danish-looking text from one random generator."""

    def __init__(self, rng):
        self.rng = rng

    def made_up(self):
        r = self.rng
        n = r.choice((1, 2, 2, 2, 3, 3, 4))
        return "".join(r.choice(SYLLABLES) for _ in range(n))

    def word(self):
        x = self.rng.random()
        if x < 0.45:
            return self.rng.choice(FUNCTION_WORDS)
        if x < 0.70:
            return self.rng.choice(CONTENT_WORDS)
        return self.made_up()

    def words(self, n):
        return [self.word() for _ in range(n)]

    def title(self, lo=2, hi=6):
        w = self.words(self.rng.randint(lo, hi))
        w[0] = w[0].capitalize()
        return " ".join(w)

    def sentence(self, lo=6, hi=18):
        w = self.words(self.rng.randint(lo, hi))
        w[0] = w[0].capitalize()
        if len(w) > 8 and self.rng.random() < 0.3:
            w[self.rng.randint(3, len(w) - 3)] += ","
        return " ".join(w) + self.rng.choice((".", ".", ".", ".", "?", "!"))


def section_dir(i):
    return "section-%02d" % (i + 1)


def page_name(j):
    return "page-%05d" % j


def layout_site(npages):
    """Returns the list of (section index, page number) of every page, and
    for every section its page numbers. Page j lives in section j % 20."""
    pages = [(j % NSECTIONS, j) for j in range(1, npages + 1)]
    by_section = [[] for _ in range(NSECTIONS)]
    for s, j in pages:
        by_section[s].append(j)
    return pages, by_section


def link_targets(src_section, dst_section, j):
    """Returns (klar link, Hugo link) from a page of src_section to page j of
    dst_section (j None: the section's list page). src_section None: from
    the front page, content/_index.md, whose URL is /."""
    if src_section is None:
        if j is None:
            return "%s/_index.md" % section_dir(dst_section), "%s/" % section_dir(dst_section)
        return ("%s/%s.md" % (section_dir(dst_section), page_name(j)),
                "%s/%s/" % (section_dir(dst_section), page_name(j)))
    same = src_section == dst_section
    if j is None:
        klar = ("_index.md" if same else "../%s/_index.md" % section_dir(dst_section))
        hugo = "../../%s/" % section_dir(dst_section)
        return klar, hugo
    name = page_name(j)
    if same:
        return "%s.md" % name, "../%s/" % name
    return ("../%s/%s.md" % (section_dir(dst_section), name),
            "../../%s/%s/" % (section_dir(dst_section), name))


class Page:
    """Builds one page's body twice, as klar and Hugo Markdown; they differ
    only in link destinations."""

    def __init__(self, rng, text, section, by_section):
        self.rng, self.text, self.section, self.by_section = rng, text, section, by_section
        self.klar, self.hugo = [], []

    def emit(self, k, h=None):
        self.klar.append(k)
        self.hugo.append(k if h is None else h)

    def link(self):
        r = self.rng
        if self.section is None or r.random() >= 0.4:
            dst = r.randrange(NSECTIONS)
        else:
            dst = self.section
        if r.random() < 0.1 or not self.by_section[dst]:
            j = None
        else:
            j = r.choice(self.by_section[dst])
        k, h = link_targets(self.section, dst, j)
        label = self.text.title(1, 3).lower()
        return "[%s](%s)" % (label, k), "[%s](%s)" % (label, h)

    def inline_run(self, nsentences, nlinks):
        """A paragraph's text with emphasis, an occasional quotation and
        links; returns (klar, hugo)."""
        r = self.rng
        k_parts, h_parts = [], []
        for _ in range(nsentences):
            s = self.text.sentence()
            x = r.random()
            w = s.split(" ")
            if x < 0.25 and len(w) > 4:
                i = r.randint(1, len(w) - 2)
                w[i] = "*%s*" % w[i]
            elif x < 0.40 and len(w) > 5:
                i = r.randint(1, len(w) - 3)
                w[i] = "**%s %s**" % (w[i], w[i + 1])
                del w[i + 1]
            elif x < 0.48 and len(w) > 5:
                i = r.randint(1, len(w) - 3)
                w[i] = '"%s %s"' % (w[i], w[i + 1])
                del w[i + 1]
            elif x < 0.50 and len(w) > 4:
                i = r.randint(1, len(w) - 2)
                w[i] = "~~%s~~" % w[i]
            s = " ".join(w)
            k_parts.append(s)
            h_parts.append(s)
        for _ in range(nlinks):
            k, h = self.link()
            i = r.randrange(len(k_parts))
            k_parts[i] += " Se %s." % k
            h_parts[i] += " Se %s." % h
        return " ".join(k_parts), " ".join(h_parts)

    def paragraph(self):
        k, h = self.inline_run(self.rng.randint(4, 8), self.rng.choice((0, 0, 1, 1, 2)))
        self.emit(k + "\n", h + "\n")

    def short_paragraph(self):
        """A paragraph of one or two sentences, so no heading stands empty."""
        k, h = self.inline_run(self.rng.randint(1, 2), 0)
        self.emit(k + "\n\n", h + "\n\n")

    def bullets(self, numbered):
        r = self.rng
        for i in range(r.randint(3, 6)):
            mark = "%d." % (i + 1) if numbered else "-"
            if r.random() < 0.2:
                k, h = self.link()
                t = self.text.title(1, 3)
                self.emit("%s %s: %s\n" % (mark, t, k), "%s %s: %s\n" % (mark, t, h))
            else:
                self.emit("%s %s\n" % (mark, self.text.sentence(4, 12)))
        self.emit("\n")

    def table(self):
        r = self.rng
        ncols = r.randint(3, 4)
        head = ["Alder", "Tema", "Tilbud", "Varighed"][:ncols]
        self.emit("| " + " | ".join(head) + " |\n")
        self.emit("|" + "|".join(["---"] + [":---" if c < ncols - 1 else "---:"
                                             for c in range(1, ncols)]) + "|\n")
        for _ in range(r.randint(3, 6)):
            cells = ["%d-%d år" % (a, a + r.randint(1, 3)) for a in [r.randint(0, 15)]]
            cells.append(r.choice(TAGS))
            if ncols > 2:
                cells.append(self.text.title(1, 3))
            if ncols > 3:
                cells.append("%d min." % r.choice((30, 45, 60, 90, 120)))
            self.emit("| " + " | ".join(cells[:ncols]) + " |\n")
        self.emit("\n")

    def build(self, has_table):
        r = self.rng
        nparas = r.randint(3, 8)
        # Where the extra blocks go: after which paragraph.
        slots = list(range(nparas))
        plan = {i: [] for i in slots}
        for kind in ("h2", "h2", "ul", "ol") + (("table",) if has_table else ()):
            plan[r.choice(slots)].append(kind)
        if r.random() < 0.5:
            plan[r.choice(slots)].append("h3")
        self.paragraph()
        self.emit("\n")
        for i in range(1, nparas):
            for kind in plan[i - 1]:
                if kind == "h2":
                    self.emit("## %s\n\n" % self.text.title(2, 5))
                    self.short_paragraph()
                elif kind == "h3":
                    self.emit("### %s\n\n" % self.text.title(2, 4))
                    self.short_paragraph()
                elif kind == "ul":
                    self.bullets(False)
                elif kind == "ol":
                    self.bullets(True)
                elif kind == "table":
                    self.table()
            self.paragraph()
            self.emit("\n")
            # Longer pages: a second run of text under the same heading.
            if r.random() < 0.5:
                self.paragraph()
                self.emit("\n")
        for kind in plan[nparas - 1]:
            if kind in ("ul", "ol"):
                self.bullets(kind == "ol")
            elif kind == "table":
                self.table()
        return "".join(self.klar).rstrip() + "\n", "".join(self.hugo).rstrip() + "\n"


def yaml_str(s):
    """A double-quoted YAML scalar (our strings never hold quotes or
    backslashes, but be safe)."""
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def front_matter(title, date=None, weight=None, summary=None, tags=None):
    out = ["---\n", "title: %s\n" % yaml_str(title)]
    if date:
        out.append("date: %s\n" % date)
    if weight is not None:
        out.append("weight: %d\n" % weight)
    if summary:
        out.append("summary: %s\n" % yaml_str(summary))
    if tags:
        out.append("tags: [%s]\n" % ", ".join(yaml_str(t) for t in tags))
    out.append("---\n\n")
    return "".join(out)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(data)


def copy_tree(src, dst):
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst)


def site_yaml(section_titles):
    out = [
        "# Generated by scripts/gen-bench-site.py: the benchmark site.\n",
        "title: KLAR til Læring (benchmark)\n",
        "baseurl: https://bench.klar.invalid/\n",
        "language: da\n",
        "menu:\n",
    ]
    for i, t in enumerate(section_titles):
        out.append("  - title: %s\n    page: %s/_index.md\n" % (yaml_str(t), section_dir(i)))
    out.append("taxonomies:\n  tags: { title: Emner }\n")
    # One Atom feed of the newest pages of a section (Hugo: one RSS feed).
    out.append("feed: { section: %s }\n" % section_dir(NSECTIONS - 2))
    return "".join(out)


def generate(npages, seed, out, hugo):
    rng = random.Random(seed)
    text = Text(rng)
    pages, by_section = layout_site(npages)

    klar_content = os.path.join(out, "content") if out else None
    hugo_content = os.path.join(hugo, "content") if hugo else None
    for d in (klar_content, hugo_content):
        if d and os.path.isdir(d):
            shutil.rmtree(d)

    def put(rel, k, h=None):
        if klar_content:
            write(os.path.join(klar_content, rel), k)
        if hugo_content:
            write(os.path.join(hugo_content, rel), k if h is None else h)

    section_titles = SECTION_NAMES[:NSECTIONS]
    total = 0

    # Front page.
    k, h = Page(rng, text, None, by_section).build(False)
    fm = front_matter("KLAR til Læring")
    put("_index.md", fm + k, fm + h)

    # Section list pages.
    for i, t in enumerate(section_titles):
        p = Page(rng, text, i, by_section)
        p.paragraph()
        k, h = "".join(p.klar), "".join(p.hugo)
        fm = front_matter(t, weight=i + 1, summary=text.sentence(6, 12))
        put(os.path.join(section_dir(i), "_index.md"), fm + k, fm + h)

    # Pages.
    for s, j in pages:
        title = text.title(2, 6)
        year = rng.randint(2014, 2024)
        date = "%04d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28))
        weight = rng.randint(1, 1000)
        summary = text.sentence(8, 16)
        tags = rng.sample(TAGS, rng.randint(2, 4))
        has_table = rng.random() < 1 / 3
        k, h = Page(rng, text, s, by_section).build(has_table)
        fm = front_matter(title, date, weight, summary, tags)
        total += len((fm + k).encode("utf-8"))
        put(os.path.join(section_dir(s), page_name(j) + ".md"), fm + k, fm + h)

    if out:
        write(os.path.join(out, "content", "site.yaml"), site_yaml(section_titles))
        copy_tree(os.path.join(REPO, "bench", "klar-layouts"), os.path.join(out, "layouts"))
    if hugo:
        shutil.copy(os.path.join(REPO, "bench", "hugo", "hugo.yaml"), os.path.join(hugo, "hugo.yaml"))
        copy_tree(os.path.join(REPO, "bench", "hugo", "layouts"), os.path.join(hugo, "layouts"))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10000, help="number of pages (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", default=os.path.join("bench", "out", "klar"),
                    help="klar site folder (default bench/out/klar)")
    ap.add_argument("--hugo", default=os.path.join("bench", "out", "hugo"),
                    help="Hugo site folder (default bench/out/hugo; empty: none)")
    a = ap.parse_args()
    if a.pages < 1:
        ap.error("--pages must be at least 1")
    total = generate(a.pages, a.seed, a.out, a.hugo)
    print("gen-bench-site: %d pages, %.1f MB of Markdown (%.1f KB a page), seed %d"
          % (a.pages, total / 1e6, total / a.pages / 1e3, a.seed), file=sys.stderr)


if __name__ == "__main__":
    main()
