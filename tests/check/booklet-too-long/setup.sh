# Forty more paragraphs under the last theme: more than the pixi layout's
# 24 pages hold. Only laying the booklet out finds it; check does.
for i in $(seq 40); do
  printf '\nEt langt afsnit om gode omgangsformer, der bliver ved og ved, så siderne i den lille pixi-bog ikke længere kan rumme det hele, og bogen vokser ud over sine fireogtyve sider.\n' >> content/pixi/pixi-3-6-aar.md
done
