-- Site-defined helpers for the klar layouts (see docs/reference.md, "Lua in
-- layouts"). Every global function defined here becomes a helper that the
-- layouts call in their expressions. Keep them small and free of side effects:
-- each render worker runs this file once in its own sandbox.

-- ---------------------------------------------------------------------------
-- small utilities

-- true when s is a string with something else than white space in it
function nonempty(s)
  return type(s) == "string" and s:find("%S") ~= nil
end

-- the list x, or an empty list when x is nil (so `k:for` never fails on a
-- field that a page leaves out); a single value becomes a one-item list
function items(x)
  if x == nil or x == false then return {} end
  if type(x) == "string" or type(x) == "number" then return { x } end
  return x
end

-- the number of items of a list (0 for nil)
function count(x)
  if x == nil or x == false then return 0 end
  return #x
end

-- HTML escape for the few helpers that build markup for k:html
function esc(s)
  s = tostring(s or "")
  return (s:gsub("[&<>\"']", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;",
  }))
end

-- s cut at a word boundary to at most n bytes, with an ellipsis when cut
function excerpt(s, n)
  if not nonempty(s) then return nil end
  s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  n = n or 160
  if #s <= n then return s end
  local cut = s:sub(1, n)
  local sp = cut:match(".*() ")
  if sp and sp > n / 2 then cut = cut:sub(1, sp - 1) end
  cut = cut:gsub("[%s,.;:–-]+$", "")
  return cut .. "…"
end

-- two pages are the same page (page objects may be fresh per access, so
-- compare their URLs)
function same(a, b)
  if a == nil or b == nil then return false end
  if a == b then return true end
  return type(a) ~= "string" and type(b) ~= "string" and a.url ~= nil and a.url == b.url
end

-- true when the list of pages `list` holds the page `pg`
function has_ref(list, pg)
  if list == nil or pg == nil then return false end
  if type(list) == "string" or list.url then return same(list, pg) end
  for i = 1, #list do
    if same(list[i], pg) then return true end
  end
  return false
end

-- the items of list that are not the page pg
function without(list, pg)
  local out = {}
  if list == nil then return out end
  for i = 1, #list do
    if not same(list[i], pg) then out[#out + 1] = list[i] end
  end
  return out
end

-- ---------------------------------------------------------------------------
-- page head

-- the <title>: "Robusthed · KLAR til Læring"; the front page only the site
function page_title(page, site)
  if page.kind == "home" or not nonempty(page.title) or page.title == site.title then
    return site.title
  end
  return page.title .. " · " .. site.title
end

-- the meta description: the page's summary/description, else the site's
function describe(page, site)
  local s = excerpt(page.description, 200) or excerpt(page.summary, 160)
  if s then return s end
  if site.params and nonempty(site.params.description) then return site.params.description end
  return site.title
end

-- Open Graph: "article" for a page of content, "website" for the front
-- page, sections and lists
function og_type(page)
  if page.kind == "page" then return "article" end
  return "website"
end

-- the absolute URL of the share card of the page's type (klar draws one per
-- type declared in site.yaml, og/side.png for the rest), or nil when the
-- site has none (no fonts in assets/)
function og_image(page, site)
  local t = "side"
  if page.kind == "page" and nonempty(page.type) and page.type ~= "page" then t = page.type end
  local ok, a = pcall(asset, "og/" .. t .. ".png")
  if not ok then ok, a = pcall(asset, "og/side.png") end
  if not ok then return nil end
  local origin = tostring(site.baseurl or ""):match("^(%a+://[^/]+)") or ""
  return origin .. a
end

-- what the share card shows, for og:image:alt
function og_image_alt(page, site)
  local org = site.params and site.params.organisation
  if nonempty(org) then return site.title .. ", " .. org end
  return site.title
end

-- true when the page body holds a video facade (then base.xml loads video.js)
function has_video(page)
  local c = page.content
  return type(c) == "string" and c:find("data-video-id", 1, true) ~= nil
end

