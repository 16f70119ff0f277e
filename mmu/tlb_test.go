package mmu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTLBLookup(t *testing.T) {
	tests := []struct {
		name    string
		insert  uint64 // va inserted, mapped to RAM offset 0x5000
		flushes int    // flushes between insert and lookup
		lookup  uint64
		wantOff uint64
		wantHit bool
	}{
		{"same page", 0x8000_1000, 0, 0x8000_1234, 0x5234, true},
		{"page end", 0x8000_1000, 0, 0x8000_1fff, 0x5fff, true},
		{"next page", 0x8000_1000, 0, 0x8000_2000, 0, false},
		{"same index other page", 0x8000_1000, 0, 0x8000_1000 + TLBSize*pageSize, 0, false},
		{"high half", 0xffff_ffff_c000_0000, 0, 0xffff_ffff_c000_0010, 0x5010, true},
		{"after one flush", 0x8000_1000, 1, 0x8000_1234, 0, false},
		{"after generations wrap", 0x8000_1000, 4096, 0x8000_1234, 0, false},
		{"after many wraps", 0x8000_1000, 3*4096 + 7, 0x8000_1234, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tlb := NewTLB()
			tlb.Insert(tc.insert, 0x5000)
			for range tc.flushes {
				tlb.Flush()
			}
			off, hit := tlb.Lookup(tc.lookup)
			assert.Equal(t, tc.wantHit, hit)
			if hit {
				assert.Equal(t, tc.wantOff, off)
			}
		})
	}
}

func TestTLBZeroPageNeverHitsWhenEmpty(t *testing.T) {
	tlb := NewTLB()
	_, hit := tlb.Lookup(0)
	assert.False(t, hit, "a cleared entry must not match page 0")
	for range 4095 { // land on the wrap that clears entries
		tlb.Flush()
	}
	_, hit = tlb.Lookup(0)
	assert.False(t, hit)
	tlb.Insert(0, 0)
	off, hit := tlb.Lookup(0x10)
	require.True(t, hit)
	assert.Equal(t, uint64(0x10), off)
}
