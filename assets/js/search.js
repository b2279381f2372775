/* klar's search page: the index klar made at build time (soeg/indeks/) is
 * loaded with script tags, a shard for each word of the query, so the page
 * works from file:// too. Words are cut, folded and stemmed exactly as
 * generator/site/search.c and stem.c did (tests/search checks that C and
 * this file give the same stem for every term of the index). */
(function () {
  "use strict";
  var idx = null, shards = {}, pages = {}, loading = {}, base = "";

  /* ---- Danish words: the rules of search.c (word_char, search_tokenize) */
  function wordChar(c) {
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return c;
    if (c >= 65 && c <= 90) return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c !== 0xD7) return c + 32;
    if (c >= 0xDF && c <= 0xFF && c !== 0xF7) return c;
    if (c < 0x100) return -1;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) || c === 0xFEFF || c >= 0xE000) return -1;
    return c;
  }
  /* Calls fn(word, start, end) for each word of s (start, end: indexes in s). */
  function words(s, fn) {
    var w = "", start = 0, chars = 0, bytes = 0, i = 0;
    for (;;) {
      var c = i < s.length ? s.codePointAt(i) : -1, len = c > 0xFFFF ? 2 : 1;
      if (c === 0xAD && w) { i += len; continue; }
      var lc = c >= 0 ? wordChar(c) : -1;
      if (lc >= 0) {
        if (!w) { start = i; chars = 0; bytes = 0; }
        w += String.fromCodePoint(lc); chars++;
        bytes += lc < 0x80 ? 1 : lc < 0x800 ? 2 : lc < 0x10000 ? 3 : 4;
      } else if (w) {
        if (chars > 1 && bytes <= 40) fn(w, start, i);
        w = "";
      }
      if (c < 0) break;
      i += len;
    }
  }

  /* ---- Snowball's Danish stemmer (libstemmer 2.2), ported from danish.sbl */
  var V = "aeiouyæåø", C = "bcdfghjklmnpqrstvwxz", SEND = "abcdfghjklmnoprtvyzå";
  var MAIN = ("hed ethed ered e erede ende erende ene erne ere en heden eren er heder erer heds es endes " +
    "erendes enes ernes eres ens hedens erens ers ets erets et eret s").split(" ");
  var OTHER = ["ig", "lig", "elig", "els", "løst"];
  /* The longest of list that ends w and starts in R1 (at p1 or after). */
  function among(w, list, p1) {
    var best = "";
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      if (s.length > best.length && w.length - s.length >= p1 && w.slice(-s.length) === s) best = s;
    }
    return best;
  }
  function consonantPair(w, p1) {
    var e = w.slice(-2);
    return w.length - 2 >= p1 && (e === "gd" || e === "dt" || e === "gt" || e === "kt") ? w.slice(0, -1) : w;
  }
  function stem(w) {
    var n = w.length, p1 = n, i = 0;
    if (n >= 3) {
      while (i < n && V.indexOf(w[i]) < 0) i++;
      while (i < n && V.indexOf(w[i]) >= 0) i++;
      if (i < n) p1 = Math.max(i + 1, 3);
    }
    var s = among(w, MAIN, p1);
    if (s === "s") { if (w.length >= 2 && SEND.indexOf(w[w.length - 2]) >= 0) w = w.slice(0, -1); }
    else if (s) w = w.slice(0, -s.length);
    w = consonantPair(w, p1);
    if (w.slice(-4) === "igst") w = w.slice(0, -2);
    s = among(w, OTHER, p1);
    if (s === "løst") w = w.slice(0, -1);
    else if (s) w = consonantPair(w.slice(0, -s.length), p1);
    var last = w[w.length - 1];
    if (w.length - 1 >= p1 && C.indexOf(last) >= 0 && w[w.length - 2] === last) w = w.slice(0, -1);
    return w;
  }
  function term(w) { var s = stem(w); return idx && idx.irr[s] || s; }

  /* ---- a term's shard: the rules of search_index.c (search_hash, search_shard_of) */
  /* FNV-1a (32 bits) of the stem's UTF-8 bytes. */
  function hash(t) {
    var h = 0x811c9dc5;
    function put(b) { h = Math.imul(h ^ b, 16777619); }
    for (var ch of t) {
      var c = ch.codePointAt(0);
      if (c < 0x80) put(c);
      else {
        if (c < 0x800) put(0xC0 | c >> 6);
        else {
          if (c < 0x10000) put(0xE0 | c >> 12);
          else { put(0xF0 | c >> 18); put(0x80 | c >> 12 & 63); }
          put(0x80 | c >> 6 & 63);
        }
        put(0x80 | c & 63);
      }
    }
    return h >>> 0;
  }
  /* The range of the hash cut in n equal parts: the part of h (exact in a
   * double: h < 2^32, n < 2^21). */
  function shardOf(t, n) { return Math.floor(hash(t) * n / 4294967296); }
  /* The term's entry in its loaded shard, or null (an own property only: a
   * stem may be called "constructor"). */
  function entry(t) {
    var d = shards[shardOf(t, idx.h)];
    return d && Object.prototype.hasOwnProperty.call(d, t) ? d[t] : null;
  }

  /* ---- loading the index */
  function load(file) {
    if (!loading[file]) loading[file] = new Promise(function (ok, fail) {
      var el = document.createElement("script");
      el.src = base + file;
      el.onload = ok;
      el.onerror = function () { fail(new Error(file)); };
      document.head.appendChild(el);
    });
    return loading[file];
  }
  window.klarSearch = {
    start: function (d) { idx = d; idx.stopSet = {}; d.stop.forEach(function (w) { idx.stopSet[w] = 1; }); },
    shard: function (p, d) { shards[p] = d; },
    pages: function (g, d) { pages[g] = d; },
    stem: stem, words: words, hash: hash, shardOf: shardOf
  };
  var form = document.getElementById("soeg-form");
  if (!form) return; /* on another page, or in tests/search (stem and words only) */
  base = form.getAttribute("data-index");
  var root = form.getAttribute("data-root") || "";
  var input = document.getElementById("soeg-q"), status = document.getElementById("soeg-status");
  var list = document.getElementById("soeg-results"), more = document.getElementById("soeg-more");
  var A = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  /* A term's postings: {page id: weight}. */
  function postings(s) {
    var out = {}, id = -1, i = 0;
    while (i < s.length) {
      var v = 0, d;
      while ((d = A.indexOf(s[i++])) >= 32) v = v * 32 + d - 32;
      id += v * 32 + d + 1;
      out[id] = A.indexOf(s[i++]);
    }
    return out;
  }

  /* ---- searching */
  var shown = 0, results = [], stems = [];
  function search(q) {
    stems = [];
    words(q, function (w) { if (!idx.stopSet[w]) { var t = term(w); if (stems.indexOf(t) < 0) stems.push(t); } });
    if (!stems.length) return Promise.resolve([]);
    return Promise.all(stems.map(function (t) {
      return load("t-" + shardOf(t, idx.h) + ".js");
    })).then(function () {
      var lists = stems.map(function (t) {
        var e = entry(t);
        return e ? { post: postings(e[0]), df: e[0] ? Object.keys(postings(e[0])).length : 0 } : null;
      });
      var score = {}, hits = {};
      lists.forEach(function (l) {
        if (!l) return;
        var idf = Math.log(1 + idx.n / l.df);
        for (var id in l.post) { score[id] = (score[id] || 0) + l.post[id] * idf; hits[id] = (hits[id] || 0) + 1; }
      });
      var ids = Object.keys(score), all = ids.filter(function (id) { return hits[id] === stems.length; });
      if (all.length) ids = all; /* every word if some page has them all, else any */
      ids.sort(function (a, b) { return score[b] - score[a] || a - b; });
      return ids.map(function (id) {
        var r = { id: +id, meta: null, excerpt: null };
        stems.forEach(function (t) {
          var e = entry(t);
          if (r.excerpt === null && e && e[1] && e[1][id] !== undefined) r.excerpt = e[1][id];
        });
        return r;
      });
    });
  }
  /* Loads the page files (title, URL, type, stages) of results [from, to). */
  function complete(from, to) {
    var need = [];
    results.slice(from, to).forEach(function (r) {
      var g = Math.floor(r.id / idx.g);
      if (need.indexOf(g) < 0) need.push(g);
    });
    return Promise.all(need.map(function (g) { return load("p-" + g + ".js"); })).then(function () {
      results.slice(from, to).forEach(function (r) {
        var p = pages[Math.floor(r.id / idx.g)];
        r.meta = p && p[r.id % idx.g];
      });
    });
  }

  /* ---- showing */
  /* Appends text to el with the words of the query marked. */
  function marked(el, text) {
    var at = 0;
    words(text, function (w, s, e) {
      if (stems.indexOf(term(w)) < 0) return;
      el.appendChild(document.createTextNode(text.slice(at, s)));
      var m = document.createElement("mark");
      m.textContent = text.slice(s, e);
      el.appendChild(m);
      at = e;
    });
    el.appendChild(document.createTextNode(text.slice(at)));
  }
  function href(url) { return root + url + (location.protocol === "file:" ? "index.html" : ""); }
  function show(to) {
    return complete(shown, to).then(function () {
      results.slice(shown, to).forEach(function (r) {
        if (!r.meta) return;
        var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
        li.className = "search-result";
        a.href = href(r.meta[1]);
        marked(a, r.meta[0]);
        h.appendChild(a);
        li.appendChild(h);
        var info = document.createElement("p");
        info.className = "search-result__meta";
        info.textContent = [idx.l[r.meta[2]], idx.l[r.meta[3]]].filter(Boolean).join(" · ");
        li.appendChild(info);
        if (r.excerpt) {
          var p = document.createElement("p");
          p.className = "search-result__excerpt";
          marked(p, r.excerpt);
          li.appendChild(p);
        }
        list.appendChild(li);
      });
      var first = shown;
      shown = Math.min(to, results.length);
      more.hidden = shown >= results.length;
      return first;
    });
  }
  function run(q, focusResults) {
    list.textContent = "";
    more.hidden = true;
    shown = 0;
    if (!q.trim()) { status.textContent = ""; return; }
    status.textContent = "Søger …";
    load("start.js").then(function () { return search(q); }).then(function (r) {
      results = r;
      return show(idx.k);
    }).then(function () {
      var n = results.length;
      status.textContent = n === 0 ? "Ingen sider passer til »" + q + "«. Prøv et andet ord."
        : n === 1 ? "1 side passer til »" + q + "«." : n + " sider passer til »" + q + "«.";
      if (focusResults && n) list.querySelector("a").focus();
    }, function () {
      status.textContent = "Søgningen kunne ikke hentes. Prøv at genindlæse siden.";
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value;
    try { history.pushState(null, "", "?q=" + encodeURIComponent(q)); } catch (e) { /* file:// may refuse */ }
    run(q, false);
  });
  more.addEventListener("click", function () {
    show(shown + 10).then(function (first) {
      var a = list.children[first] && list.children[first].querySelector("a");
      if (a) a.focus();
    });
  });
  function fromUrl() {
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    run(q, false);
  }
  window.addEventListener("popstate", fromUrl);
  fromUrl();
})();
