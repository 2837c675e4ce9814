#!/usr/bin/env bash
# Stage 1 of the image pipeline: the base disk.
#
#   scripts/build-base-disk.sh [--arch i386|amd64] [--out DIR]
#
# Builds the root filesystem with mmdebstrap from scripts/variants/<arch>.env and
# the package list it names, adds a temporary build account for Packer (stage 2),
# and makes a BIOS-bootable disk without loop devices: sfdisk on an image file,
# mke2fs -d at the partition offset, grub's boot.img and core.img written with dd.
#
# Produces in DIR (default dist/build/<arch>):
#   base.qcow2              the disk
#   base-disk.env           facts about it (arch, root UUID, kernel, qemu binary)
#   build-ssh/id_ed25519    the build account's key, new on every build
#   build-credentials.txt   the build account and the in-image files stage 2 removes
#   packages.txt            the installed packages and versions
# Re-running rebuilds everything; the outputs are replaced only on success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "${here}/lib/log.sh"

readonly DISK_MIB=2048  # sparse; room for the gateway and PostgreSQL's data
readonly PART_OFFSET=$((1024 * 1024))
readonly HOSTNAME_=openoig
readonly BUILD_USER=packer
readonly SUDOERS_FILE=/etc/sudoers.d/90-packer-build
readonly HOSTKEYS_DROPIN=/etc/systemd/system/sshd-keygen.service.d/openoig-every-boot.conf

usage() {
  sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

variant=i386
out=""
while (($#)); do
  case "$1" in
    --arch) variant="${2:?--arch needs a value}"; shift 2 ;;
    --arch=*) variant="${1#*=}"; shift ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[[ -f "${here}/variants/${variant}.env" ]] || die "no variant '${variant}' (scripts/variants/${variant}.env)"
read_env_file "${here}/variants/${variant}.env"
package_file="${here}/variants/${PACKAGE_LIST}"
dpkg_filter_file="${here}/variants/${DPKG_FILTER}"
[[ -f "$package_file" ]] || die "package list ${package_file} does not exist"
[[ -f "$dpkg_filter_file" ]] || die "dpkg filter list ${dpkg_filter_file} does not exist"
out="${out:-${repo}/dist/build/${variant}}"

require_root
"${here}/install-build-tools.sh"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "${out}/.work.XXXXXX")"
rootfs="${work}/rootfs"

unmount_under() {
  local mnt
  # Deepest first; mmdebstrap unmounts its own, this is for an interrupted run.
  awk -v p="$1/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r mnt; do umount -l "$mnt" || true; done
}

