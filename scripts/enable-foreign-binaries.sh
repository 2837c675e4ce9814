#!/usr/bin/env bash
# Makes sure this host can run the target architecture's binaries, which stage 1 needs
# (mmdebstrap runs the packages' maintainer scripts, grub-mkimage runs in the chroot).
#   scripts/enable-foreign-binaries.sh --arch i386|amd64
# An amd64 kernel usually runs i386 natively; some kernels have 32-bit emulation switched off
# ("32-bit emulation disabled" in dmesg, ia32_emulation=off). Then Debian's qemu-user-static
# runs them through binfmt_misc instead, which is slower but gives the same root filesystem.
# Exits at once when the architecture already runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "${here}/lib/log.sh"

ARCH=""
while (($# > 0)); do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    *) die "unknown argument: $1 (usage: $0 --arch i386|amd64)" ;;
  esac
done
[[ -n "${ARCH}" ]] || die "usage: $0 --arch i386|amd64"

if arch-test -n "${ARCH}" >/dev/null 2>&1; then
  log_info "${ARCH} binaries run natively on this host"
  exit 0
fi
if arch-test "${ARCH}" >/dev/null 2>&1; then
  log_info "${ARCH} binaries run on this host through binfmt_misc"
  exit 0
fi

require_root
# Debian's name for the emulator of each architecture.
case "${ARCH}" in
  i386) emulator=qemu-i386 ;;
  amd64) emulator=qemu-x86_64 ;;
  *) die "no emulator known for ${ARCH}" ;;
esac
log_warn "this host's kernel cannot run ${ARCH} binaries natively; using ${emulator} from qemu-user-static through binfmt_misc (stage 1 is slower)"

if ! grep -q ' /proc/sys/fs/binfmt_misc ' /proc/mounts; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc; run the build on a host whose kernel runs ${ARCH} binaries"
fi

missing=()
for pkg in qemu-user-static binfmt-support; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]]; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
    # Stale or absent package lists: refresh them once, tolerating a broken index as install-build-tools.sh does.
    apt-get update || log_warn "apt-get update reported failures; going on with the indexes that did load"
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# Debian's package leaves out the formats of the host's own family (i386 and amd64 on an amd64
# host), assuming the kernel runs them, so register the one needed here. The kernel reads the
# \x escapes itself; F opens the emulator now, so it also works inside the build chroot.
if [[ ! -e "/proc/sys/fs/binfmt_misc/${emulator}" ]]; then
  case "${ARCH}" in
    i386)
      magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
      mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
      ;;
    amd64)
      magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00'
      mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
      ;;
  esac
  printf ':%s:M::%s:%s:/usr/bin/%s-static:OCF' "${emulator}" "${magic}" "${mask}" "${emulator}" >/proc/sys/fs/binfmt_misc/register
fi
arch-test "${ARCH}" >/dev/null 2>&1 || die "${ARCH} binaries still do not run on this host (see /proc/sys/fs/binfmt_misc/${emulator})"
log_info "${ARCH} binaries run through ${emulator}"
