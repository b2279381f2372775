/* newpage: the text of a new page from its type's schema (see newpage.h).
 * The skeleton is meant to build as it is: a reference names a real page
 * of the right type, a field with allowed values gets the first of them,
 * times are valid and in order; the comments in Danish tell the editor
 * what to change. */
#include "newpage.h"
#include "../core/fsx.h"
#include "../core/suggest.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ type names */

/* Compares a and b ignoring case, for ASCII and the Latin-1 letters
 * (Æ Ø Å and the accented ones), which is what a Danish type title has. */
static unsigned char fold(unsigned char c, unsigned char prev) {
  if (c >= 'A' && c <= 'Z') return (unsigned char)(c + 32);
  /* The second byte of U+00C0..U+00DE (not ×) after a 0xC3 lead: lower case is 0x20 above. */
  if (prev == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97) return (unsigned char)(c + 32);
  return c;
}

static bool same_folded(const char *a, const char *b) {
  unsigned char pa = 0, pb = 0;
  for (size_t i = 0;; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (fold(x, pa) != fold(y, pb)) return false;
    if (!x) return true;
    pa = x;
    pb = y;
  }
}

/* The section folder whose default type is `type`, or NULL. */
static const char *section_of(const site *s, const char *type) {
  val *secs = val_get(s->config, "sections");
  if (!secs || secs->kind != VAL_MAP) return NULL;
  for (size_t i = 0; i < secs->u.map.n; i++)
    if (str_eq(val_as_str(val_get(secs->u.map.vals[i], "type")), type)) return secs->u.map.keys[i];
  return NULL;
}

const char *newpage_type(const site *s, const char *word) {
  for (size_t i = 0; i < s->ntypes; i++)
    if (!strcmp(s->types[i].name, word)) return s->types[i].name;
  for (size_t i = 0; i < s->ntypes; i++)
    if (same_folded(s->types[i].title, word)) return s->types[i].name;
  val *secs = val_get(s->config, "sections");
  const char *t = secs ? val_as_str(val_get(val_get(secs, word), "type")) : NULL;
  if (t && model_type(s, t)) return model_type(s, t)->name;
  if (!strcmp(word, NEWPAGE_PLAIN) || same_folded(word, "side")) return NEWPAGE_PLAIN;
  return NULL;
}

void newpage_known(const site *s, sbuf *out) {
  for (size_t i = 0; i < s->ntypes; i++) {
    const type_schema *t = &s->types[i];
    const char *sec = section_of(s, t->name);
    sbuf_printf(out, "  %-12s %s", t->name, t->title);
    if (sec) sbuf_printf(out, " (content/%s/)", sec);
    sbuf_putc(out, '\n');
  }
  sbuf_printf(out, "  %-12s %s\n", NEWPAGE_PLAIN, "Side (a plain page)");
}

const char *newpage_suggest(const site *s, const char *word) {
  /* Each type by its name, its title and its section folder, in that
   * order: the shared helper gives ties to the earlier one. */
  const char **names = xcalloc(3 * s->ntypes + 1, sizeof *names);
  for (size_t i = 0; i < s->ntypes; i++) {
    names[3 * i] = s->types[i].name;
    names[3 * i + 1] = s->types[i].title;
    names[3 * i + 2] = section_of(s, s->types[i].name);
  }
  const char *found = suggest_closest(word, names, 3 * s->ntypes);
  free(names);
  return found;
}

/* ------------------------------------------------------------- YAML text */

/* Appends s as a YAML scalar: plain when it reads back as the same text,
 * else in double quotes ("17.00" would read as a number, "a: b" as a map). */
static void put_scalar(sbuf *b, const char *s) {
  static const char *words[] = {"true", "false", "yes", "no", "on", "off", "null", "~", NULL};
  bool quote = !*s || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) || strstr(s, ": ") || strstr(s, " #") ||
               s[strlen(s) - 1] == ' ' || s[strlen(s) - 1] == ':';
  char *end;
  (void)strtod(s, &end);
  if (*s && !*end) quote = true;
  for (int i = 0; words[i] && !quote; i++) quote = !strcasecmp(s, words[i]);
  if (!quote) {
    sbuf_puts(b, s);
    return;
  }
  sbuf_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') sbuf_putc(b, '\\');
    sbuf_putc(b, *s);
  }
  sbuf_putc(b, '"');
}