cleanup() {
  local rc=$?
  ((rc == 0)) || stage_abort
  unmount_under "$work"
  rm -rf --one-file-system "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The root filesystem is built on a tmpfs. Where this host runs the i386 binaries
# through qemu-user (its kernel has no 32-bit emulation), an i386 readdir() on ext4
# fails with EOVERFLOW: ext4 hands a 64-bit process 64-bit directory offsets, which
# a 32-bit dirent cannot hold. dracut-install walks directories that way when
# initramfs-tools adds "=drivers/block" and "=drivers/ata", so the initramfs came out
# without any disk driver and the guest never found its root. tmpfs offsets are small.
mkdir -p "$rootfs"
mount -t tmpfs -o mode=0755,size=4g openoig-rootfs "$rootfs"

# --- apt sources -------------------------------------------------------------

# The mirror this machine's own apt uses, for the host's release and its security suite.
host_codename="$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)"
host_repo() {
  # shellcheck disable=SC2016 # apt's own $(FIELD) syntax
  apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' |
    awk -v s="$1" '$1 == s { print $2; exit }'
}
mirror="${MIRROR:-$(host_repo "$host_codename")}"
security_mirror="${SECURITY_MIRROR:-$(host_repo "${host_codename}-security")}"
[[ -n "$mirror" ]] || die "no Debian mirror found in this host's apt sources (set MIRROR=<url>)"

# Prints "<repo uri> <suite> <codename>" for each given "<repo uri> <suite>" whose
# Packages index for ARCH downloads and verifies against its signed Release file.
apt_probe() {
  local dir
  dir="$(mktemp -d "${work}/apt-probe.XXXXXX")"
  mkdir -p "${dir}/lists/partial" "${dir}/cache/archives/partial" "${dir}/parts"
  : >"${dir}/status"
  local src
  for src in "$@"; do printf 'deb [arch=%s] %s main\n' "$ARCH" "$src"; done >"${dir}/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=${dir}/sources.list" -o "Dir::Etc::SourceParts=${dir}/parts"
    -o "Dir::Etc::PreferencesParts=${dir}/parts" -o "Dir::Etc::Preferences=${dir}/none"
    -o "Dir::State::Lists=${dir}/lists" -o "Dir::Cache=${dir}/cache"
    -o "Dir::State::status=${dir}/status" -o "APT::Architecture=${ARCH}"
    -o APT::Sandbox::User=root
    # judge as mmdebstrap's apt will, whatever this host's apt.conf relaxes
    -o Acquire::Check-Valid-Until=true -o Acquire::Check-Date=true
  )
  apt-get "${opts[@]}" update >"${dir}/update.log" 2>&1 || true
  # shellcheck disable=SC2016 # apt's own $(FIELD) syntax
  apt-get "${opts[@]}" indextargets --format '$(FILENAME) $(REPO_URI) $(RELEASE) $(CODENAME)' \
    'Identifier: Packages' |
    while read -r file uri suite codename; do
      if [[ -s "$file" ]]; then printf '%s %s %s\n' "$uri" "$suite" "${codename:-}"; fi
    done
}

