arch        = "amd64"
qemu_binary = "qemu-system-x86_64"
