# Inputs of the image build; per-architecture values are in i386.pkrvars.hcl / amd64.pkrvars.hcl,
# per-run values (paths, accelerator) are passed by scripts/build-image.sh.

variable "arch" {
  type        = string
  description = "i386 or amd64"
}

variable "qemu_binary" {
  type        = string
  description = "qemu-system-i386 or qemu-system-x86_64"
}

variable "accelerator" {
  type        = string
  default     = "tcg"
  description = "kvm when the host's KVM can run this guest, else tcg (KVM here cannot run 32-bit guests)"
}

variable "base_disk" {
  type        = string
  description = "qcow2 made by scripts/build-base-disk.sh"
}

variable "blade_deb" {
  type        = string
  description = "openoig-gateway_<version>_all.deb made by scripts/build-blade.sh"
}

variable "ssh_private_key_file" {
  type        = string
  description = "the per-build key of the temporary packer account (removed at the end of the build)"
}

variable "output_dir" {
  type = string
}

variable "serial_log" {
  type        = string
  description = "where the guest's serial console is written, for diagnosing a failed build"
}

variable "memory_mb" {
  type    = number
  default = 1024
}
