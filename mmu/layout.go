package mmu

import "unsafe"

// Where a TLB's fields sit, for code generated to probe it inline (the
// CPU's translator): the generation word and the entries array.
const (
	TLBGenOffset     = unsafe.Offsetof(TLB{}.gen)
	TLBEntriesOffset = unsafe.Offsetof(TLB{}.E)
	TLBEntrySize     = unsafe.Sizeof(TLBEntry{})
	TLBEntryAddOff   = unsafe.Offsetof(TLBEntry{}.Add)
)

// GenShift is where the generation sits in a tag (above the page number).
const GenShift = genShift
