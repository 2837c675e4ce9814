#!/usr/bin/env bash
# In the guest, as root, last step of the build: remove everything that must differ between
# deployed copies or must not ship (build secrets, machine-id, SSH host keys, logs, apt lists).
# The packer account itself is removed by Packer's shutdown command.
set -euo pipefail

log_info() { printf 'cleanup: %s\n' "$*"; }

systemctl stop openoig-gateway.service nginx.service
# First boot runs again on every deployed copy: new TLS key, new database password
# (ALTER ROLE), new administrator password.
rm -rf /etc/openoig/secrets.env /etc/openoig/tls /var/lib/openoig/firstboot.done /var/lib/openoig/firstboot-result.json \
  /var/lib/openoig/firstboot /var/lib/openoig/console-notice.issue /etc/issue.d/openoig-admin.issue
runuser -u postgres -- psql -d openoig -qc 'TRUNCATE admin_session, app_session' >/dev/null
log_info "per-instance secrets removed; first boot will run on the next boot"

apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
journalctl --rotate >/dev/null 2>&1 || true
journalctl --vacuum-time=1s >/dev/null 2>&1 || true
find /var/log -type f -exec truncate -s 0 {} +
rm -f /etc/ssh/ssh_host_*
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
rm -f /root/.bash_history
rm -rf /tmp/openoig-gateway.deb /var/tmp/*
log_info "machine-id, SSH host keys, logs and apt lists removed"
