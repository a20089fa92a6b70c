#!/usr/bin/env bash
# Rebuilds the training corpus (../shared/corpus, read by dev.specula.train.data.Corpus) from Debian
# packages, on a Debian machine with apt sources for bookworm. The build never runs it.
#   train/src/main/scripts/rebuild-corpus.sh OUT_DIR    writes OUT_DIR/installation-guide/<lang>.tsv and
#                                                            OUT_DIR/debian-reference/<lang>.txt
# Needs apt-get (download only: nothing is installed), dpkg-deb, gzip and python3.
# Sources, both GPL (their copyright files are copied beside the data as COPYRIGHT.<source>.txt):
#   installation-guide-amd64 20230508+deb12u1: the html book in 19 languages,
#     /usr/share/doc/installation-guide-amd64/<lang>/*.html. Converted to one paragraph a line,
#     "<source html file>\t<paragraph>": the text of each p, dt, td, th, h1..h5 and title element (the innermost
#     one, whitespace collapsed to single spaces), at least 40 characters, not starting with "Prev" or "Next"
#     (the navigation bar), first occurrence per file only (headers repeat), files in name order.
#   debian-reference-{en,de,fr,es,it,ja,pt,zh-cn} 2.100: the package ships the plain-text book,
#     /usr/share/debian-reference/debian-reference.<lang>.txt.gz, used as is (gunzipped) as <lang>.txt.
# With these versions the output is byte for byte the files in ../shared/corpus (checked: `diff -r`). Other
# versions (VERSION_GUIDE, VERSION_REFERENCE in the environment, "" for the candidate) give a corpus whose held-out
# list (HeldOutSplit.DEFAULT) may need a look: the tests check every held-out file exists in every language.
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT_DIR  (OUT_DIR: where installation-guide/ and debian-reference/ are written)" >&2
  exit 2
fi
out="$1"
version_guide="${VERSION_GUIDE-20230508+deb12u1}"
version_reference="${VERSION_REFERENCE-2.100}"
reference_languages=(en de fr es it ja pt zh-cn)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pin() { # package, version ("" for the candidate)
  if [[ -n "$2" ]]; then echo "$1=$2"; else echo "$1"; fi
}

packages=("$(pin installation-guide-amd64 "$version_guide")")
for lang in "${reference_languages[@]}"; do
  packages+=("$(pin "debian-reference-$lang" "$version_reference")")
done
(cd "$work" && apt-get download "${packages[@]}")
mkdir -p "$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done

guide_in="$work/root/usr/share/doc/installation-guide-amd64"
guide_out="$out/installation-guide"
mkdir -p "$guide_out"
cp "$guide_in/copyright" "$guide_out/COPYRIGHT.installation-guide.txt"
for dir in "$guide_in"/*/; do
  lang="$(basename "$dir")"
  [[ -e "$dir/index.html" ]] || continue # images/ and the like are not languages
  python3 - "$dir" > "$guide_out/$lang.tsv" <<'PY'
import os
import sys
from html.parser import HTMLParser

BLOCKS = {"p", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "title"}
MIN_CHARS = 40  # shorter ones are labels ("Table of Contents", "Note"), not prose


class Paragraphs(HTMLParser):
    """Text of the innermost block element around each piece of text, whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.open.append([])

    def handle_endtag(self, tag):
        if tag in BLOCKS and self.open:
            text = " ".join("".join(self.open.pop()).split())
            if len(text) >= MIN_CHARS and not text.startswith(("Prev", "Next")):
                self.found.append(text)

    def handle_data(self, data):
        if self.open:
            self.open[-1].append(data)


folder = sys.argv[1]
out = sys.stdout
for name in sorted(f for f in os.listdir(folder) if f.endswith(".html")):
    parser = Paragraphs()
    with open(os.path.join(folder, name), encoding="utf-8") as html:
        parser.feed(html.read())
    parser.close()
    seen = set()
    for text in parser.found:
        if text not in seen:
            seen.add(text)
            out.write(name + "\t" + text + "\n")
PY
done

reference_in="$work/root/usr/share/debian-reference"
reference_out="$out/debian-reference"
mkdir -p "$reference_out"
cp "$work/root/usr/share/doc/debian-reference-en/copyright" "$reference_out/COPYRIGHT.debian-reference.txt"
for lang in "${reference_languages[@]}"; do
  gzip -dc "$reference_in/debian-reference.$lang.txt.gz" > "$reference_out/$lang.txt"
done
echo "corpus written to $out: $(ls "$guide_out"/*.tsv | wc -l) guide languages, ${#reference_languages[@]} reference languages"
