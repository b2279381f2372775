# A new pixi guide, whole and correct, that nobody added under booklets:.
sed 's/^title: .*/title: Den nye pixi-guide/' content/pixi/pixi-3-6-aar.md > content/pixi/pixi-ny.md
