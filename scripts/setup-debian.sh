#!/bin/sh
# Installs the Debian packages rvemu's build and tests need, when missing.
# Runs apt-get only as root on a Debian-like system; otherwise it says what
# to install and fails, so nothing silently skips a test later.
set -eu
need=""
command -v gcc >/dev/null 2>&1 || need="$need gcc libc6-dev"
command -v make >/dev/null 2>&1 || need="$need make"
command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || need="$need gcc-riscv64-unknown-elf"
command -v qemu-system-riscv64 >/dev/null 2>&1 || need="$need qemu-system-misc"
command -v qemu-aarch64 >/dev/null 2>&1 || need="$need qemu-user" # make test-arm64: unit tests as linux/arm64
command -v gdb-multiarch >/dev/null 2>&1 || need="$need gdb-multiarch"
command -v tshark >/dev/null 2>&1 || need="$need tshark"
command -v unshare >/dev/null 2>&1 || need="$need util-linux"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
command -v dtc >/dev/null 2>&1 || need="$need device-tree-compiler" # machine: device tree validated by dtc
command -v ccache >/dev/null 2>&1 || need="$need ccache" # rvemu class: the class's compiler cache (tests/class_test.go)
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "setup: installing$need"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
else
	echo "setup: missing Debian packages:$need" >&2
	echo "setup: install them with: sudo apt-get install$need" >&2
	exit 1
fi
