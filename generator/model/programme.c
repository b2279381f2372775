/* programme: a conference's programme, as its readers and the print shop
 * get it. A time that is not a time, an item that ends before it starts,
 * items out of time order, two items at once in one room and items outside
 * the conference's own hours all print a programme that is wrong on paper,
 * so each is an error, at the value that is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "checks.h"
#include "../core/arena.h"
#include "../core/map.h"
#include "../core/msg.h"

/* Minutes since midnight of "17.30", "17:30" or "9.05" (hours 0–23, two
 * digits of minutes 00–59), or -1. */
static int parse_time(const char *s) {
  if (!s) return -1;
  int h = 0, k = 0;
  while (k < 2 && s[k] >= '0' && s[k] <= '9') h = h * 10 + (s[k++] - '0');
  if (k == 0 || (s[k] != '.' && s[k] != ':')) return -1;
  const char *m = s + k + 1;
  if (!(m[0] >= '0' && m[0] <= '9' && m[1] >= '0' && m[1] <= '9' && !m[2])) return -1;
  int mm = (m[0] - '0') * 10 + (m[1] - '0');
  if (h > 23 || mm > 59) return -1;
  return h * 60 + mm;
}

/* Reads the time in field key of map v: -1 when absent, -2 when it is not
 * a time (reported). */
static int time_of(const page *p, const val *v, const char *key, diag *d) {
  const val *t = val_get(v, key);
  if (!t) return -1;
  const char *s = val_as_str(t);
  int m = parse_time(s);
  if (m >= 0) return m;
  if (s)
    diag_error(d, p->file, t->line, t->col,
               "'%s: %s' is not a time: write hours and minutes as 17.30 or 17:30 (hours 00–23, minutes "
               "00–59), in quotes",
               key, s);
  else
    diag_error(d, p->file, t->line, t->col,
               "'%s' is not a time: write hours and minutes in quotes, as \"17.30\" or \"17:30\"", key);
  return -2;
}

/* What the reader sees an item as: its title, or the offer it names. */
static const char *item_name(const val *v) {
  const char *t = val_as_str(val_get(v, "title"));
  const val *o = val_get(v, "offer");
  if (!t && o && o->kind == VAL_REF && o->u.ref.page) t = ((const page *)o->u.ref.page)->title;
  if (!t) t = val_as_str(o);
  return t ? t : msg_tr("an item");
}

static const char *hhmm(char buf[16], int m) {
  snprintf(buf, 16, "%02d.%02d", (m / 60) % 100, m % 60);
  return buf;
}

typedef struct slot {
  const val *v;
  int start, end; /* minutes, end -1 when not given */
  const char *room;
} slot;

void mc_programme(const page *p, diag *d) {
  const val *prog = val_get(p->fm, "programme");
  if (!prog || prog->kind != VAL_LIST) return;
  int cstart = time_of(p, p->fm, "start", d), cend = time_of(p, p->fm, "end", d);
  if (cstart >= 0 && cend >= 0 && cend <= cstart) {
    const val *e = val_get(p->fm, "end");
    diag_error(d, p->file, e->line, e->col, "the conference ends (%s) before it starts (%s)", val_as_str(e),
               val_as_str(val_get(p->fm, "start")));
    cstart = cend = -1;
  }
  size_t n = prog->u.list.n;
  slot *sl = xcalloc(n + 1, sizeof *sl);
  map latest = MAP_INIT; /* room → the item there that ends last so far */
  int prev = -1;
  const val *prev_v = NULL;
  char b1[16], b2[16], b3[16], b4[16];
  for (size_t i = 0; i < n; i++) {
    const val *v = prog->u.list.items[i];
    sl[i] = (slot){v, -1, -1, NULL};
    if (v->kind != VAL_MAP) continue; /* the schema reported it */
    int st = time_of(p, v, "start", d), en = time_of(p, v, "end", d);
    const val *sv = val_get(v, "start"), *ev = val_get(v, "end");
    if (st >= 0 && en >= 0 && en <= st) {
      /* Two whole sentences, not a word put into one, so each translates. */
      if (en == st)
        diag_error(d, p->file, ev->line, ev->col,
                   "'%s' ends at %s, when it starts (%s): the end must come after the start", item_name(v),
                   val_as_str(ev), val_as_str(sv));
      else
        diag_error(d, p->file, ev->line, ev->col,
                   "'%s' ends at %s, before it starts (%s): the end must come after the start", item_name(v),
                   val_as_str(ev), val_as_str(sv));
      en = -1;
    }
    if (st < 0) continue;
    sl[i].start = st;
    sl[i].end = en;
    sl[i].room = val_as_str(val_get(v, "room"));
    /* Against the item just above, so one item out of place is one error. */
    if (prev >= 0 && st < prev)
      diag_error(d, p->file, sv->line, sv->col,
                 "the programme is out of time order: '%s' starts at %s, before '%s' above it (%s); list "
                 "the items by their start",
                 item_name(v), hhmm(b1, st), item_name(prev_v), hhmm(b2, prev));
    prev = st;
    prev_v = v;
    if (cstart >= 0 && st < cstart)
      diag_error(d, p->file, sv->line, sv->col,
                 "'%s' starts at %s, before the conference starts (start: %s)", item_name(v), hhmm(b1, st),
                 hhmm(b2, cstart));
    else if (cend >= 0 && (en >= 0 ? en : st) > cend)
      diag_error(d, p->file, (en >= 0 ? ev : sv)->line, (en >= 0 ? ev : sv)->col,
                 "'%s' runs until %s, after the conference ends (end: %s)", item_name(v),
                 hhmm(b1, en >= 0 ? en : st), hhmm(b2, cend));
    /* Two items at once in one room, reported at the later one. The
     * items come in time order (else that was reported), so an item
     * overlaps an earlier one in its room when it starts before the
     * latest end there: one look per item, however long the programme. */
    if (!sl[i].room || en < 0) continue;
    slot *o = map_get(&latest, sl[i].room);
    if (o && st < o->end && o->start <= st)
      diag_error(d, p->file, sv->line, sv->col, "'%s' (%s–%s) overlaps '%s' (%s–%s) in the same room, %s",
                 item_name(v), hhmm(b1, st), hhmm(b2, en), item_name(o->v), hhmm(b3, o->start),
                 hhmm(b4, o->end), sl[i].room);
    if (!o || en > o->end) map_set(&latest, sl[i].room, &sl[i]);
  }
  map_free(&latest);
  free(sl);
}
