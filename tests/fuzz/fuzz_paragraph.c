/* libFuzzer entry: one paragraph through the print engine: Danish
 * hyphenation (hyph_put, libhyphen), the styled runs of text.c shaped by
 * Pango into a narrow column, and flow.c breaking its lines into frames and
 * pages, with the pixi print layout and the site's own fonts.
 *
 * Input: two control bytes, then the paragraph as UTF-8 (no NUL, as content
 * loading guarantees). Byte 0 picks the column width (12 to 75 mm) and
 * byte 1 the alignment (left, centre, right, justified), the frame height
 * (lines per page) and footnotes at the foot of the page. In the text, bytes
 * 0x01-0x0f start a new run whose style is the byte less one: bits 1, 2 and
 * 4 are strong, emphasis and code, 8 makes the run a link whose destination
 * is its own text (a web address is printed after it); 0x10 is a hard line break, 0x11 a footnote
 * reference, and a newline a soft break.
 *
 * Checked besides the sanitizers: hyphenation only adds soft hyphens (the
 * text without them is unchanged; tried on any bytes, the rest only on
 * valid UTF-8), Pango's lines cover the text in order,
 * and the flow places every line exactly once, in order, on frames no
 * higher than the page allows (a line taller than the frame is reported,
 * not dropped). libhyphen, Pango, HarfBuzz and fontconfig are the
 * system's uninstrumented libraries: ASan sees only klar's own accesses. */
#include "core/arena.h"
#include "core/diag.h"
#include "core/str.h"
#include "print/bk.h"
#include "print/fonts.h"
#include "print/hyph.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static arena *keep;
static booklayout *L;
static PangoFontMap *fm;
static PangoContext *pc;

static void fail(const char *what) {
  fprintf(stderr, "fuzz_paragraph: %s\n", what);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /* Run from the repository (layouts/print/pixi.xml, assets/fonts/);
   * tests/fuzz/run.sh does. */
  keep = arena_new();
  diag *d = diag_new();
  L = booklayout_load(keep, ".", "pixi", d);
  if (L && hyph_load()) fm = fonts_map_new(keep, "assets/fonts", L->file, d);
  if (!fm) {
    char *t = diag_text(d);
    fprintf(stderr, "fuzz_paragraph: cannot set up (run me from the repository; hyphen-da installed?)\n%s", t);
    exit(2);
  }
  diag_free(d);
  /* The context as print_booklet makes it. */
  pc = pango_font_map_create_context(fm);
  pango_cairo_context_set_resolution(pc, 72);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pc, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(pc, FALSE);
  pango_context_set_language(pc, pango_language_from_string(L->lang));
  return 0;
}

/* s with every soft hyphen (U+00AD) removed, in a; *len its length. */
static char *without_shy(arena *a, const char *s, size_t n, size_t *len) {
  char *o = arena_alloc(a, n + 1), *q = o;
  for (size_t i = 0; i < n; i++) {
    if (i + 1 < n && (unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] == 0xad) {
      i++;
      continue;
    }
    *q++ = s[i];
  }
  *len = (size_t)(q - o);
  return o;
}

/* Hyphenation only adds soft hyphens, whatever the bytes (it is given
 * UTF-8, but must not hang or lose text on anything else either). */
