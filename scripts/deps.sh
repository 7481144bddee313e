#!/bin/sh
# Install the Debian packages the build host lacks; silent when nothing is missing.
# Usage: scripts/deps.sh   (as root on Debian 12)
set -eu
cd "$(dirname "$0")/.."
. scripts/lib.sh

wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' scripts/host-packages)
missing=
for p in $wanted; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

[ "$(id -u)" = 0 ] || die "missing packages:$missing (run scripts/deps.sh as root)"
log "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
