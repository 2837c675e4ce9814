#!/usr/bin/env bash
# Boots the base disk of stage 1 in QEMU and checks it from outside over SSH.
#
#   scripts/check-base-disk.sh [--arch i386|amd64] [--out DIR]
#
# DIR is the build-base-disk.sh output (default dist/build/<arch>). The disk is
# booted with -snapshot (left unchanged), 1 GiB, 2 vCPU, IDE disk and E1000 NIC
# as Packer and vSphere use, serial console to DIR/check-serial.log, and one
# forward: 127.0.0.1:<free port> to the guest's SSH. Logs in as the build
# account with the build key, prints each result and the boot-to-SSH time, and
# exits non-zero when a check fails. Runs under TCG: on these build machines
# KVM cannot run the 32-bit guest, and the amd64 guest hangs after GRUB under
# KVM too (QEMU's default CPU model asks for features the nested KVM lacks).
# ACCEL=kvm tries KVM on a host where it works.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "${here}/lib/log.sh"

readonly SSH_TIMEOUT=300

variant=i386
out=""
while (($#)); do
  case "$1" in
    --arch) variant="${2:?--arch needs a value}"; shift 2 ;;
    --arch=*) variant="${1#*=}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    -h | --help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
out="${out:-${repo}/dist/build/${variant}}"
read_env_file "${out}/base-disk.env"
read_env_file "${out}/build-credentials.txt"
disk_file="${out}/${DISK}"
[[ -f "$disk_file" ]] || die "no base disk at ${disk_file}: run scripts/build-base-disk.sh --arch ${variant} first"
[[ -f "$BUILD_SSH_KEY" ]] || die "no build key at ${BUILD_SSH_KEY}"
command -v "$QEMU_SYSTEM" >/dev/null || die "${QEMU_SYSTEM} missing: run scripts/install-build-tools.sh"

accel="${ACCEL:-tcg}"

# A port nobody listens on (loopback only).
port=""
for _ in $(seq 50); do
  candidate=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/${candidate}") 2>/dev/null; then
    port="$candidate"
    break
  fi
done
[[ -n "$port" ]] || die "no free port on 127.0.0.1"

serial_log="${out}/check-serial.log"
qemu_log="$(mktemp)"
qemu_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$qemu_pid" ]] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  rm -f "$qemu_log"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log_info "booting ${disk_file} (${ARCH}, ${accel}, SSH on 127.0.0.1:${port}, serial log ${serial_log})"
started="$(date +%s)"
"$QEMU_SYSTEM" -machine pc -accel "$accel" -m 1024 -smp 2 -snapshot \
  -drive "file=${disk_file},format=qcow2,if=ide" \
  -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:22" -device e1000,netdev=net0 \
  -nographic -serial "file:${serial_log}" -monitor none \
  </dev/null >"$qemu_log" 2>&1 &
qemu_pid=$!

ssh_opts=(
  -i "$BUILD_SSH_KEY" -p "$port" -o IdentitiesOnly=yes -o BatchMode=yes
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
  -o ConnectTimeout=5
)
# shellcheck disable=SC2029 # the arguments are the remote command, meant to expand here
guest() { ssh "${ssh_opts[@]}" "${BUILD_USER}@127.0.0.1" "$@"; }

until guest true 2>/dev/null; do
  if ! kill -0 "$qemu_pid" 2>/dev/null; then
    cat "$qemu_log" >&2
    die "QEMU exited before SSH answered"
  fi
  if (($(date +%s) - started >= SSH_TIMEOUT)); then
    tail -n 30 "$serial_log" >&2 || true
    die "no SSH after ${SSH_TIMEOUT} s (serial log: ${serial_log})"
  fi
  sleep 2
done
boot_to_ssh=$(($(date +%s) - started))

failures=0
result() { # result OK|FAIL WHAT VALUE
  [[ "$1" == OK ]] || failures=$((failures + 1))
  printf '%-4s %-26s %s\n' "$1" "$2" "$3"
}
expect() { # expect WHAT WANTED VALUE
  if [[ "$3" == "$2" ]]; then result OK "$1" "$3"; else result FAIL "$1" "$3 (expected $2)"; fi
}

printf 'base disk check: %s\n' "$disk_file"
result OK "boot to SSH" "${boot_to_ssh} s (${accel}, 2 vCPU, 1 GiB)"
expect "uname -m" "$UNAME_M" "$(guest uname -m)"
expect "kernel" "$KERNEL_VERSION" "$(guest uname -r)"
expect "node -p process.arch" "$NODE_ARCH" "$(guest node -p process.arch)"
state="$(guest systemctl is-system-running --wait || true)"
if [[ "$state" == running ]]; then
  result OK "systemctl is-system-running" "$state ($(($(date +%s) - started)) s after power-on)"
else
  result FAIL "systemctl is-system-running" "$state"
  guest systemctl --failed --no-pager || true
fi
result OK "systemd-analyze" "$(guest systemd-analyze time | head -n 1 | sed -e 's/^Startup finished in //' -e 's/ *$//')"
clusters="$(guest pg_lsclusters --no-header || true)"
if [[ "$clusters" == *online* ]]; then result OK "pg_lsclusters" "$clusters"; else result FAIL "pg_lsclusters" "${clusters:-none}"; fi
expect "PostgreSQL query, no JIT" "17|f" "$(guest "cd / && sudo -n -u postgres psql -XAtc \
  \"select current_setting('server_version_num')::int / 10000, pg_jit_available()\"" || true)"
expect "sudo without password" root "$(guest sudo -n id -un || true)"
host_keys="$(guest 'ls /etc/ssh/ssh_host_*_key.pub | wc -l')"
if ((host_keys > 0)); then result OK "SSH host keys made at boot" "$host_keys"; else result FAIL "SSH host keys made at boot" 0; fi
expect "hostname" openoig "$(guest hostname)"
expect "root filesystem UUID" "$ROOT_UUID" "$(guest findmnt -n -o UUID /)"
result OK "root filesystem used/size" "$(guest df -m --output=used,size / | awk 'NR == 2 { print $1 " / " $2 " MiB" }')"

if ((failures)); then
  die "${failures} check(s) failed (serial log: ${serial_log})"
fi
log_info "base disk OK: SSH after ${boot_to_ssh} s"