/* ------------------------------------------------------------ the skeleton */

typedef struct skel {
  const site *s;
  const char *date;
  sbuf *out;
} skel;

/* The first page of type `to` in site order (the path of its file below
 * content/), or NULL when the site has none yet. */
static const char *first_of(const site *s, const char *to) {
  page_list l = model_pages_of(s, to);
  for (size_t i = 0; i < l.n; i++)
    if (l.items[i]->src && !l.items[i]->draft) return l.items[i]->src;
  return NULL;
}

static const char *type_title(const site *s, const char *type) {
  const type_schema *t = model_type(s, type);
  return t ? t->title : type;
}

/* The placeholder of a one-line field: what builds and says what to write. */
static const char *placeholder(skel *k, const field_schema *f, const char *kind) {
  arena *a = k->s->arena;
  if (f->nvalues) return f->values[0];
  if (!strcmp(kind, "ref")) {
    const char *first = first_of(k->s, f->to);
    return first ? first : arena_printf(a, "%s/navn.md", section_of(k->s, f->to) ? section_of(k->s, f->to) : f->to);
  }
  if (!strcmp(kind, "date")) return k->date;
  if (!strcmp(kind, "bool")) return "false";
  if (!strcmp(kind, "number")) {
    bool minutes = strstr(f->name, "duration") || (f->title && strstr(f->title, "minut"));
    return minutes ? "45" : "0";
  }
  /* Times: the skeleton's programme runs from 17.00 to 18.30. */
  if (!strcmp(f->name, "start")) return "17.00";
  if (!strcmp(f->name, "end")) return "18.30";
  const char *what = f->title ? f->title : f->name;
  char first = what[0] >= 'A' && what[0] <= 'Z' ? (char)(what[0] + 32) : what[0];
  return arena_printf(a, "Skriv %c%s her", first, what + 1);
}

/* Appends the comment lines above a field: its title and whether it must
 * be filled in, its help, and how to write its value. */
static void put_help(skel *k, const field_schema *f) {
  sbuf *b = k->out;
  sbuf_printf(b, "# %s (%s)", f->title ? f->title : f->name, f->required ? "skal udfyldes" : "kan udelades");
  if (f->help) sbuf_printf(b, ": %s", f->help);
  sbuf_putc(b, '\n');
  const char *kind = !strcmp(f->kind, "list") && f->of ? f->of : f->kind;
  if (f->nvalues) {
    sbuf_puts(b, "# Vælg én af:");
    for (size_t i = 0; i < f->nvalues; i++) sbuf_printf(b, "%s %s", i ? "," : "", f->values[i]);
    sbuf_puts(b, ".\n");
  } else if (!strcmp(kind, "ref")) {
    const char *sec = section_of(k->s, f->to);
    const char *first = first_of(k->s, f->to);
    bool list = !strcmp(f->kind, "list");
    sbuf_printf(b, "# %s af typen %s%s%s%s, skrevet som stien under content/.\n",
                list ? "En eller flere sider" : "En side", type_title(k->s, f->to), sec ? " (i " : "",
                sec ? sec : "", sec ? "/)" : "");
    if (first) sbuf_printf(b, "# Her står den første som eksempel: vælg %s.\n", list ? "de rigtige" : "den rigtige");
    else sbuf_puts(b, "# Der er endnu ingen side af den type: opret den først.\n");
  } else if (!strcmp(kind, "date")) {
    sbuf_puts(b, "# En dato skrevet som 2027-05-27.\n");
  } else if (!strcmp(kind, "number")) {
    sbuf_puts(b, "# Et tal, uden enhed.\n");
  } else if (!strcmp(f->name, "start") || !strcmp(f->name, "end")) {
    /* A time must be quoted, or YAML reads 17.00 as the number 17. */
    if (!f->help) sbuf_puts(b, "# Et klokkeslæt i anførselstegn, fx \"17.00\".\n");
  }
}

/* Appends `name: value` for one scalar field at indentation ind; a number
 * or true/false of a field of that kind as it is, anything else as text. */
static void put_value(sbuf *b, const char *value, const char *kind) {
  if (!strcmp(kind, "number") || !strcmp(kind, "bool")) sbuf_puts(b, value);
  else put_scalar(b, value);
  sbuf_putc(b, '\n');
}

static void put_line(skel *k, int ind, const char *name, const char *value, const char *kind) {
  sbuf_printf(k->out, "%*s%s: ", ind, "", name);
  put_value(k->out, value, kind);
}

