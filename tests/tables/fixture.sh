# fixture.sh SITE: adds three pages with wide tables to a copy of the
# bundled site, each printed as its own A5 booklet (layout katalog):
#   tabel-mindre    seven columns of long words: too wide at the table
#                   style's 8.5 pt, they fit a step or more smaller
#   tabel-landskab  eight longer ones: too wide even at 6.5 pt, they go
#                   on a page turned sideways
#   tabel-for-bred  a word too long for any page: broken, with a warning
site=$1
mkdir -p "$site/content/tabeller"
intro='Tabellen herunder viser, hvem der gør hvad i de forskellige faser af barnets liv. Den er lavet til at blive printet og hængt op i personalerummet, så alle kan se, hvem de skal kontakte.

Hver kolonne er en faggruppe, og hver række er en fase. Er der tvivl om, hvem der har ansvaret, så spørg den kernegruppe, som forslaget kommer fra.

Tabellen bliver opdateret, når kernegrupperne har holdt deres næste møde.'
row7='| Jordemoderen | Tandplejen | Dagplejeren | Biblioteket | Klasselæreren | Skolelægen | Ungdomsskolen |'
cat > "$site/content/tabeller/mindre.md" <<EOT
---
title: Faggrupper i barnets liv
---
$intro

| Graviditet | Spædbarn | Vuggestue | Børnehave | Skolestart | Mellemtrin | Udskoling |
|---|---|---|---|---|---|---|
$row7
$row7
EOT
row11='| Sundhedsplejerske | Dagplejepædagog | Børnehaveklasseleder | Sundhedskonsulent | Familierådgiver | Uddannelsesvejleder | Idrætskonsulent | Talepædagog |'
cat > "$site/content/tabeller/landskab.md" <<EOT
---
title: Alle faggrupper i barnets liv
---
$intro

| Graviditet | Spædbarn | Vuggestue | Børnehave | Skolestart | Indskoling | Mellemtrin | Udskoling |
|---|---|---|---|---|---|---|---|
$row11
$row11
$row11

Efter tabellen følger teksten som på enhver anden side. $intro

$intro

$intro
EOT
cat > "$site/content/tabeller/for-bred.md" <<EOT
---
title: En tabel med et alt for langt ord
---
$intro

| Ord | Forklaring |
|---|---|
| Børnehaveklasselederuddannelsesvejledningssamtaleforberedelsesmødeindkaldelsesskrivelsesudkastgennemlæsningsrundebørnehaveklasselederuddannelsesvejledningssamtaleforberedelsesmødeindkaldelsesskrivelse | Et ord, der er længere end nogen side. |
EOT
for n in mindre landskab for-bred; do
  cat >> "$site/content/site.yaml" <<EOT
  - name: tabel-$n
    layout: katalog
    title: Tabeller
    author: Hedensted Kommune
    subject: Prøve på brede tabeller
    pages: [tabeller/$n.md]
EOT
done
