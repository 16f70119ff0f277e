package mmu

// Leaf is one leaf entry of an Sv39 page table, as Walk finds it.
type Leaf struct {
	VA uint64 // first virtual address it maps, sign-extended from bit 38
	// PA is bits 63:10 of the entry as an address: the PPN, with any
	// reserved bits above it carried along as QEMU's info mem shows them
	// (a misaligned superpage keeps its low bits).
	PA   uint64
	Size uint64 // 4 KiB, 2 MiB or 1 GiB
	PTE  uint64 // the entry itself
	// Table numbers the visits of page-table pages in walk order: leaves
	// with the same Table were found in one pass over one table page.
	// (QEMU's `info mem` never merges a range across two of them.)
	Table int
}

// Walk calls fn for every valid leaf of the Sv39 table that satp names, in
// ascending virtual address order, reading entries through mem without
// changing them. It reports what the table holds, not what a hart would
// accept: reserved bits, misaligned superpages and leaves with W but not R
// are listed like any other leaf (a pointer at the last level is skipped).
// Entries mem cannot read count as invalid. fn returns false to stop the
// walk. Walk does nothing unless satp selects Sv39.
//
// A guest's table may point many entries at the same table pages (even at
// the root), which would make the walk visit 512^2 of them; Walk stops after
// MaxWalkTables visits and then reports complete=false.
func Walk(mem Memory, satp uint64, fn func(Leaf) bool) (complete bool) {
	if satp>>SatpModeShift != SatpModeSv39 {
		return true
	}
	w := walker{mem: mem, fn: fn}
	w.table((satp&satpPPNMask)<<pageShift, 0, levels-1)
	return !w.cut
}

// MaxWalkTables bounds the table pages one Walk reads: 16384 is enough for
// 32 GiB mapped in 4 KiB pages (xv6's kernel table has about 70).
const MaxWalkTables = 1 << 14

type walker struct {
	mem    Memory
	fn     func(Leaf) bool
	visits int
	done   bool // fn said stop, or the visits ran out
	cut    bool // the visits ran out
}

func (w *walker) table(base, va uint64, level int) {
	if w.visits == MaxWalkTables {
		w.done, w.cut = true, true
		return
	}
	w.visits++
	visit := w.visits
	size := uint64(1) << (pageShift + uint(level)*vpnBits)
	for i := uint64(0); i < 1<<vpnBits && !w.done; i, va = i+1, va+size {
		pte, ok := w.mem.Load(base+i*8, 8)
		if !ok || pte&pteV == 0 {
			continue
		}
		pa := pte >> ptePPNShift << pageShift
		if pte&(pteR|pteW|pteX) == 0 {
			if level > 0 {
				w.table(pa, va, level-1)
			}
			continue
		}
		leaf := Leaf{VA: uint64(int64(va<<25) >> 25), PA: pa, Size: size, PTE: pte, Table: visit}
		if !w.fn(leaf) {
			w.done = true
		}
	}
}
