# Provisioning: the gateway blade, PostgreSQL initialised (migrations run by the gateway),
# an in-guest self-check, then the cleanup that makes every deployed copy unique.
build {
  sources = ["source.qemu.openoig"]

  provisioner "file" {
    source      = var.blade_deb
    destination = "/tmp/openoig-gateway.deb"
  }

  # A directory source without a trailing slash is uploaded as that directory: /tmp/provision.
  provisioner "file" {
    source      = "${path.root}/provision"
    destination = "/tmp"
  }

  provisioner "shell" {
    execute_command = "sudo env {{ .Vars }} bash '{{ .Path }}'"
    inline = [
      "set -euo pipefail",
      "bash /tmp/provision/install-blade.sh /tmp/openoig-gateway.deb",
      "bash /tmp/provision/self-check.sh",
      "bash /tmp/provision/cleanup.sh",
    ]
  }
}