-- the stylesheets a page loads after css/site.css: the rules of its own kind
-- of page only (the front page, the output catalog, the interface matrix,
-- the theme catalog's offers, a video), so no page carries the others' rules and each page's CSS
-- stays under 15 KB (tests/browser checks it)
local catalog_types = { catalog = true, group = true, proposal = true }
local offer_types = { theme = true, stage = true, role = true, offer = true, conference = true }
function page_css(page)
  local out = {}
  if page.kind == "home" then out[#out + 1] = "css/home.css" end
  if page.layout == "matrix" then out[#out + 1] = "css/matrix.css"
  elseif catalog_types[page.type] then out[#out + 1] = "css/catalog.css" end
  if offer_types[page.type] then out[#out + 1] = "css/offers.css" end
  if has_video(page) then out[#out + 1] = "css/video.css" end
  if page.layout == "search" then out[#out + 1] = "css/search.css" end
  if page.section == "hent" then out[#out + 1] = "css/hent.css" end
  if page.type == "404" then out[#out + 1] = "css/notfound.css" end
  if page.pager then out[#out + 1] = "css/pager.css" end
  if page.type == "pixi" and page.kind ~= "section" then out[#out + 1] = "css/guide.css" end
  if (page.kind == "section" and page.section == "nyheder") or page.kind == "taxonomy" then
    out[#out + 1] = "css/lists.css"
  end
  if page.layout == "statement" then out[#out + 1] = "css/statement.css" end
  return out
end

-- class of <body>: the kind and the type, for the few styles that differ
function body_class(page)
  local c = "kind-" .. tostring(page.kind or "page")
  if nonempty(page.type) then c = c .. " type-" .. page.type end
  return c
end

-- aria-current for a menu item: "page" on the page itself, "true" when the
-- page lies in the item's section, else nothing
function menu_current(m, page)
  if m.url ~= nil and m.url == page.url then return "page" end
  if m.active then return "true" end
  return nil
end

-- "79 75 50 00" → "tel:+4579755000"
function tel_href(s)
  local d = tostring(s or ""):gsub("[^%d+]", "")
  if d:sub(1, 1) ~= "+" and #d == 8 then d = "+45" .. d end
  return "tel:" .. d
end

-- the accessibility statement: site.params.accessibility (a URL or site path)
function accessibility_url(site)
  local p = site.params and site.params.accessibility
  if nonempty(p) then
    if p:sub(1, 1) == "/" and url then return url(p) end
    return p
  end
  return url and url("/tilgaengelighed/") or "/tilgaengelighed/"
end

-- ---------------------------------------------------------------------------
-- navigation

-- the pages above a page, from the front page down to its parent
function crumbs(page)
  local chain, p, guard = {}, page.parent, 0
  while p ~= nil and guard < 12 do
    table.insert(chain, 1, p)
    p = p.parent
    guard = guard + 1
  end
  -- pages outside the section tree (taxonomies) still start at the front page
  if page.kind ~= "home" and (chain[1] == nil or chain[1].kind ~= "home") and page_at then
    local ok, home = pcall(page_at, "_index.md")
    if ok and home then table.insert(chain, 1, home) end
  end
  return chain
end

-- toc entries of level 2 (and 3 when deep is true)
function toc_entries(page, deep)
  local out = {}
  local toc = page.toc
  if toc == nil then return out end
  for i = 1, #toc do
    local e = toc[i]
    if e.level == 2 or (deep and e.level == 3) then out[#out + 1] = e end
  end
  return out
end

-- ---------------------------------------------------------------------------
-- formats

-- minutes as Danish text: 45 → "45 min.", 60 → "1 t.", 90 → "1 t. 30 min."
function duration(min)
  if min == nil then return nil end
  local n = tonumber(min)
  if n == nil then return tostring(min) end
  n = math.floor(n + 0.5)
  if n < 60 then return n .. " min." end
  local h, m = n // 60, n % 60
  if m == 0 then return h .. " t." end
  return h .. " t. " .. m .. " min."
end

local function months_text(m, unit)
  if unit == "år" then
    local y = m / 12
    if y == math.floor(y) then return tostring(math.floor(y)) end
    return (tostring(y):gsub("%.", ","))
  end
  return tostring(m)
end

-- an age group from months: (0, 6) → "0–6 måneder", (36, 72) → "3–6 år",
-- (6, 36) → "6 måneder–3 år", (72, nil) → "fra 6 år"
function age_label(from, to)
  from, to = tonumber(from), tonumber(to)
  if from == nil and to == nil then return nil end
  local function one(m)
    if m % 12 == 0 and m >= 12 then
      local y = m // 12
      return y .. " år", "år"
    end
    return m .. (m == 1 and " måned" or " måneder"), "mdr"
  end
  if to == nil then return "fra " .. one(from) end
  if from == nil then return "op til " .. one(to) end
  local a, ua = one(from)
  local b, ub = one(to)
  if from == 0 and ub == "år" then return "0–" .. b end
  if ua == ub then
    return a:match("^(%d+)") .. "–" .. b
  end
  return a .. "–" .. b
end

-- a time of day in Danish style: "18:30" → "18.30", "9" → "9.00"
function clock(s)
  if s == nil then return nil end
  s = tostring(s)
  local h, m = s:match("^(%d%d?)[:.](%d%d)")
  if h then return tonumber(h) .. "." .. m end
  h = s:match("^(%d%d?)$")
  if h then return tonumber(h) .. ".00" end
  return s
end

-- reading time from a word count: "Læsetid: 3 min."
function reading_time(words)
  local w = tonumber(words)
  if w == nil or w < 120 then return nil end
  return math.max(1, math.floor(w / 200 + 0.5)) .. " min."
end

-- the text of a contact: a string as it is, or a map with name/title/phone/email
function contact_name(c)
  if c == nil then return nil end
  if type(c) == "string" then return c end
  return c.name or c.navn or c.title
end

-- the contact as a small block of HTML (escaped), for k:html
function contact_html(c)
  if c == nil then return nil end
  if type(c) == "string" then
    local mail = c:match("[%w%._%-]+@[%w%.%-]+%.%a+")
    if mail then
      local before, after = c:match("^(.-)" .. mail:gsub("%p", "%%%0") .. "(.*)$")
      return esc(before) .. '<a href="mailto:' .. esc(mail) .. '">' .. esc(mail) .. "</a>" .. esc(after)
    end
    return esc(c)
  end
  local parts = {}
  local name = c.name or c.navn
  if nonempty(name) then parts[#parts + 1] = "<strong>" .. esc(name) .. "</strong>" end
  local role = c.role or c.title or c.titel
  if nonempty(role) then parts[#parts + 1] = esc(role) end
  local phone = c.phone or c.telefon
  if phone then
    parts[#parts + 1] = '<a href="' .. esc(tel_href(phone)) .. '">' .. esc(phone) .. "</a>"
  end
  local mail = c.email or c.mail
  if nonempty(mail) then
    parts[#parts + 1] = '<a href="mailto:' .. esc(mail) .. '">' .. esc(mail) .. "</a>"
  end
  return table.concat(parts, "<br>")
end

-- titles of a list of pages joined for running text: "A, B og C"
function and_list(list)
  if list == nil then return nil end
  local t = {}
  for i = 1, #list do
    local x = list[i]
    t[#t + 1] = type(x) == "string" and x or x.title
  end
  if #t == 0 then return nil end
  if #t == 1 then return t[1] end
  return table.concat(t, ", ", 1, #t - 1) .. " og " .. t[#t]
end

-- ---------------------------------------------------------------------------
-- finding pages

-- the section page that lists the first page of a list (e.g. the section of
-- the themes: section_of(pages_of("theme")))
function section_of(list)
  if list == nil or #list == 0 then return nil end
  return list[1].parent
end

-- the first of several front matter fields a page has: pick(page, "sagsnr", "case")
function pick(page, ...)
  if page == nil then return nil end
  for i = 1, select("#", ...) do
    local v = page[select(i, ...)]
    if v ~= nil and v ~= "" then return v end
  end
  return nil
end

-- the item before and after page in list (for "previous/next" links)
function neighbours(list, page)
  if list == nil then return nil, nil end
  for i = 1, #list do
    if same(list[i], page) then return list[i - 1], list[i + 1] end
  end
  return nil, nil
end
function prev_of(list, page) local p = neighbours(list, page); return p end
function next_of(list, page) local _, n = neighbours(list, page); return n end

-- the page that shows the interface matrix (front matter `layout: matrix`)
function matrix_page(list, site)
  local all = list or (site and site.pages)
  if all == nil then return nil end
  for i = 1, #all do
    if all[i].layout == "matrix" then return all[i] end
  end
  return nil
end

-- the age group of a pixi guide as text, from whichever fields it has:
-- months (months_from/months_to, from/to, age_from/age_to) or a written `age`
function age_of(p)
  if p == nil then return nil end
  local s = pick(p, "age", "alder", "age_group")
  if type(s) == "string" then return s end
  local a = pick(p, "months_from", "age_from")
  local b = pick(p, "months_to", "age_to")
  if a ~= nil or b ~= nil then return age_label(a, b) end
  return nil
end

-- ---------------------------------------------------------------------------
-- conference programmes

local function minutes_of(s)
  if s == nil then return nil end
  local h, m = tostring(s):match("^(%d%d?)[:.](%d%d)")
  if h then return tonumber(h) * 60 + tonumber(m) end
  h = tostring(s):match("^(%d%d?)$")
  if h then return tonumber(h) * 60 end
  return nil
end

local function hhmm(n)
  return string.format("%d.%02d", (n // 60) % 24, n % 60)
end

-- "kl. 17.00–20.00" from a conference's start/end (or time) fields
function conf_hours(p)
  local s = pick(p, "start", "time", "starttime", "from")
  local e = pick(p, "end", "endtime", "until")
  if s == nil then return nil end
  if e ~= nil then return "kl. " .. clock(s) .. "–" .. clock(e) end
  return "kl. " .. clock(s)
end

local function resolve(x)
  if type(x) == "string" and page_at then
    local ok, p = pcall(page_at, x)
    if ok and p then return p end
  end
  return x
end

-- The rows of a conference programme, whatever form the front matter has:
--   programme: [{time: "17:00", offer: <offer>, title?, presenter?}, ...]
--   programme: [<offer>, ...] or offers: [<offer>, ...] with a `start` time:
--     the times then follow from the offers' durations (plus `break` minutes
--     between items, default 0).
-- Each row: {time, title, url, presenter, presenter_url, themes, room}.
function programme(p)
  local list = pick(p, "programme", "program", "offers", "items")
  local rows = {}
  if list == nil then return rows end
  local t = minutes_of(pick(p, "start", "time", "starttime", "from"))
  local gap = tonumber(pick(p, "break", "pause")) or 0
  for i = 1, #list do
    local it = list[i]
    local offer, row = nil, {}
    if type(it) == "string" then
      local r = resolve(it)
      if type(r) == "string" then row.title = r else offer = r end
    elseif it.url ~= nil and it.title ~= nil and it.offer == nil then
      offer = it                         -- a page (an offer) itself
    else
      offer = resolve(it.offer or it.tilbud)
      if type(offer) == "string" then row.title = offer; offer = nil end
      row.title = it.title or it.titel or row.title
      row.presenter = it.presenter or it.speaker or it.oplaegsholder
      row.room = it.room or it.lokale
      if it.time or it.start or it.tid then
        row.time = clock(it.time or it.start or it.tid)
        if it["end"] then row.time = row.time .. "–" .. clock(it["end"]); row.closed = true end
        t = minutes_of(it.time or it.start or it.tid)
      end
      row.minutes = tonumber(it.duration or it.minutes)
    end
    if offer ~= nil and type(offer) ~= "string" then
      row.title = row.title or offer.title
      row.url = offer.url
      row.minutes = row.minutes or tonumber(offer.duration)
      if row.presenter == nil and offer.role ~= nil and type(offer.role) ~= "string" then
        row.presenter = offer.role.title
        row.presenter_url = offer.role.url
      end
      if offer.themes ~= nil and #offer.themes > 0 then row.themes = and_list(offer.themes) end
    end
    if row.time ~= nil and not row.closed and row.minutes and t ~= nil then
      row.time = hhmm(t) .. "–" .. hhmm(t + row.minutes)
    elseif row.time == nil and t ~= nil then
      row.time = hhmm(t)
      if row.minutes then row.time = row.time .. "–" .. hhmm(t + row.minutes) end
    end
    if t ~= nil and row.minutes then t = t + row.minutes + gap end
    rows[#rows + 1] = row
  end
  return rows
end

-- a readable name of a page's content type, for card kickers on mixed lists
local type_names = {
  catalog = "Katalog", group = "Kernegruppe", proposal = "Forslag", theme = "Tema",
  stage = "Livsfase", role = "Oplægsholder", offer = "Tilbud", conference = "Forældrekonference",
  pixi = "Pixi-guide", news = "Nyhed", page = nil,
}
function type_title(p)
  if p == nil then return nil end
  return type_names[p.type]
end

-- The first paragraph of a rendered body (for a lead), and the rest.
-- Only splits when the body starts with a <p>; otherwise the lead is nil.
function lead_html(html)
  if type(html) ~= "string" then return nil end
  local s = html:match("^%s*(<p>.-</p>)")
  return s
end
function rest_html(html)
  if type(html) ~= "string" then return "" end
  local lead = lead_html(html)
  if lead == nil then return html end
  local _, e = html:find(lead, 1, true)
  return html:sub(e + 1)
end

-- the page of the output catalog: the section or page whose type is "catalog"
function catalog_page(site)
  local secs = site.sections
  if secs then
    for _, s in pairs(secs) do
      if s.type == "catalog" then return s end
    end
  end
  local l = pages_of and pages_of("catalog")
  if l and #l > 0 then return l[1] end
  return nil
end

-- the string with its first letter in upper case ("oplæg" → "Oplæg")
function cap(s)
  if type(s) ~= "string" or s == "" then return s end
  local first = s:match("^[%z\1-\127\194-\244][\128-\191]*")
  local up = ({ ["æ"] = "Æ", ["ø"] = "Ø", ["å"] = "Å", ["é"] = "É" })[first] or first:upper()
  return up .. s:sub(#first + 1)
end

-- A booklet's page count and size as its download link shows them:
-- "24 sider, 180 kB".
function download_figures(b)
  return plural(b.pages, 'side', 'sider') .. ', ' .. b.size
end

-- The accessible name of a booklet's download link: the visible words,
-- then the figures, read as one phrase ("Hent som PDF, 24 sider, 180 kB").
function download_name(b)
  return t('download_pdf') .. ', ' .. download_figures(b)
end

-- The groups of the /hent/ page, in order, each {title=, items=}: the pixi
-- guides by age, the catalogs, the conference programmes, the strategy and
-- anything else, by the section of each booklet's first page.
local download_groups = {
  { key = 'pixi', title = 'download_group_pixi' },
  { key = 'catalogs', title = 'download_group_catalogs' },
  { key = 'konferencer', title = 'download_group_programmes' },
  { key = 'strategi', title = 'download_group_strategy' },
  { key = 'other', title = 'download_group_other' },
}
local download_group_of = { pixi = 'pixi', outputkatalog = 'catalogs', temaer = 'catalogs',
  tilbud = 'catalogs', konferencer = 'konferencer', strategi = 'strategi' }

function booklet_groups(site)
  local by = {}
  for _, b in ipairs(site.booklets or {}) do
    local key = download_group_of[b.home and b.home.section or ''] or 'other'
    by[key] = by[key] or {}
    table.insert(by[key], b)
  end
  local out = {}
  for _, g in ipairs(download_groups) do
    if by[g.key] then
      table.insert(out, { key = g.key, title = t(g.title), items = by[g.key] })
    end
  end
  return out
end

-- Pages search engines should not list: the 404 page (served at every
-- address that does not exist) and a page whose front matter says
-- `noindex: true`. They get <meta name="robots" content="noindex"> and no
-- canonical link (a canonical would name an address that is no page).
function noindex(page)
  return page.type == '404' or (page.params and page.params.noindex == true)
end

-- The items a list page shows: its part of the list when site.yaml's
-- `paginate` splits the list (page.pager), else the whole list. The model
-- sorts lists newest first within equal weights, as the news list wants.
function list_items(page)
  if page.pager then return page.pager.pages end
  return page.pages
end

-- the way from a page's folder back to the site's root ("../" from
-- /soeg/), so that a page can name the site's files relatively and work
-- opened from the disk (file://) as well as from the server
function root_of(page)
  local depth = select(2, tostring(page.url):gsub("/", "")) - 1
  return string.rep("../", math.max(depth, 0))
end

-- a site URL made relative to the page (url("/x/") → "../x/" from /soeg/)
function relative(page, u)
  return root_of(page) .. tostring(u):gsub("^/", "")
end
