// Package qemucli reads the qemu-system-riscv64 command lines that xv6 lab
// Makefiles (2019-2025) pass, so rvemu can stand in for QEMU: it turns them
// into a description of the board to build. It knows only the options
// those Makefiles use; any other is an error naming it.
package qemucli

import "net/netip"

// Options is a parsed command line.
type Options struct {
	Help, Version bool

	Machine string // "virt" (the only board)
	BIOS    string // "none"; "" when not given (treated as none: no firmware is modelled)
	Kernel  string
	RAM     uint64 // bytes; 0: the board's default
	Harts   int    // 0: the board's default (1)

	NoGraphic bool
	// Thread is -accel tcg,thread=: "multi" (harts on host threads, also
	// the board's default with more than one hart, as QEMU's on virt),
	// "single" (harts taking turns on one thread, repeatably), or "" when
	// not given.
	Thread string

	// VirtioLegacy: QEMU 7.2's virtio-mmio defaults to the legacy
	// (version 1) interface; -global virtio-mmio.force-legacy=false
	// selects the modern one.
	VirtioLegacy bool
	// Disk is the image of the drive attached to virtio-mmio-bus.0; ""
	// for none.
	Disk       string
	DiskFormat string // "raw"
	// Snapshot (-snapshot): the guest's disk writes stay in memory.
	Snapshot bool
	// NoReboot (-no-reboot): a guest that resets the board ends the run
	// instead of booting again.
	NoReboot bool

	// Net is the user-mode network the E1000 is attached to; nil when
	// the command line has no NIC.
	Net *Net

	// Serial and Monitor are -serial and -monitor as given ("" when
	// absent); Stdio is what they and -nographic put on the terminal.
	Serial, Monitor string
	Stdio           Stdio

	// Debugging: -S (stop at the first instruction until a debugger or
	// the monitor says go) and -gdb / -s / -p (where the stub listens).
	StopAtStart bool
	GDB         string // "tcp::26000", "tcp:127.0.0.1:1234"; "" for none

	drives  map[string]drive
	netdevs map[string]*Net
	dumps   map[string]string // netdev id -> pcap file
	nicDev  string            // netdev id the e1000 uses
	oldPort string            // -p PORT (QEMU before 0.11, with -s)
	gdbS    bool              // -s
}

// Stdio says what shares the terminal, resolved as QEMU 7.2 does: with
// -nographic and neither -serial nor -monitor, both (mon:stdio); a
// -serial mon:... counts as the monitor; an explicit -serial or -monitor
// leaves the other on stdio; two of them on stdio without mon: is an
// error. rvemu has no window, so what QEMU would show in one (no
// -nographic: the "vc" default) shares the terminal too.
type Stdio struct {
	Serial  bool // the guest's console (the UART)
	Monitor bool // the monitor; with Serial, Ctrl-A C switches between them
	// MonitorFirst: both, and the monitor has the keyboard first (it was
	// asked for with -monitor stdio; the console waits behind Ctrl-A C).
	MonitorFirst bool
}

// Net is a -netdev user backend with the options xv6 labs set.
type Net struct {
	ID      string
	HostFwd []HostFwd
	Pcap    string // from -object filter-dump on this netdev; "" for none
	NIC     string // "e1000"
}

// HostFwd is hostfwd=udp:[ADDR]:HOSTPORT-[GADDR]:GUESTPORT. Addresses are
// kept as given; the network binds host ports on 127.0.0.1 only.
type HostFwd struct {
	Proto     string // "udp" or "tcp"
	HostAddr  netip.Addr
	HostPort  uint16
	GuestAddr netip.Addr
	GuestPort uint16
	Spec      string // as written, for usernet.ParseHostFwd
}

type drive struct {
	file, format, iface string
}
