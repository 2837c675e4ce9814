# Provisioning: the gateway blade, PostgreSQL initialised (migrations run by the gateway),
# an in-guest self-check, then the cleanup that makes every deployed copy unique.
build {
  sources = ["source.qemu.openoig"]

  provisioner "file" {
    source      = var.blade_deb
    destination = "/tmp/openoig-gateway.deb"
  }

  provisioner "file" {
    source      = "${path.root}/provision/"
    destination = "/tmp/openoig-provision"
  }

  provisioner "shell" {
    execute_command = "sudo env {{ .Vars }} bash '{{ .Path }}'"
    inline = [
      "set -euo pipefail",
      "bash /tmp/openoig-provision/install-blade.sh /tmp/openoig-gateway.deb",
      "bash /tmp/openoig-provision/self-check.sh",
      "bash /tmp/openoig-provision/cleanup.sh",
    ]
  }
}
