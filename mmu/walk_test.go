package mmu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWalkListsLeavesInAddressOrder(t *testing.T) {
	const rwx = PTEV | PTER | PTEW | PTEX | PTEA | PTED
	m := newTables(PTEV | PTER | PTEU)
	// A leaf in the upper half: root entry 511 is a gigapage at
	// VA 0xffff_ffff_c000_0000.
	m[root+511*8] = pte(0xc000_0000, PTEV|PTER|PTEG)
	// A pointer at the last level is no leaf and leads nowhere.
	m[l0+2*8] = pte(l1, PTEV)
	// W without R is reserved for a hart, but it is what the table holds.
	m[l0+3*8] = pte(0x8040_0000, PTEV|PTEW)
	// Reserved bits stay in PA, as QEMU shows them; a pointer with one
	// leads nowhere.
	m[l0+4*8] = pte(0x8050_0000, PTEV|PTER) | 1<<60
	m[l1+3*8] = pte(l0, PTEV) | 1<<61

	var got []Leaf
	complete := Walk(m, sv39(PrivS).Satp, func(l Leaf) bool { got = append(got, l); return true })
	assert.True(t, complete)
	assert.Equal(t, []Leaf{
		{VA: 0x1000, PA: 0x8010_0000, Size: 4 << 10, PTE: pte(0x8010_0000, PTEV|PTER|PTEU), Table: 3},
		{VA: 0x3000, PA: 0x8040_0000, Size: 4 << 10, PTE: pte(0x8040_0000, PTEV|PTEW), Table: 3},
		{VA: 0x4000, PA: 1<<62 | 0x8050_0000, Size: 4 << 10, PTE: pte(0x8050_0000, PTEV|PTER) | 1<<60, Table: 3},
		{VA: 0x20_0000, PA: 0x8020_0000, Size: 2 << 20, PTE: pte(0x8020_0000, rwx), Table: 2},
		{VA: 0x40_0000, PA: 0x8030_1000, Size: 2 << 20, PTE: pte(0x8030_1000, PTEV|PTER|PTEW|PTEA|PTED), Table: 2},
		{VA: 0x4000_0000, PA: 0x8000_0000, Size: 1 << 30, PTE: pte(0x8000_0000, rwx), Table: 1},
		{VA: 0xffff_ffff_c000_0000, PA: 0xc000_0000, Size: 1 << 30, PTE: pte(0xc000_0000, PTEV|PTER|PTEG), Table: 1},
	}, got)
}

func TestWalkStops(t *testing.T) {
	m := newTables(PTEV | PTER)
	n := 0
	assert.True(t, Walk(m, sv39(PrivS).Satp, func(Leaf) bool { n++; return n < 2 }), "stopped by fn, not cut")
	assert.Equal(t, 2, n)

	n = 0
	Walk(m, 0, func(Leaf) bool { n++; return true })
	assert.Zero(t, n, "bare satp: no table")
}

// A table whose every entry points back at the root would take 512^2
// table visits; the walk is cut instead.
func TestWalkBoundsSelfReferentialTables(t *testing.T) {
	m := fakeMem{}
	for i := uint64(0); i < 512; i++ {
		m[root+i*8] = pte(root, PTEV)
	}
	assert.False(t, Walk(m, sv39(PrivS).Satp, func(Leaf) bool { return true }))
}
