#!/usr/bin/env bash
# In the guest, as root: install the gateway blade from the uploaded .deb. Its dependencies
# (nodejs, postgresql, nginx, openssl) are in the base disk, so no network is needed; a missing
# one fails here with dpkg's message rather than later at boot.
set -euo pipefail
deb="$1"

log_info() { printf 'provision: %s\n' "$*"; }

log_info "installing $(dpkg-deb -f "${deb}" Package) $(dpkg-deb -f "${deb}" Version)"
DEBIAN_FRONTEND=noninteractive dpkg -i "${deb}"
# The base disk's grub.cfg is minimal; let Debian write the real one now that it boots from a disk.
if command -v update-grub >/dev/null 2>&1; then
  update-grub 2>&1 | sed 's/^/provision: update-grub: /'
fi
log_info "installed; units enabled: $(systemctl is-enabled openoig-firstboot.service openoig-gateway.service | tr '\n' ' ')"
