#!/usr/bin/env bash
# `npm run image`: the whole appliance pipeline on a Debian 12 host, as root.
#   scripts/build-image.sh [--arch i386|amd64] [--reuse-base-disk] [--sha1-manifest]
# (default i386, the product's appliance; --reuse-base-disk keeps an existing stage-1 disk,
# for iterating on later stages; --sha1-manifest for ESXi releases that read only SHA1)
# Stages: build tools → gateway blade (.deb) → base disk (mmdebstrap) → Packer provisioning
# (QEMU: KVM when it can run the guest, else TCG) → OVA. Prints each stage with its time.
# Result: dist/openoig-<version>-<arch>.ova
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "${REPO}/scripts/lib/log.sh"

ARCH=i386
REUSE_BASE=false
MANIFEST_OPTION=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --reuse-base-disk) REUSE_BASE=true; shift ;;
    --sha1-manifest) MANIFEST_OPTION=(--sha1); shift ;;
    *) die "unknown argument: $1 (usage: $0 [--arch i386|amd64] [--reuse-base-disk] [--sha1-manifest])" ;;
  esac
done
[[ -f "${REPO}/scripts/variants/${ARCH}.env" ]] || die "no variant '${ARCH}' (scripts/variants/)"
require_root

BUILD="${REPO}/dist/build/${ARCH}"
QEMU_SYSTEM="$(sed -n 's/^QEMU_SYSTEM=//p' "${REPO}/scripts/variants/${ARCH}.env")"
VERSION="$(node -p "require('${REPO}/service/package.json').version")"
started="$(date +%s)"

# KVM when it can run the guest, else TCG. On the machines this project builds on, /dev/kvm
# is a nested backend that cannot run the 32-bit guest (KVM internal error under KASLR, shared
# notes) and hangs the amd64 guest after GRUB, so this is detected, not assumed: the base disk
# is booted under KVM and must reach sshd (its banner on the forwarded port) within
# OIG_KVM_PROBE_SECONDS (default 30; a working KVM reaches sshd in well under that). OIG_ACCELERATOR=tcg|kvm skips the probe.
kvm_boots_guest() {
  [[ -w /dev/kvm ]] || return 1
  local port pid banner="" deadline
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  "${QEMU_SYSTEM}" -accel kvm -machine pc -m 1024 -smp 2 -snapshot -display none -monitor none -serial none \
    -drive "file=${BUILD}/base.qcow2,format=qcow2,if=ide" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22" -device e1000,netdev=n0 >/dev/null 2>"${BUILD}/kvm-probe.log" &
  pid=$!
  deadline=$(($(date +%s) + ${OIG_KVM_PROBE_SECONDS:-30}))
  while [[ "$(date +%s)" -lt "${deadline}" ]] && kill -0 "${pid}" 2>/dev/null; do
    # QEMU stops the guest but stays alive on a KVM internal error: no need to wait it out.
    grep -q 'internal error' "${BUILD}/kvm-probe.log" 2>/dev/null && break
    banner="$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/${port} && head -c 7 <&3" 2>/dev/null || true)"
    [[ "${banner}" == SSH-2.0 ]] && break
    sleep 2
  done
  kill "${pid}" 2>/dev/null || true
  wait "${pid}" 2>/dev/null || true
  [[ "${banner}" == SSH-2.0 ]]
}

choose_accelerator() {
  case "${OIG_ACCELERATOR:-auto}" in
    tcg) printf 'tcg\n' ;;
    kvm) [[ -w /dev/kvm ]] || die "OIG_ACCELERATOR=kvm but /dev/kvm is not usable"; printf 'kvm\n' ;;
    auto) if kvm_boots_guest; then printf 'kvm\n'; else printf 'tcg\n'; fi ;;
    *) die "OIG_ACCELERATOR must be auto, tcg or kvm" ;;
  esac
}

stage_begin "build tools"
bash "${REPO}/scripts/install-build-tools.sh"
bash "${REPO}/scripts/enable-foreign-binaries.sh" --arch "${ARCH}"
stage_end

stage_begin "gateway blade"
DEB="$(bash "${REPO}/scripts/build-blade.sh" --out "${REPO}/dist" | tail -n 1)"
stage_end

stage_begin "stage 1: base disk (${ARCH})"
if [[ "${REUSE_BASE}" == true && -f "${BUILD}/base.qcow2" ]]; then
  log_info "reusing ${BUILD}/base.qcow2"
else
  bash "${REPO}/scripts/build-base-disk.sh" --arch "${ARCH}" --out "${BUILD}"
fi
stage_end

stage_begin "stage 2: Packer provisioning"
log_info "choosing the QEMU accelerator (KVM only if it boots this guest)..."
ACCEL="$(choose_accelerator)"
log_info "QEMU accelerator: ${ACCEL}"
# No call home to HashiCorp's checkpoint service: only Debian's mirror is reachable.
CHECKPOINT_DISABLE=1 PACKER_NO_COLOR=1 PACKER_CACHE_DIR="${BUILD}/packer_cache" packer build -force -color=false \
  -var-file="${REPO}/packer/${ARCH}.pkrvars.hcl" \
  -var "accelerator=${ACCEL}" \
  -var "base_disk=${BUILD}/base.qcow2" \
  -var "blade_deb=${DEB}" \
  -var "ssh_private_key_file=${BUILD}/build-ssh/id_ed25519" \
  -var "output_dir=${BUILD}/packer" \
  -var "serial_log=${BUILD}/packer-serial.log" \
  "${REPO}/packer"
stage_end

stage_begin "stage 3: OVA"
OVA="$(bash "${REPO}/scripts/make-ova.sh" --disk "${BUILD}/packer/openoig-${ARCH}.qcow2" --arch "${ARCH}" --version "${VERSION}" --out "${REPO}/dist" "${MANIFEST_OPTION[@]}" | tail -n 1)"
stage_end

log_info "image: ${OVA} ($(du -h "${OVA}" | cut -f1)) in $(($(date +%s) - started)) s"
