#!/usr/bin/env bash
# Builds the gateway blade: dist/openoig-gateway_<version>_all.deb (architecture all: the
# service is bundled pure JavaScript and runs on Debian's Node.js, i386 or amd64).
#   scripts/build-blade.sh [--out DIR] [--key-dir DIR]
# --key-dir: the blade repository's key (default .openoig/repo-key, made when missing; see
# build-repo.sh): the package carries its public half for ServiceLink.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "${REPO}/scripts/lib/log.sh"
# shellcheck source=scripts/lib/repo-key.sh
source "${REPO}/scripts/lib/repo-key.sh"

OUT="${REPO}/dist"
KEY_DIR="${REPO}/.openoig/repo-key"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --key-dir) KEY_DIR="$2"; shift 2 ;;
    *) die "unknown argument: $1 (usage: $0 [--out DIR] [--key-dir DIR])" ;;
  esac
done

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (apt-get install dpkg)"
[[ -x "${REPO}/node_modules/.bin/esbuild" ]] || die "esbuild is missing: run npm ci first"

VERSION="$(node -p "require('${REPO}/service/package.json').version")"
STAGING="$(mktemp -d)"
trap 'rm -rf "${STAGING}"' EXIT
ROOT="${STAGING}/root"

stage_begin "blade ${VERSION}: bundle"
install -d "${ROOT}/usr/lib/openoig-gateway"
# The appliance never starts the embedded PostgreSQL, and pg-native is an optional native addon.
"${REPO}/node_modules/.bin/esbuild" "${REPO}/service/src/main.ts" --bundle --platform=node --target=node20 \
  --format=esm --outfile="${ROOT}/usr/lib/openoig-gateway/main.mjs" --legal-comments=none --log-level=warning \
  --external:pg-native --external:embedded-postgres \
  --banner:js="import { createRequire as __openoigRequire } from 'node:module'; const require = __openoigRequire(import.meta.url);"
cp -r "${REPO}/service/migrations" "${ROOT}/usr/lib/openoig-gateway/migrations"
# The privileged helper, bundled the same way (pure JavaScript: tar, age, pino).
"${REPO}/node_modules/.bin/esbuild" "${REPO}/appliance/helper/src/main.ts" --bundle --platform=node --target=node20 \
  --format=esm --outfile="${ROOT}/usr/lib/openoig-gateway/helper.mjs" --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __openoigRequire } from 'node:module'; const require = __openoigRequire(import.meta.url);"
stage_end

stage_begin "blade ${VERSION}: files"
install -D -m 0755 "${REPO}/appliance/libexec/openoig-gateway" "${ROOT}/usr/libexec/openoig/openoig-gateway"
install -D -m 0755 "${REPO}/appliance/libexec/openoig-firstboot-secrets" "${ROOT}/usr/libexec/openoig/openoig-firstboot-secrets"
install -D -m 0755 "${REPO}/appliance/libexec/openoig-helper" "${ROOT}/usr/libexec/openoig/openoig-helper"
# Technicians run the helper by name (backup, list, restore), so it is on root's PATH.
install -d -m 0755 "${ROOT}/usr/sbin"
ln -s ../libexec/openoig/openoig-helper "${ROOT}/usr/sbin/openoig-helper"
for unit in openoig-helper.socket openoig-helper.service openoig-helper-schedule.service openoig-helper-schedule.timer openoig-firewall.service; do
  install -D -m 0644 "${REPO}/appliance/systemd/${unit}" "${ROOT}/usr/lib/systemd/system/${unit}"
done
install -D -m 0644 "${REPO}/appliance/systemd/openoig-gateway.service" "${ROOT}/usr/lib/systemd/system/openoig-gateway.service"
install -D -m 0644 "${REPO}/appliance/systemd/openoig-firstboot.service" "${ROOT}/usr/lib/systemd/system/openoig-firstboot.service"
install -D -m 0644 "${REPO}/appliance/etc/openoig/gateway.env" "${ROOT}/etc/openoig/gateway.env"
install -D -m 0644 "${REPO}/appliance/nginx/openoig.conf" "${ROOT}/etc/nginx/sites-available/openoig.conf"
install -D -m 0644 "${REPO}/service/README.md" "${ROOT}/usr/share/doc/openoig-gateway/README.md"
install -D -m 0644 "${REPO}/appliance/helper/README.md" "${ROOT}/usr/share/doc/openoig-gateway/helper.md"
# The blade repository's public key (scripts/build-repo.sh signs with its secret half): the only
# key the appliance trusts for ServiceLink.
fingerprint="$(repo_key_ensure "${KEY_DIR}")"
install -d -m 0755 "${ROOT}/usr/share/keyrings"
repo_gpg "${KEY_DIR}" --export "${fingerprint}" > "${ROOT}/usr/share/keyrings/openoig-archive-keyring.gpg"
chmod 0644 "${ROOT}/usr/share/keyrings/openoig-archive-keyring.gpg"
stage_end

stage_begin "blade ${VERSION}: admin UI"
# Built from source every time, so the blade never carries a stale UI (gateway.env points at it).
(cd "${REPO}" && npm run --silent build -w @openoig/admin-ui -- --logLevel warn)
[[ -f "${REPO}/admin-ui/dist/index.html" ]] || die "the admin UI build made no admin-ui/dist/index.html"
install -d "${ROOT}/usr/share/openoig-gateway/admin-ui"
cp -r "${REPO}/admin-ui/dist/." "${ROOT}/usr/share/openoig-gateway/admin-ui/"
stage_end

stage_begin "blade ${VERSION}: package"
install -d -m 0755 "${ROOT}/DEBIAN"
installed_kib="$(du -sk --exclude=DEBIAN "${ROOT}" | cut -f1)"
sed -e "s/@VERSION@/${VERSION}/" -e "s/@INSTALLED_SIZE@/${installed_kib}/" "${REPO}/appliance/blade/DEBIAN/control.in" > "${ROOT}/DEBIAN/control"
for script in postinst prerm postrm; do
  install -m 0755 "${REPO}/appliance/blade/DEBIAN/${script}" "${ROOT}/DEBIAN/${script}"
done
printf '%s\n' /etc/openoig/gateway.env /etc/nginx/sites-available/openoig.conf > "${ROOT}/DEBIAN/conffiles"
mkdir -p "${OUT}"
DEB="${OUT}/openoig-gateway_${VERSION}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "${ROOT}" "${DEB}" >/dev/null
stage_end
log_info "built ${DEB} ($(du -h "${DEB}" | cut -f1))"
printf '%s\n' "${DEB}"
