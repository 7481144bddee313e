#!/bin/sh
# Install the manual (docs/*.md) into DEST with an index page for the web server on port 80.
# Usage: scripts/install-docs.sh DOCS DEST
set -eu
src=${1:?usage: install-docs.sh DOCS DEST}
dest=${2:?usage: install-docs.sh DOCS DEST}
rm -rf "$dest"
mkdir -p "$dest"
cp "$src"/*.md "$dest/"
printf '.md:text/plain; charset=utf-8\n' > "$dest/httpd.conf"
{
	printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Xenolith manual</title></head>\n'
	printf '<body><h1>Xenolith manual</h1>\n<ul>\n'
	for f in "$dest"/*.md; do
		name=${f##*/}
		title=$(sed -n 's/^# //p' "$f" | head -n 1)
		printf '<li><a href="%s">%s</a></li>\n' "$name" "${title:-$name}"
	done
	printf '</ul></body></html>\n'
} > "$dest/index.html"