/* Appends the items of a list of mappings. A mapping with `start` and `end`
 * is a programme: three items with ordered times, the first and last
 * titled, the middle one naming a page when the items can reference one. */
static void put_map_items(skel *k, int ind, const field_schema *f) {
  const field_schema *start = NULL, *end = NULL, *title = NULL, *ref = NULL;
  for (size_t i = 0; i < f->nfields; i++) {
    const field_schema *g = &f->fields[i];
    if (!strcmp(g->name, "start")) start = g;
    else if (!strcmp(g->name, "end")) end = g;
    else if (!strcmp(g->name, "title")) title = g;
    else if (!strcmp(g->kind, "ref") && !ref) ref = g;
  }
  bool programme = start && end;
  static const char *times[4] = {"17.00", "17.15", "18.15", "18.30"};
  static const char *titles[3] = {"Velkomst", NULL, "Afslutning"};
  int items = programme ? 3 : 1;
  for (int n = 0; n < items; n++) {
    bool first = true;
    for (size_t i = 0; i < f->nfields; i++) {
      const field_schema *g = &f->fields[i];
      const char *v = NULL;
      if (programme && g == start) v = times[n];
      else if (programme && g == end) v = times[n + 1];
      else if (programme && g == title && (titles[n] || !ref)) v = titles[n] ? titles[n] : "Programpunkt";
      else if (programme && g == ref && !titles[n]) v = placeholder(k, g, "ref");
      else if (!programme && g->required) v = placeholder(k, g, g->kind);
      if (!v) continue;
      sbuf_printf(k->out, "%*s%s", first ? ind : ind + 2, "", first ? "- " : "");
      put_line(k, 0, g->name, v, g->kind);
      first = false;
    }
  }
}

/* Appends a field with its comments; an optional field is commented out
 * whole, so the editor removes the '# ' to use it. */
static void put_field(skel *k, const field_schema *f) {
  put_help(k, f);
  sbuf lines = SBUF_INIT;
  sbuf *keep = k->out;
  k->out = &lines;
  if (!strcmp(f->kind, "list")) {
    sbuf_printf(&lines, "%s:\n", f->name);
    if (f->of && !strcmp(f->of, "map")) put_map_items(k, 2, f);
    else {
      sbuf_puts(&lines, "  - ");
      put_value(&lines, placeholder(k, f, f->of ? f->of : "string"), f->of ? f->of : "string");
    }
  } else if (!strcmp(f->kind, "map")) {
    sbuf_printf(&lines, "%s:\n", f->name);
    for (size_t i = 0; i < f->nfields; i++)
      if (f->fields[i].required) {
        const field_schema *g = &f->fields[i];
        put_line(k, 2, g->name, placeholder(k, g, g->kind), g->kind);
      }
  } else {
    put_line(k, 0, f->name, placeholder(k, f, f->kind), f->kind);
  }
  k->out = keep;
  for (const char *p = sbuf_str(&lines); *p;) {
    const char *nl = strchr(p, '\n');
    if (!f->required) sbuf_puts(k->out, "# ");
    sbuf_put(k->out, p, (size_t)(nl - p + 1));
    p = nl + 1;
  }
  sbuf_free(&lines);
}

/* The title from the file name: "soevn-og-rutiner.md" → "Soevn og rutiner"
 * (a bundle's index.md takes its folder's name). */
static const char *title_of(arena *a, const char *rel) {
  const char *base = fsx_basename(rel);
  if (!strcmp(base, "index.md") || !strcmp(base, "_index.md")) base = fsx_basename(fsx_dirname(a, rel));
  char *t = arena_strdup(a, *base ? base : "Ny side");
  if (str_ends(t, ".md")) t[strlen(t) - 3] = 0;
  for (char *p = t; *p; p++)
    if (*p == '-' || *p == '_') *p = ' ';
  if (t[0] >= 'a' && t[0] <= 'z') t[0] = (char)(t[0] - 32);
  return t;
}

/* The section of a path below content/: its first folder, "" at the top. */
static const char *section_name(arena *a, const char *rel) {
  const char *slash = strchr(rel, '/');
  return slash ? arena_strndup(a, rel, (size_t)(slash - rel)) : "";
}