# Decides which sources mmdebstrap uses. The image itself always gets the
# codename suites (image_sources); the build may have to use an alias.
# A suite whose index does not match its Release file (mirror mid-sync) is taken
# from the alias that still carries the same codename consistently (stable,
# oldstable, ...); an -updates or -security suite with no usable index is left
# out of the build, with a warning.
resolve_sources() {
  local -a wanted=("${mirror} ${SUITE}" "${mirror} ${SUITE}-updates")
  [[ -z "$security_mirror" ]] || wanted+=("${security_mirror} ${SUITE}-security")
  if [[ "$KERNEL_SUITE" != "$SUITE" ]]; then
    wanted+=("${mirror} ${KERNEL_SUITE}")
    [[ -z "$security_mirror" ]] || wanted+=("${security_mirror} ${KERNEL_SUITE}-security")
  fi
  [[ -n "$security_mirror" ]] || log_warn "no security mirror in this host's apt sources: building without security updates"
  image_sources=("${wanted[@]}")
  build_sources=()

  local -A ok=()
  local uri suite codename entry
  while read -r uri suite codename; do ok["${uri} ${suite}"]="$codename"; done < <(apt_probe "${wanted[@]}")

  local -a failed=()
  local -A aliases=()
  for entry in "${wanted[@]}"; do
    if [[ -n "${ok[$entry]+set}" ]]; then
      build_sources+=("$entry")
    else
      failed+=("$entry")
      read -r uri suite <<<"$entry"
      local suffix="${suite#"${suite%%-*}"}"
      aliases["${uri} stable${suffix}"]=1
      aliases["${uri} oldstable${suffix}"]=1
    fi
  done
  ((${#failed[@]})) || return 0

  local -A alias_ok=()
  while read -r uri suite codename; do
    [[ -n "$codename" ]] && alias_ok["${uri} ${codename}"]="$suite"
  done < <(apt_probe "${!aliases[@]}")
  for entry in "${failed[@]}"; do
    read -r uri suite <<<"$entry"
    if [[ -n "${alias_ok[$entry]+set}" ]]; then
      log_warn "mirror: ${suite} ${ARCH} index does not match its Release file (mirror mid-sync?);" \
        "building from '${alias_ok[$entry]}', which carries ${suite} consistently (possibly a point release older)"
      build_sources+=("${uri} ${alias_ok[$entry]}")
    elif [[ "$suite" == *-security || "$suite" == *-updates ]]; then
      log_warn "mirror: no usable ${suite} ${ARCH} index (missing, mid-sync or expired); building without it." \
        "The image still lists it, so a later apt upgrade picks it up."
    else
      grep -h -E '^(E|Err):' "${work}"/apt-probe.*/update.log >&2 || true
      die "mirror: no usable ${suite} ${ARCH} index at ${uri}"
    fi
  done
}

stage_begin "apt sources (${ARCH})"
resolve_sources
for entry in "${build_sources[@]}"; do log_info "build source: ${entry}"; done
stage_end

# --- root filesystem ---------------------------------------------------------

# Both lists: one entry a line, `#` comments.
list_entries() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"; }
mapfile -t packages < <(list_entries "$package_file")
packages+=("$KERNEL_PACKAGE")
mapfile -t dpkg_opts < <(list_entries "$dpkg_filter_file" | sed 's/^/--dpkgopt=/')

# Files that must be in place before the packages are installed.
overlay="${work}/overlay"
mkdir -p "${overlay}/etc/apt/preferences.d" "${overlay}/etc/initramfs-tools/conf.d" "${overlay}/etc/default/grub.d"
printf '%s\n' "$HOSTNAME_" >"${overlay}/etc/hostname"
printf 'COMPRESS=zstd\n' >"${overlay}/etc/initramfs-tools/conf.d/compress"
cat >"${overlay}/etc/default/grub.d/openoig.cfg" <<'EOF'
# Serial console and a short menu, also when update-grub regenerates grub.cfg.
GRUB_TIMEOUT=1
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200 console=tty0"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
EOF
pin_file=""
if [[ "$KERNEL_SUITE" != "$SUITE" ]]; then
  pin_file="/etc/apt/preferences.d/openoig-kernel-${KERNEL_SUITE}.pref"
  flavour="${KERNEL_PACKAGE#linux-image-}"
  cat >"${overlay}${pin_file}" <<EOF
# ${SUITE} has no ${ARCH} kernel: the kernel comes from ${KERNEL_SUITE}, and nothing else does.
# Priority 100 installs it (no other candidate) and keeps it on ${KERNEL_SUITE}'s updates.
Package: *
Pin: release n=/^${KERNEL_SUITE}(-security|-updates)?\$/
Pin-Priority: -10

Package: ${KERNEL_PACKAGE} linux-image-*-${flavour}
Pin: release n=/^${KERNEL_SUITE}(-security|-updates)?\$/
Pin-Priority: 100
EOF
fi

stage_begin "root filesystem (mmdebstrap, ${#packages[@]} packages requested)"
mm_sources=()
for entry in "${build_sources[@]}"; do mm_sources+=("deb ${entry} main"); done
mmdebstrap \
  --mode=root --variant=minbase --format=directory \
  --architectures="$ARCH" \
  --include="$(IFS=,; printf '%s' "${packages[*]}")" \
  --aptopt='APT::Install-Recommends "false"' \
  --aptopt='Acquire::Languages "none"' \
  "${dpkg_opts[@]}" \
  --setup-hook="cp -a $(printf '%q' "$overlay")/. \"\$1/\"" \
  "$SUITE" "$rootfs" "${mm_sources[@]}"
stage_end

# --- configuration -----------------------------------------------------------

stage_begin "configure"
in_root() { chroot "$rootfs" "$@"; }

kernel_version="$(in_root linux-version list | in_root linux-version sort | tail -n 1)"
[[ -n "$kernel_version" ]] || die "no kernel installed in the root filesystem"
[[ -L "${rootfs}/vmlinuz" && -L "${rootfs}/initrd.img" ]] || die "kernel symlinks /vmlinuz and /initrd.img are missing"
# The disk controllers the image boots from: IDE (QEMU, Packer), SATA, virtio, and
# vSphere's LSI Logic and PVSCSI. An initramfs without them boots to a silent hang.
initrd_modules="$(in_root lsinitramfs "/boot/initrd.img-${kernel_version}")"
for driver in ata_piix ahci virtio_blk mptspi vmw_pvscsi sd_mod ext4; do
  grep -q "/${driver}\.ko" <<<"$initrd_modules" ||
    die "the initramfs of ${kernel_version} lacks the ${driver} module: the image could not find its root disk"
done
root_uuid="$(cat /proc/sys/kernel/random/uuid)"

# apt sources by codename (the build may have used aliases), deb822 like trixie.
rm -f "${rootfs}/etc/apt/sources.list"
{
  printf '# Written by scripts/build-base-disk.sh.\n'
  for entry in "${image_sources[@]}"; do
    read -r uri suite <<<"$entry"
    printf '\nTypes: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.pgp\n' "$uri" "$suite"
  done
} >"${rootfs}/etc/apt/sources.list.d/debian.sources"
[[ -f "${rootfs}/usr/share/keyrings/debian-archive-keyring.pgp" ]] || die "keyring missing in the image"

cat >"${rootfs}/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	${HOSTNAME_}
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF
printf 'UUID=%s\t/\text4\terrors=remount-ro\t0\t1\n' "$root_uuid" >"${rootfs}/etc/fstab"

# DHCP on the wired NIC (en* under QEMU and vSphere, eth* elsewhere); DNS from DHCP
# through systemd-resolved's stub.
cat >"${rootfs}/etc/systemd/network/20-openoig-dhcp.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=yes
EOF
ln -sfn ../run/systemd/resolve/stub-resolv.conf "${rootfs}/etc/resolv.conf"

# SSH host keys are made per machine at boot: this base disk ships none, and
# stage 2 deletes them again when it seals the image. Debian's sshd-keygen.service
# (ssh-keygen -A: creates only the missing keys) runs only on a "first boot",
# which an empty /etc/machine-id is not (machine-id(5)), so drop that condition.
mkdir -p "${rootfs}${HOSTKEYS_DROPIN%/*}"
cat >"${rootfs}${HOSTKEYS_DROPIN}" <<'EOF'
# Every boot, not only the first: the image is sealed with an empty machine-id
# and without host keys. ssh-keygen -A leaves existing keys alone.
[Unit]
# An empty assignment resets all conditions; the two others are Debian's.
ConditionFirstBoot=
ConditionPathIsReadWrite=/etc/ssh
ConditionPathIsSymbolicLink=!/etc/ssh
EOF
rm -f "${rootfs}"/etc/ssh/ssh_host_*
# systemd's ssh generator (sshd on AF_VSOCK for the hypervisor) has no use here and
# fails at every boot where the VM has no vsock device; mask it.
mkdir -p "${rootfs}/etc/systemd/system-generators"
ln -sfn /dev/null "${rootfs}/etc/systemd/system-generators/systemd-ssh-generator"
in_root systemctl enable --quiet systemd-networkd systemd-resolved

# Temporary build account for Packer's SSH; stage 2 removes it (build-credentials.txt).
mkdir -p "${work}/build-ssh"
chmod 700 "${work}/build-ssh"
ssh-keygen -q -t ed25519 -N '' -C "openoig-build-${variant}" -f "${work}/build-ssh/id_ed25519"
chmod 600 "${work}/build-ssh/id_ed25519" "${work}/build-ssh/id_ed25519.pub"
in_root useradd --create-home --shell /bin/bash --comment 'temporary build account' "$BUILD_USER"
in_root usermod --password '*' "$BUILD_USER" # no password, but not locked: key login works
install -d -m 700 "${rootfs}/home/${BUILD_USER}/.ssh"
install -m 600 "${work}/build-ssh/id_ed25519.pub" "${rootfs}/home/${BUILD_USER}/.ssh/authorized_keys"
in_root chown -R "${BUILD_USER}:${BUILD_USER}" "/home/${BUILD_USER}/.ssh"
printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$BUILD_USER" >"${rootfs}${SUDOERS_FILE}"
chmod 440 "${rootfs}${SUDOERS_FILE}"
in_root visudo -c -q -f "$SUDOERS_FILE"

# GRUB: a minimal grub.cfg (update-grub writes no entries for a file-backed root;
# stage 2 runs it in the guest) using the /vmlinuz and /initrd.img symlinks that
# kernel upgrades keep current, and a core.img that finds the root by UUID.
grub_dir="${rootfs}/boot/grub"
mkdir -p "${grub_dir}/i386-pc"
cp "${rootfs}"/usr/lib/grub/i386-pc/*.mod "${rootfs}"/usr/lib/grub/i386-pc/*.lst "${grub_dir}/i386-pc/"
cat >"${grub_dir}/grub.cfg" <<EOF
# Written by scripts/build-base-disk.sh; update-grub replaces it (same console
# settings, from /etc/default/grub.d/openoig.cfg).
set default=0
set timeout=1
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
search --no-floppy --fs-uuid --set=root ${root_uuid}
menuentry 'OpenOIG' {
	linux /vmlinuz root=UUID=${root_uuid} ro console=ttyS0,115200 console=tty0
	initrd /initrd.img
}
EOF
cat >"${grub_dir}/i386-pc/load.cfg" <<EOF
search.fs_uuid ${root_uuid} root
set prefix=(\$root)/boot/grub
EOF
in_root grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -c /boot/grub/i386-pc/load.cfg \
  -p /boot/grub biosdisk part_msdos ext2 search_fs_uuid search normal configfile linux serial terminal echo test
# shellcheck disable=SC2016 # dpkg-query's own ${field} syntax
in_root dpkg-query -W -f '${Package}\t${Version}\n' >"${work}/packages.txt"
stage_end

# --- disk --------------------------------------------------------------------

stage_begin "disk (${DISK_MIB} MiB, ext4 at 1 MiB, GRUB for BIOS)"
raw="${work}/disk.raw"
truncate -s "${DISK_MIB}M" "$raw"
sfdisk --quiet "$raw" <<EOF
label: dos
start=$((PART_OFFSET / 512)), type=83, bootable
EOF
mke2fs -q -F -t ext4 -L root -U "$root_uuid" -d "$rootfs" \
  -E "offset=${PART_OFFSET},lazy_itable_init=0,lazy_journal_init=0" \
  "$raw" "$(((DISK_MIB * 1024 * 1024 - PART_OFFSET) / 1024))k"
core="${grub_dir}/i386-pc/core.img"
(($(stat -c %s "$core") <= PART_OFFSET - 512)) || die "core.img does not fit before the partition"
dd if="${rootfs}/usr/lib/grub/i386-pc/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none
dd if="$core" of="$raw" bs=512 seek=1 conv=notrunc status=none
qemu-img convert -f raw -O qcow2 "$raw" "${work}/base.qcow2"
rm -f "$raw"
stage_end

# --- outputs -----------------------------------------------------------------

cat >"${work}/base-disk.env" <<EOF
# Written by scripts/build-base-disk.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)
ARCH=${ARCH}
QEMU_SYSTEM=${QEMU_SYSTEM}
UNAME_M=${UNAME_M}
NODE_ARCH=${NODE_ARCH}
KERNEL_VERSION=${kernel_version}
ROOT_UUID=${root_uuid}
ROOT_LABEL=root
DISK=base.qcow2
EOF
cat >"${work}/build-credentials.txt" <<EOF
# Temporary build access baked into base.qcow2 for Packer (stage 2). Stage 2
# removes all of it before sealing the image: the account with its home
# (userdel --force --remove ${BUILD_USER}) and the files listed in BUILD_FILES.
BUILD_USER=${BUILD_USER}
BUILD_SSH_KEY=${out}/build-ssh/id_ed25519
BUILD_FILES="${SUDOERS_FILE} /home/${BUILD_USER}/.ssh/authorized_keys"
EOF

rm -rf "${out}/build-ssh"
mv "${work}/build-ssh" "${out}/build-ssh"
for f in base.qcow2 base-disk.env build-credentials.txt packages.txt; do
  mv -f "${work}/${f}" "${out}/${f}"
done
log_info "base disk: ${out}/base.qcow2 ($(du -m --apparent-size "${out}/base.qcow2" | cut -f1) MiB," \
  "kernel ${kernel_version}, $(wc -l <"${out}/packages.txt") packages, root UUID ${root_uuid})"
