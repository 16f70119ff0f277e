package mmu

// Sv39 page-table entry bits.
const (
	pteV = 1 << 0
	pteR = 1 << 1
	pteW = 1 << 2
	pteX = 1 << 3
	pteU = 1 << 4
	pteG = 1 << 5
	pteA = 1 << 6
	pteD = 1 << 7

	ptePPNShift = 10
	ptePPNMask  = (1 << 44) - 1
	// Bits 63:54 are reserved or belong to extensions we do not implement
	// (Svpbmt, Svnapot): a leaf or pointer with any of them set is invalid.
	pteReservedMask = uint64(0x3ff) << 54
)

// PTE bit values exported for tests and debuggers that build page tables.
const (
	PTEV = pteV
	PTER = pteR
	PTEW = pteW
	PTEX = pteX
	PTEU = pteU
	PTEG = pteG
	PTEA = pteA
	PTED = pteD
)
