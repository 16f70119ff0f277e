// Package monitor runs QEMU monitor commands ("info mem", "x /4xw 0x80000000",
// "stop", ...) against a board, with QEMU's output formats, so what a
// student learned on QEMU works the same. It knows the machine only through
// Board; the console (Ctrl-A C) and gdb's `monitor CMD` are front ends that
// hand it command lines.
package monitor

// Board is the machine as the monitor sees it. The monitor calls it only
// from the goroutine that owns guest state (the board's loop).
type Board interface {
	// Harts is the number of harts (CPUs 0..Harts-1).
	Harts() int
	// Hart is hart i's state now (0 <= i < Harts).
	Hart(i int) Hart
	// CSR reads a control and status register of hart i as a debugger
	// would (no side effects).
	CSR(i int, csr uint16) uint64
	// ReadPhys copies guest RAM at physical address pa into p. It fails,
	// copying nothing, when any byte is outside RAM (device registers
	// are not read: a read can change their state).
	ReadPhys(pa uint64, p []byte) bool
	// PCI lists the functions on the PCI bus.
	PCI() []PCIFunction
	// NICs lists the network cards and the backends they are wired to.
	NICs() []NIC
	// Status is "running", "paused" (stopped by the monitor or -S) or
	// "paused (debug)" (held by an attached debugger).
	Status() string
	// Stop pauses every hart (QEMU's stop); already paused is fine.
	Stop()
	// Cont resumes the harts; an error is one line saying why it cannot
	// (a debugger holds them, say).
	Cont() error
	// Reset restarts the board as a power cycle would, keeping disks.
	Reset() error
	// Quit ends the run (status 0), as QEMU's quit.
	Quit()
}

// Hart is what the monitor shows of one hart.
type Hart struct {
	PC   uint64
	X    [32]uint64
	Priv uint8 // 0 U, 1 S, 3 M
	// Waiting: the hart sits in WFI (QEMU's "halted").
	Waiting bool
	// FPU: the hart implements F and D; F holds f0-f31 (NaN-boxed).
	FPU bool
	F   [32]uint64
}

// PCIFunction is one function's configuration as `info pci` shows it.
type PCIFunction struct {
	Bus, Slot, Func                int
	VendorID, DeviceID             uint16
	SubsystemVendorID, SubsystemID uint16
	Class                          uint32 // class<<16 | subclass<<8 | prog-if
	InterruptLine, InterruptPin    uint8  // pin 1 = INTA; 0 none
	BARs                           []PCIBAR
}

// PCIUnmapped is the address of a BAR that does not decode (its space is
// disabled in COMMAND), as QEMU prints it.
const PCIUnmapped = ^uint64(0)

// PCIBAR is one implemented base address register.
type PCIBAR struct {
	Index  int
	IO     bool
	Bits64 bool
	Addr   uint64 // PCIUnmapped when it does not decode
	Size   uint64
}

// NIC is a network card and the host backend on the other end of its cable.
type NIC struct {
	Name  string // "e1000.0"
	Model string // "e1000"
	MAC   [6]byte
	// Backend: its id ("net0") and QEMU's description of a user-mode
	// network ("type=user,net=10.0.2.0,restrict=off").
	BackendID, Backend string
}