static void check_hyphenation(arena *a, const char *s, size_t n) {
  sbuf out = SBUF_INIT;
  hyph_put(&out, s, n);
  if (str_utf8_valid(s, n, NULL) && !str_utf8_valid(sbuf_str(&out), out.len, NULL))
    fail("hyphenation made invalid UTF-8");
  size_t l1, l2;
  const char *x = without_shy(a, sbuf_str(&out), out.len, &l1), *y = without_shy(a, s, n, &l2);
  if (l1 != l2 || memcmp(x, y, l1) != 0) fail("hyphenation changed the text, not only added soft hyphens");
  sbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > 8192) return 0;
  const char *src = (const char *)data + 2;
  size_t n = size - 2;
  arena *a = arena_new();
  check_hyphenation(a, src, n);
  if (!str_utf8_valid(src, n, NULL) || memchr(src, 0, n)) {
    arena_free(a);
    return 0;
  }
  diag *d = diag_new();

  bk k = {0};
  k.a = a;
  k.d = d;
  k.L = L;
  k.fm = fm;
  k.pc = pc;
  k.ok = true;
  k.ncols = 1 + (data[1] >> 6) % 2;
  k.gap = 4 * MM;
  k.colw = (12 + data[0] % 64) * MM;
  k.frame_h = (8 + ((data[1] >> 2) & 15) * 6) * MM;
  L->notes_on_page = data[1] & 0x80;
  bl_style st = L->styles[BL_P];
  st.hyphenate = true;
  st.align = (bl_align[]){BL_LEFT, BL_CENTER, BL_RIGHT, BL_JUSTIFY}[data[1] & 3];

  /* The runs. */
  VEC(mdt_run) runs = {0};
  unsigned style = 0;
  bool link = false;
  int notes = 0;
  const char *p = src, *end = src + n, *start = p;
  for (;; p++) {
    bool at_end = p == end;
    unsigned char c = at_end ? 0 : (unsigned char)*p;
    if (!at_end && c > 0x11 && c != '\n') continue;
    if (p > start) {
      char *t = arena_strndup(a, start, (size_t)(p - start));
      mdt_run r = {MDR_TEXT, style, t, link ? t : NULL, 0};
      vec_push(&runs, r);
    }
    if (at_end) break;
    start = p + 1;
    if (c == '\n') {
      vec_push(&runs, ((mdt_run){MDR_SOFTBREAK, style, "", NULL, 0}));
    } else if (c == 0x10) {
      vec_push(&runs, ((mdt_run){MDR_HARDBREAK, style, "", NULL, 0}));
    } else if (c == 0x11) {
      vec_push(&runs, ((mdt_run){MDR_FOOTREF, 0, "n", NULL, ++notes}));
    } else {
      unsigned v = c - 1u;
      style = (v & 1 ? MDS_STRONG : 0) | (v & 2 ? MDS_EMPH : 0) | (v & 4 ? MDS_CODE : 0);
      link = v & 8;
    }
  }

  box *b = bk_new_box(&k, BX_TEXT, &st, 0);
  tbuild tb;
  bk_tb_init(&tb);
  bk_tb_runs(&k, &tb, runs.items, runs.n, true);
  b->t = bk_make_text(&k, &tb, &st, b->w, false);
  /* Footnotes at the foot of the page: one short note per reference. */
  if (L->notes_on_page && tb.refs.n) {
    bk_take_refs(&k, b, &tb, &b->t, 0);
    for (int i = 0; i < b->nrefs; i++) {
      fnote *fn = arena_calloc(a, 1, sizeof *fn);
      fn->number = b->refs[i].number;
      fn->h = 3 * MM;
      b->refs[i].note = fn;
      vec_push(&k.notes, fn);
    }
  }
  size_t tlen = tb.s.len;
  bk_tb_free(&tb);
  vec_free(&runs);

  /* Pango's lines cover the text in order. */
  const text *t = &b->t;
  int at = 0;
  for (int i = 0; i < t->nlines; i++) {
    if (t->lines[i].start != at || t->lines[i].len < 0) fail("the lines do not cover the text in order");
    at += t->lines[i].len;
    if (t->lines[i].bottom < t->lines[i].top) fail("a line of negative height");
  }
  if ((size_t)at > tlen) fail("the lines run past the text");

  /* The flow places every line once, in order. */
  page_vec pages = {0};
  box *bs[1] = {b};
  bk_flow_boxes(&k, &pages, PG_CONTENT, bs, 1, 1);
  int next = 0;
  for (size_t i = 0; i < pages.n; i++)
    for (size_t j = 0; j < pages.items[i]->frags.n; j++) {
      frag *f = &pages.items[i]->frags.items[j];
      if (f->from != next || f->to < f->from) fail("the flow lost or repeated lines");
      if (k.ok && f->y + bk_text_h(b, f->from, f->to) > k.frame_h + 0.02 && f->to - f->from > 1)
        fail("the flow overfilled a frame");
      next = f->to;
    }
  if (next != t->nlines) fail("the flow did not place every line");
  vec_free(&pages);
  vec_free(&k.notes);
  diag_free(d);
  arena_free(a);
  return 0;
}
