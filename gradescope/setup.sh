#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's
# image (Ubuntu): the tools an xv6 lab's make grade needs, and rvemu, which
# make-autograder.sh put beside this script.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here=$(cd "$(dirname "$0")" && pwd)

apt-get update
# make and gcc (the lab's mkfs is built for the host), the RISC-V cross
# compiler, Python 3 for the lab's grade script and gradelib, git for
# patch submissions, ccache for rvemu class's compiler cache.
apt-get install -y --no-install-recommends \
	make gcc libc6-dev gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf \
	python3 git ca-certificates ccache

install -m 0755 "$here/rvemu" /usr/local/bin/rvemu
# The lab Makefiles run qemu-system-riscv64: rvemu answers to that name.
ln -sf /usr/local/bin/rvemu /usr/local/bin/qemu-system-riscv64
rvemu version