static void put_skeleton(skel *k, const char *type, const char *rel) {
  const site *s = k->s;
  arena *a = s->arena;
  sbuf *b = k->out;
  const type_schema *t = model_type(s, type);
  const char *sec = section_name(a, rel);
  const char *dflt = *sec ? val_as_str(val_get(val_get(val_get(s->config, "sections"), sec), "type")) : NULL;
  /* A type without required fields (a plain page, news) is one whose pages
   * are mostly dated text: they get a date, a summary and the taxonomies. */
  bool plain = true;
  for (size_t i = 0; t && i < t->nfields; i++) plain = plain && !t->fields[i].required;
  sbuf_puts(b, "---\n");
  sbuf_printf(b, "# En ny side af typen %s. Linjer, der begynder med #, er forklaringer;\n"
                 "# fjern # foran et felt, der kan udelades, for at bruge det.\n",
              t ? t->title : "Side");
  sbuf_puts(b, "# Titel (skal udfyldes): sidens overskrift, som den står på siden og i lister.\n"
              "# Den er lavet af filnavnet: ret den, fx med æ, ø og å.\n");
  put_line(k, 0, "title", title_of(a, rel), "string");
  if (!str_eq(dflt ? dflt : NEWPAGE_PLAIN, type)) {
    sbuf_puts(b, "# Type: står her, fordi siderne i denne mappe ellers har en anden type.\n");
    put_line(k, 0, "type", type, "string");
  }
  if (plain) {
    sbuf_puts(b, "# Dato (kan udelades): skrevet som 2027-05-27; nyheder vises nyeste først.\n");
    put_line(k, 0, "date", k->date, "date");
  }
  for (size_t i = 0; t && i < t->nfields; i++) put_field(k, &t->fields[i]);
  sbuf_puts(b, "# Resumé (kan udelades): en til to sætninger til lister og søgemaskiner.\n");
  sbuf_printf(b, "%ssummary: Skriv et kort resumé her.\n", plain ? "" : "# ");
  for (size_t i = 0; plain && i < s->ntaxonomies; i++)
    sbuf_printf(b, "# %s (kan udelades): ord, der samler sider om det samme emne.\n# %s:\n#   - et emne\n",
                s->taxonomies[i].title, s->taxonomies[i].name);
  sbuf_puts(b, "---\n");
  if (t && t->nsections) {
    sbuf_puts(b, "Skriv en kort indledning her.\n");
    for (size_t i = 0; i < t->nsections; i++) {
      sbuf_printf(b, "\n## %s\n", t->sections[i]);
      if (!t->nparts) sbuf_printf(b, "\nSkriv om %s her.\n", t->sections[i]);
      for (size_t j = 0; j < t->nparts; j++) sbuf_printf(b, "\n### %s\n\n- Skriv et punkt her.\n", t->parts[j]);
    }
  } else {
    sbuf_puts(b, "Skriv sidens tekst her.\n");
  }
}

/* ------------------------------------------------------------ archetypes */

/* Appends text with each {{name}} of vars (name, value pairs, NULL-ended)
 * replaced; anything else between braces is kept as written. */
static void put_substituted(sbuf *b, const char *text, const char *const *vars) {
  for (const char *p = text; *p;) {
    if (p[0] == '{' && p[1] == '{') {
      bool done = false;
      for (int i = 0; vars[i] && !done; i += 2) {
        size_t n = strlen(vars[i]);
        if (!strncmp(p + 2, vars[i], n) && !strncmp(p + 2 + n, "}}", 2)) {
          sbuf_puts(b, vars[i + 1]);
          p += n + 4;
          done = true;
        }
      }
      if (done) continue;
    }
    sbuf_putc(b, *p++);
  }
}

bool newpage_text(const site *s, const char *type, const char *rel, const char *date, sbuf *out,
                  const char **archetype) {
  arena *a = s->arena;
  *archetype = NULL;
  const char *path = fsx_join(a, fsx_join(a, s->layouts_dir, "archetypes"), arena_printf(a, "%s.md", type));
  if (fsx_is_file(path)) {
    size_t len;
    *archetype = path;
    char *text = fsx_read(a, path, &len);
    if (!text) return false;
    const char *vars[] = {"title", title_of(a, rel), "date", date, "type", type, "section", section_name(a, rel), NULL};
    put_substituted(out, text, vars);
    return true;
  }
  skel k = {s, date, out};
  put_skeleton(&k, type, rel);
  return true;
}
