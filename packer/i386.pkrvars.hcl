arch        = "i386"
qemu_binary = "qemu-system-i386"
