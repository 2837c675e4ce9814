# The base disk booted with QEMU: no ISO install, the disk is already bootable.
source "qemu" "openoig" {
  iso_url          = var.base_disk
  iso_checksum     = "none"
  disk_image       = true
  use_backing_file = false
  # Otherwise Packer grows the disk to its 40 GB default.
  skip_resize_disk = true
  format           = "qcow2"
  output_directory = var.output_dir
  vm_name          = "openoig-${var.arch}.qcow2"

  qemu_binary    = var.qemu_binary
  accelerator    = var.accelerator
  machine_type   = "pc"
  cpus           = 2
  memory         = var.memory_mb
  disk_interface = "ide"
  net_device     = "e1000"
  headless       = true

  # Nothing may listen beyond loopback: Packer's own forward would bind every interface.
  vnc_bind_address = "127.0.0.1"
  host_port_min    = 42200
  host_port_max    = 42299
  qemuargs = [
    ["-netdev", "user,id=user.0,hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22"],
    ["-serial", "file:${var.serial_log}"],
  ]

  communicator         = "ssh"
  ssh_username         = "packer"
  ssh_private_key_file = var.ssh_private_key_file
  ssh_timeout          = "15m"
  boot_wait            = "2s"
  # The temporary account removes itself on the way out (userdel -f works while logged in).
  shutdown_command = "sudo sh -c 'rm -f /etc/sudoers.d/90-packer-build; userdel --force --remove packer; systemctl poweroff'"
  shutdown_timeout = "5m"
}
