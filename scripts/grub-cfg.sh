#!/bin/sh
# Render the GRUB menu from its template: grub-cfg.sh TEMPLATE ROOTARGS [RELEASE]
# ROOTARGS is added to every kernel command line (empty for the CD, root=UUID=... on disk);
# RELEASE is the release file to take version and builder from (default /etc/xenolith-release).
set -eu
template=${1:?usage: grub-cfg.sh TEMPLATE ROOTARGS [RELEASE]}
rootargs=${2-}
release=${3:-/etc/xenolith-release}
[ -r "$template" ] || { echo "grub-cfg.sh: error: $template: cannot read the template" >&2; exit 1; }
[ -r "$release" ] || { echo "grub-cfg.sh: error: $release: cannot read the release file" >&2; exit 1; }
# shellcheck disable=SC1090
. "$release"
export XENOLITH_VERSION XENOLITH_TITLE="Xenolith $XENOLITH_VERSION ($XENOLITH_BUILDER)" \
	XENOLITH_ROOTARGS="$rootargs"
awk 'function val(name,  v) { v = ENVIRON[name]; gsub(/[\\&]/, "\\\\&", v); return v }
{
	gsub(/@VERSION@/, val("XENOLITH_VERSION"));
	gsub(/@TITLE@/, val("XENOLITH_TITLE"));
	gsub(/@ROOTARGS@/, val("XENOLITH_ROOTARGS"));
	print
}' "$template"
