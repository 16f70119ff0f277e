// Package mmu turns RISC-V virtual addresses into physical ones: Bare and
// Sv39 translation (with hardware-managed A/D bits), physical memory
// protection (pmp.go), plus the small direct-mapped TLBs the CPU's fast
// path consults before walking.
package mmu

// Access is the kind of memory access being translated; it decides which
// permission bit is needed and which fault cause is raised.
type Access uint8

const (
	Fetch Access = iota
	Load
	Store // stores and AMOs
)

// PageFault is the exception cause for a failed translation of this access.
func (a Access) PageFault() uint64 {
	switch a {
	case Fetch:
		return 12
	case Load:
		return 13
	}
	return 15
}

// AccessFault is the exception cause for an access nothing answers (or a
// page-table read that hits unmapped physical memory).
func (a Access) AccessFault() uint64 {
	switch a {
	case Fetch:
		return 1
	case Load:
		return 5
	}
	return 7
}

// Privilege levels as the hart encodes them.
const (
	PrivU = 0
	PrivS = 1
	PrivM = 3
)

// satp fields (RV64).
const (
	SatpModeShift = 60
	SatpModeBare  = 0
	SatpModeSv39  = 8
	satpPPNMask   = (1 << 44) - 1
)

// Memory is where page-table entries live (a *bus.Bus satisfies it).
type Memory interface {
	Load(pa uint64, size int) (uint64, bool)
	Store(pa uint64, size int, v uint64) bool
}

// Context is everything besides the address that decides a translation.
type Context struct {
	Satp uint64
	Priv uint8 // effective privilege of the access (MPRV already applied)
	SUM  bool  // S-mode may load/store U pages
	MXR  bool  // loads may read execute-only pages
}

// Paged reports whether accesses in this context go through page tables.
func (c Context) Paged() bool {
	return c.Priv != PrivM && c.Satp>>SatpModeShift == SatpModeSv39
}
