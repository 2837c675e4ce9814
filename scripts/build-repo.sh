#!/usr/bin/env bash
# The blade repository (issue #14; the installation guide's ServiceLink and Blades panel): a
# signed apt repository of the .deb files given, made by Debian's apt-ftparchive and signed by gpg.
#   scripts/build-repo.sh [--debs DIR] [--key-dir DIR] [--out DIR]
# --debs     the packages (default dist/, its *.deb)
# --key-dir  a GnuPG home holding the signing key (default .openoig/repo-key). When it holds none,
#            a new ed25519 key without a passphrase is made there: the lab's. A product's key is
#            its vendor's, kept off the build host but for this step.
# --out      the repository (default dist/repo), replaced whole:
#              pool/main/*.deb
#              dists/stable/{Release,InRelease,Release.gpg}
#              dists/stable/main/binary-{all,i386,amd64}/Packages{,.gz}
#              openoig-archive-keyring.gpg   the public key, which the appliance names in Signed-By
# The lab licensing server serves it as ServiceLink (lab/src/amc/servicelink.ts).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "${REPO}/scripts/lib/log.sh"
# shellcheck source=scripts/lib/repo-key.sh
source "${REPO}/scripts/lib/repo-key.sh"

DEBS="${REPO}/dist"
KEY_DIR="${REPO}/.openoig/repo-key"
OUT="${REPO}/dist/repo"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --debs) DEBS="$2"; shift 2 ;;
    --key-dir) KEY_DIR="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) die "unknown argument: $1 (usage: $0 [--debs DIR] [--key-dir DIR] [--out DIR])" ;;
  esac
done

if ! command -v apt-ftparchive >/dev/null; then
  [[ "$(id -u)" -eq 0 ]] || die "apt-ftparchive is missing; as root: apt-get install -y apt-utils"
  log_info "installing apt-utils"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends apt-utils >/dev/null
fi

shopt -s nullglob
debs=("${DEBS}"/*.deb)
((${#debs[@]} > 0)) || die "no .deb in ${DEBS}: build the blade first (npm run blade)"

fingerprint="$(repo_key_ensure "${KEY_DIR}")"
gpg_() { repo_gpg "${KEY_DIR}" "$@"; }

install -d "$(dirname "${OUT}")"
# Built beside the target and swapped in whole, so a server reading it never sees half a repository.
staging="$(mktemp -d "$(dirname "${OUT}")/.repo.XXXXXX")"
trap 'rm -rf "${staging}"' EXIT
install -d "${staging}/pool/main" "${staging}/dists/stable/main"
cp "${debs[@]}" "${staging}/pool/main/"
(
  cd "${staging}"
  for arch in all i386 amd64; do
    install -d "dists/stable/main/binary-${arch}"
    apt-ftparchive packages pool/main > "dists/stable/main/binary-${arch}/Packages"
    gzip -9n --keep "dists/stable/main/binary-${arch}/Packages"
  done
  apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=OpenOIG \
    -o APT::FTPArchive::Release::Label="OpenOIG blades" \
    -o APT::FTPArchive::Release::Suite=stable \
    -o APT::FTPArchive::Release::Codename=stable \
    -o APT::FTPArchive::Release::Architectures="all i386 amd64" \
    -o APT::FTPArchive::Release::Components=main \
    -o APT::FTPArchive::Release::Description="OpenOIG blades (ServiceLink)" \
    release dists/stable > Release.new
  mv Release.new dists/stable/Release
)
gpg_ --local-user "${fingerprint}" --digest-algo SHA512 --clearsign --output "${staging}/dists/stable/InRelease" "${staging}/dists/stable/Release"
gpg_ --local-user "${fingerprint}" --digest-algo SHA512 --armor --detach-sign --output "${staging}/dists/stable/Release.gpg" "${staging}/dists/stable/Release"
gpg_ --export "${fingerprint}" > "${staging}/openoig-archive-keyring.gpg"
chmod -R a+rX "${staging}"

rm -rf "${OUT}.old"
[[ -e "${OUT}" ]] && mv "${OUT}" "${OUT}.old"
mv "${staging}" "${OUT}"
rm -rf "${OUT}.old"
trap - EXIT
log_info "repository ${OUT}: ${#debs[@]} package(s), signed by ${fingerprint}"
printf '%s\n' "${OUT}"
