#!/bin/sh
# make bench: run every benchmark under tests/bench and print its figures.
set -eu
cd "$(dirname "$0")/.."
for b in tests/bench/bench_*.py; do
	echo "== ${b##*/}"
	/usr/bin/python3 "$b"
done
