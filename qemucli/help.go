package qemucli

import (
	"fmt"
	"io"
)

// QEMUVersion is the QEMU release whose virt board and command line rvemu
// follows. Tools read the first line's "QEMU emulator version X.Y.Z"
// (Makefiles that require a minimum QEMU), so that part keeps QEMU's form
// and rvemu names itself in the parentheses.
const QEMUVersion = "7.2.0"

// WriteVersion prints the -version text.
func WriteVersion(w io.Writer, prog, rvemuVersion string) {
	fmt.Fprintf(w, "QEMU emulator version %s (rvemu %s)\n", QEMUVersion, rvemuVersion)
	fmt.Fprintf(w, "%s is rvemu, a RISC-V emulator for xv6, answering to QEMU's command line\n", prog)
}

// WriteHelp prints the -help text: one option a line, the option first,
// as QEMU does (lab Makefiles grep for a line starting with -gdb).
func WriteHelp(w io.Writer, prog, rvemuVersion string) {
	fmt.Fprintf(w, "QEMU emulator version %s (rvemu %s)\n", QEMUVersion, rvemuVersion)
	fmt.Fprintf(w, "usage: %s [options]\n\n", prog)
	fmt.Fprint(w, `Options understood (those xv6 lab Makefiles pass); any other is an error:
-h or -help      print this help and exit
-version         print the version and exit
-machine virt    the QEMU virt board (-M virt; the only board)
-bios none       start the kernel directly in M-mode (no firmware is modelled)
-kernel FILE     ELF or raw kernel image (raw: loaded at 0x80000000)
-m SIZE          RAM size, MiB unless suffixed (128M, 3G)
-smp N           number of harts (also cpus=N,sockets=..,cores=..,threads=..)
-accel tcg[,thread=single|multi]
                 multi (the default with -smp 2 or more, as QEMU's): each hart
                 on its own host thread; single: harts take turns on one
-nographic       console on stdin/stdout (always; Ctrl-A X quits)
-serial mon:stdio
                 console and monitor share the terminal; Ctrl-A C switches
                 (the default)
-serial stdio|none|null
                 the console alone on the terminal, or nowhere
-monitor stdio|none
                 the monitor on the terminal, or none (then Ctrl-A C does
                 nothing)
-global virtio-mmio.force-legacy=false
                 modern virtio-mmio (version 2); QEMU 7.2's default: legacy
-drive file=FILE,if=none,format=raw,id=ID
                 a raw disk image
-device virtio-blk-device,drive=ID,bus=virtio-mmio-bus.0
                 the virtio block device on slot 0
-snapshot        keep the guest's disk writes in memory; the file stays as is
-no-reboot       exit instead of rebooting when the guest resets the board
-netdev user,id=NET[,hostfwd=udp:[ADDR]:HOSTPORT-[GADDR]:GUESTPORT]...
                 user-mode network; host ports bind on 127.0.0.1
-device e1000,netdev=NET,bus=pcie.0
                 Intel E1000 NIC at PCI 00:01.0
-nic none        no network card (the default unless -device e1000 is given)
-object filter-dump,id=ID,netdev=NET,file=FILE
                 write every frame of NET to a pcap file
-gdb tcp::PORT   accept a gdb connection on PORT
-s               shorthand for -gdb tcp::1234
-p PORT          with -s: the port (old QEMU syntax)
-S               hold the harts until the debugger or the monitor's cont
`)
}
