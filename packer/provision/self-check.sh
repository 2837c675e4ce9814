#!/usr/bin/env bash
# In the guest, as root: start the appliance once (first boot with build-time secrets, the
# gateway, which runs the migrations, and nginx) and check it from the inside.
set -euo pipefail

log_info() { printf 'self-check: %s\n' "$*"; }
fail() { printf 'self-check: FAILED: %s\n' "$*" >&2; journalctl --no-pager -n 80 -u openoig-firstboot -u openoig-gateway -u nginx >&2 || true; exit 1; }

systemctl start postgresql.service
# First boot's settings as an OVF environment on the disk (no wizard in a build); cleanup.sh
# removes all it made, so every deployed copy runs first boot again with its own.
cat > /var/lib/openoig/ovf-env.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1">
  <PropertySection>
    <Property oe:key="oig.hostname" oe:value="openoig"/>
    <Property oe:key="oig.network.mode" oe:value="dhcp"/>
  </PropertySection>
</Environment>
XML
systemctl start openoig-firstboot.service || fail "first boot did not complete"
[[ ! -e /var/lib/openoig/ovf-env.xml ]] || fail "first boot left its OVF environment file behind"
systemctl start openoig-gateway.service || fail "the gateway did not become ready"
systemctl restart nginx.service || fail "nginx did not start"

log_info "node $(node --version) arch $(node -p process.arch)"
for unit in postgresql openoig-gateway nginx; do
  systemctl is-active --quiet "${unit}" || fail "${unit} is not active"
done
migrations="$(runuser -u postgres -- psql -d openoig -tAc 'SELECT count(*) FROM pgmigrations')"
[[ "${migrations}" -ge 1 ]] || fail "no migrations recorded"
log_info "database openoig migrated (${migrations} migrations)"

health="$(curl -fsS --cacert /etc/openoig/tls/gateway.crt https://127.0.0.1/health)" || fail "HTTPS /health did not answer"
log_info "HTTPS /health: ${health}"
# Read the whole answer first: `curl | grep -q` under pipefail fails whenever grep stops
# reading early and curl is killed by SIGPIPE.
for service in axis2/services/SessionService mitel/oig/cc/StandardCCService; do
  wsdl="$(curl -fsS "http://127.0.0.1/${service}?wsdl")" || fail "HTTP ${service}?wsdl did not answer"
  [[ "${wsdl}" == *'wsdl:definitions'* ]] || fail "HTTP ${service}?wsdl did not answer a WSDL"
done
code="$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/health)"
[[ "${code}" == 301 ]] || fail "HTTP /health answered ${code}, expected a 301 to HTTPS"
log_info "port 80 serves ?wsdl and redirects the rest to HTTPS"
failed="$(systemctl list-units --failed --no-legend --plain | wc -l)"
[[ "${failed}" -eq 0 ]] || fail "failed units: $(systemctl list-units --failed --no-legend --plain)"
log_info "passed"
