#!/usr/bin/env bash
# Installs from Debian's packages the host tools that the image build uses and
# that are missing. Exits at once when everything is there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "${here}/lib/log.sh"

# Only what the pipeline runs. The guest's own tools (grub, zstd, ...) come from
# the image's packages, and grub-mkimage runs inside the root filesystem.
packages=(
  mmdebstrap      # stage 1: root filesystem
  arch-test       # mmdebstrap: can this host run the target architecture's binaries
  fdisk           # stage 1: sfdisk partitions the disk image file
  e2fsprogs       # stage 1: mke2fs -d fills the ext4 root from a directory
  qemu-utils      # qemu-img: qcow2 and VMDK
  qemu-system-x86 # qemu-system-i386/x86_64: boot checks and Packer's qemu builder
  packer          # stage 2: provisioning (Debian's 1.6.6)
  openssh-client  # the per-build key and SSH into the guest
  shellcheck      # lint of these scripts
  # the image tests (npm run image:test)
  xorriso         # the OVF environment ISO that first boot reads (the OVF ISO transport)
  python3-pexpect # the scripted terminal on the serial console (the first-boot wizard)
  python3-pyte    # its screen: whiptail draws by cursor moves, so text is matched on the screen
)

missing=()
for pkg in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  log_info "build tools: all present"
  exit 0
fi

require_root
export DEBIAN_FRONTEND=noninteractive

log_info "build tools missing: ${missing[*]}"
update_log="$(mktemp)"
trap 'rm -f "$update_log"' EXIT

# A mirror mid-sync (seen on bookworm-security) fails one index; apt keeps the
# others, so go on and let the install say whether anything is really missing.
if ! apt-get update >"$update_log" 2>&1; then
  log_warn "apt-get update reported failures; going on with the indexes that did load:"
  grep -E '^(E|W|Err):' "$update_log" >&2 || cat "$update_log" >&2
  if grep -q -- '-security' "$update_log"; then
    log_warn "a -security index is missing or broken on the mirror; security updates may not be current"
  fi
fi

apt-get install -y --no-install-recommends "${missing[@]}"
log_info "build tools installed: ${missing[*]}"
