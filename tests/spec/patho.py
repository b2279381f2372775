#!/usr/bin/env python3
"""Runs both pathological-input lists of cmark through klar's md module.

The lists (pathological_tests.py from cmark-gfm 0.29.0.gfm.6 and the newer
pathological_tests.cmark-0.31.py) are loaded unchanged from the spec
directory: their module-level `pathological` dicts hold (input, regex) pairs
built by one-line expressions. Each input is piped through the `patho` tool
(tests/tools/patho.c) with a 5 s limit, as upstream's runner does. A case
passes when klar either renders it in time and the HTML matches the regex,
or refuses it with its "klar refuses it so the build cannot hang" error.
A timeout or a mismatch fails.

    tests/spec/patho.py [PATH/TO/patho]      (default: $BUILD/tools/patho)

The spec directory is ../shared/spec beside the repository, or
$KLAR_SPEC_DIR when that is missing. Ends with "patho: N passed, N failed".
"""
import os
import re
import subprocess
import sys
import time
import types

TIMEOUT = 5
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spec_dir():
    d = os.path.join(os.path.dirname(REPO), "shared", "spec")
    if os.path.isdir(d):
        return d
    env = os.environ.get("KLAR_SPEC_DIR")
    if env and os.path.isdir(env):
        return env
    sys.exit("patho: no spec directory (expected %s or $KLAR_SPEC_DIR)" % d)


def load(path):
    """Executes a list file with a stand-in `cmark` module (the lists import
    its CMark class for their own runner, which is not used here)."""
    stub = types.ModuleType("cmark")
    stub.CMark = object
    sys.modules["cmark"] = stub
    ns = {"__name__": "klar_patho_list", "__file__": path}
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), ns)
    return ns


# klar's own cases: the slow shapes of the spec README's table that neither
# list holds (each must be refused or rendered in time), and legitimate
# documents near the limits, which must render: refusing them fails.
def klar_cases():
    any_html = re.compile(".")
    wide = "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n" + "x\n" * 200
    ok_table = "|" + "a|" * 150 + "\n|" + "-|" * 150 + "\n" + ("|" + "b|" * 150 + "\n") * 50
    deep_list = "".join("  " * x + "* a\n" for x in range(90))
    deep_quote = "> " * 90 + "a\n"
    many_links = "Se [a](b.md) og *c* " * 5000
    return [
        ("dash list with blank lines (n=20000)", "- " * 20000 + "x" + "\n" * 20000, any_html, False),
        ("space-dash list, GHSA-66g8 issue 2", " -" * 10000 + "x" + "\n" * 10000, any_html, False),
        ("emph in deep quote, GHSA-66g8 issue 1", ">" * 20000 + "a*" * 20000, any_html, False),
        ("![[]() repeated (n=20000)", "![[]()" * 20000, any_html, False),
        ("5000-column table", wide, any_html, False),
        ("legit: 150-column table", ok_table, re.compile("(<th>a</th>\n){150}"), True),
        ("legit: 90-deep nested list", deep_list, re.compile("(<li>a\n<ul>\n){89}"), True),
        ("legit: 90-deep block quote", deep_quote, re.compile("(<blockquote>\n){90}"), True),
        ("legit: 5000 links and emphases", many_links, re.compile("(Se <a href=\"b.md\">a</a> og <em>c</em> ){4999}"), True),
    ]


def run(tool, name, inp, regex, ext, want_html=True, must_render=False):
    args = [tool] + (["--ext", ext] if ext is not None else [])
    t0 = time.monotonic()
    try:
        p = subprocess.run(args, input=inp.encode("utf-8"), capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, "TIMEOUT after %d s" % TIMEOUT
    dt = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace").strip()
    if p.returncode == 3 and "klar refuses it so the build cannot hang" in err:
        if must_render:
            return False, "REFUSED a legitimate document: %s" % err.splitlines()[0][:110]
        return True, "refused in %.2f s: %s" % (dt, err.splitlines()[0][:110])
    if p.returncode != 0:
        return False, "ERROR rc=%d: %s" % (p.returncode, err[:200])
    out = p.stdout.decode("utf-8", "replace")
    if not want_html:
        # upstream checks this case's CommonMark output, which klar does not
        # produce: rendering its HTML in time is what can be checked here
        return True, "rendered HTML in %.2f s (regex is for CommonMark output)" % dt
    if regex.search(out):
        return True, "rendered in %.2f s" % dt
    return False, "MISMATCH in %.2f s: %r" % (dt, out[:80])


def main():
    build = os.environ.get("BUILD", "build")
    tool = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, build, "tools", "patho")
    if not os.access(tool, os.X_OK):
        sys.exit("patho: tool %s not built (make %s)" % (tool, tool))
    d = spec_dir()
    passed = failed = 0
    # gfm.6's runner attaches the table extension; cmark 0.31's attaches none.
    for fname, ext in (("pathological_tests.py", "table"),
                       ("pathological_tests.cmark-0.31.py", "")):
        ns = load(os.path.join(d, fname))
        cases = [(k, v, True) for k, v in ns["pathological"].items()]
        cases += [(k, v, False) for k, v in ns.get("pathological_cmark", {}).items()]
        for name, (inp, regex), want_html in cases:
            ok, what = run(tool, name, inp, regex, ext, want_html)
            print("%-4s %s: %s: %s" % ("ok" if ok else "FAIL", fname, name, what), flush=True)
            if ok:
                passed += 1
            else:
                failed += 1
    for name, inp, regex, must in klar_cases():
        ok, what = run(tool, name, inp, regex, "table strikethrough autolink tagfilter tasklist",
                       True, must)
        print("%-4s klar: %s: %s" % ("ok" if ok else "FAIL", name, what), flush=True)
        if ok:
            passed += 1
        else:
            failed += 1
    print("patho: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
