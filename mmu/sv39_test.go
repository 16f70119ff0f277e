package mmu

import (
	"testing"

	"github.com/rvemu/rvemu/bus"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeMem is physical memory for page tables: a sparse map of 8-byte words.
type fakeMem map[uint64]uint64

func (m fakeMem) Load(pa uint64, size int) (uint64, bool) {
	if pa >= 0x9000_0000 {
		return 0, false // nothing mapped up there
	}
	return m[pa], true
}

func (m fakeMem) Store(pa uint64, size int, v uint64) bool {
	m[pa] = v
	return true
}

const (
	root = 0x8000_0000
	l1   = 0x8000_1000
	l0   = 0x8000_2000
)

func pte(pa, flags uint64) uint64 { return pa>>12<<10 | flags }

// newTables maps:
//
//	VA 0x0000_1000 -> PA 0x8010_0000 (4 KiB, flags given per test)
//	VA 0x0020_0000 -> PA 0x8020_0000 (2 MiB megapage, RWX A D)
//	VA 0x4000_0000 -> PA 0x8000_0000 (1 GiB gigapage, RWX A D)
//	VA 0x0040_0000 -> misaligned megapage (PA 0x8030_1000)
func newTables(leaf uint64) fakeMem {
	m := fakeMem{}
	m[root+0*8] = pte(l1, PTEV)
	m[root+1*8] = pte(0x8000_0000, PTEV|PTER|PTEW|PTEX|PTEA|PTED)
	m[l1+0*8] = pte(l0, PTEV)
	m[l1+1*8] = pte(0x8020_0000, PTEV|PTER|PTEW|PTEX|PTEA|PTED)
	m[l1+2*8] = pte(0x8030_1000, PTEV|PTER|PTEW|PTEA|PTED)
	m[l0+1*8] = pte(0x8010_0000, leaf)
	return m
}

func sv39(priv uint8) Context {
	return Context{Satp: SatpModeSv39<<SatpModeShift | root>>12, Priv: priv}
}

func TestTranslate(t *testing.T) {
	const all = PTEV | PTER | PTEW | PTEX | PTEA | PTED
	tests := []struct {
		name  string
		leaf  uint64
		ctx   Context
		va    uint64
		acc   Access
		pa    uint64
		cause uint64 // 0: success
	}{
		{"4K load", all, sv39(PrivS), 0x1234, Load, 0x8010_0234, 0},
		{"megapage", all, sv39(PrivS), 0x2f_fff8, Store, 0x802f_fff8, 0},
		{"gigapage", all, sv39(PrivS), 0x4123_4567, Fetch, 0x8123_4567, 0},
		{"bare in M", 0, sv39(PrivM), 0x1234, Load, 0x1234, 0},
		{"bare satp", 0, Context{Priv: PrivS}, 0x1234, Store, 0x1234, 0},
		{"unmapped", all, sv39(PrivS), 0x5000, Load, 0, 13},
		{"invalid leaf fetch", all &^ PTEV, sv39(PrivS), 0x1000, Fetch, 0, 12},
		{"W without R is reserved", PTEV | PTEW | PTEA | PTED, sv39(PrivS), 0x1000, Store, 0, 15},
		{"store to read-only", PTEV | PTER | PTEA, sv39(PrivS), 0x1000, Store, 0, 15},
		{"fetch non-executable", PTEV | PTER | PTEA, sv39(PrivS), 0x1000, Fetch, 0, 12},
		{"load execute-only", PTEV | PTEX | PTEA, sv39(PrivS), 0x1000, Load, 0, 13},
		{"load execute-only with MXR", PTEV | PTEX | PTEA, Context{Satp: sv39(0).Satp, Priv: PrivS, MXR: true}, 0x1000, Load, 0x8010_0000, 0},
		{"U page from U", all | PTEU, sv39(PrivU), 0x1000, Load, 0x8010_0000, 0},
		{"S page from U", all, sv39(PrivU), 0x1000, Load, 0, 13},
		{"U page from S", all | PTEU, sv39(PrivS), 0x1000, Load, 0, 13},
		{"U page from S with SUM", all | PTEU, Context{Satp: sv39(0).Satp, Priv: PrivS, SUM: true}, 0x1000, Store, 0x8010_0000, 0},
		{"U page fetch from S even with SUM", all | PTEU, Context{Satp: sv39(0).Satp, Priv: PrivS, SUM: true}, 0x1000, Fetch, 0, 12},
		{"misaligned megapage", all, sv39(PrivS), 0x40_0000, Load, 0, 13},
		{"non-canonical", all, sv39(PrivS), 0x80_0000_1000, Load, 0, 13},
		{"canonical negative unmapped", all, sv39(PrivS), 0xffff_ffc0_0000_1000, Store, 0, 15},
		{"reserved high bits", all | 1<<60, sv39(PrivS), 0x1000, Load, 0, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newTables(tt.leaf)
			pa, cause, ok := Translate(mem, tt.ctx, tt.va, tt.acc, true)
			if tt.cause != 0 {
				require.False(t, ok)
				assert.Equal(t, tt.cause, cause)
				return
			}
			require.True(t, ok, "cause %d", cause)
			assert.Equal(t, tt.pa, pa)
		})
	}
}

func TestAccessedDirtyBits(t *testing.T) {
	tests := []struct {
		name   string
		acc    Access
		update bool
		want   uint64
	}{
		{"load sets A", Load, true, PTEA},
		{"fetch sets A", Fetch, true, PTEA},
		{"store sets A and D", Store, true, PTEA | PTED},
		{"no update leaves PTE", Store, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newTables(PTEV | PTER | PTEW | PTEX)
			_, _, ok := Translate(mem, sv39(PrivS), 0x1000, tt.acc, tt.update)
			require.True(t, ok)
			assert.Equal(t, tt.want, mem[l0+8]&(PTEA|PTED))
		})
	}
}

func TestPageTableOutsideMemory(t *testing.T) {
	ctx := Context{Satp: SatpModeSv39<<SatpModeShift | 0x9000_0000>>12, Priv: PrivS}
	for _, acc := range []Access{Fetch, Load, Store} {
		_, cause, ok := Translate(fakeMem{}, ctx, 0x1000, acc, true)
		assert.False(t, ok)
		assert.Equal(t, acc.AccessFault(), cause)
	}
}

func TestTLB(t *testing.T) {
	tlb := NewTLB()
	_, ok := tlb.Lookup(0x1234)
	assert.False(t, ok, "empty TLB")
	tlb.Insert(0x1234, 0x5000)
	off, ok := tlb.Lookup(0x1ff8)
	assert.True(t, ok)
	assert.Equal(t, uint64(0x5ff8), off)
	_, ok = tlb.Lookup(0x1000 + TLBSize*0x1000)
	assert.False(t, ok, "an aliasing page does not hit")
	tlb.Flush()
	_, ok = tlb.Lookup(0x1234)
	assert.False(t, ok, "flushed")
}

func BenchmarkTranslateWalk(b *testing.B) {
	mem := newTables(PTEV | PTER | PTEW | PTEX | PTEA | PTED)
	ctx := sv39(PrivS)
	for i := 0; i < b.N; i++ {
		if _, _, ok := Translate(mem, ctx, 0x1234, Load, true); !ok {
			b.Fatal("walk failed")
		}
	}
}

func BenchmarkTLBLookup(b *testing.B) {
	tlb := NewTLB()
	for p := uint64(0); p < TLBSize; p++ {
		tlb.Insert(p<<12, p<<12)
	}
	var sum uint64
	for i := 0; i < b.N; i++ {
		off, _ := tlb.Lookup(uint64(i&(TLBSize-1)) << 12)
		sum += off
	}
	_ = sum
}

// The same tables in a real bus's RAM (the walker's direct-read path) give
// the same answers and get the same A/D updates.
func TestTranslateOnBus(t *testing.T) {
	leaf := uint64(PTEV | PTER | PTEW)
	fake := newTables(leaf)
	b := bus.New(0x8000_0000, 0x40_0000)
	for pa, v := range fake {
		require.NoError(t, b.WriteU64(pa, v))
	}
	for _, va := range []uint64{0x1008, 0x2f_fff8, 0x4123_4567, 0x5000, 0x40_0000} {
		wantPA, wantCause, wantOK := Translate(fake, sv39(PrivS), va, Store, true)
		pa, cause, ok := Translate(b, sv39(PrivS), va, Store, true)
		assert.Equal(t, wantOK, ok, "va %#x", va)
		assert.Equal(t, wantPA, pa, "va %#x", va)
		assert.Equal(t, wantCause, cause, "va %#x", va)
	}
	v, err := b.ReadU64(l0 + 8)
	require.NoError(t, err)
	assert.Equal(t, fake[l0+8], v, "A/D set alike")
	assert.Equal(t, uint64(PTEA|PTED), v&(PTEA|PTED))
}

// A/D updates in RAM are a compare-and-swap: when another hart changed the
// entry after the walk read it, the update must not write the stale entry
// back (it would resurrect an unmapped page).
func TestUpdatePTEInRAM(t *testing.T) {
	tests := []struct {
		name        string
		inRAM, old  uint64
		wantSwapped bool
		wantRAM     uint64
	}{
		{"unchanged entry gets A/D", 0x1001, 0x1001, true, 0x10c1},
		{"entry changed meanwhile", 0, 0x1001, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bus.New(0x8000_0000, 1<<20)
			require.NoError(t, b.WriteU64(0x8000_0008, tt.inRAM))
			swapped, found := updatePTE(b, 0x8000_0008, tt.old, tt.old|pteA|pteD)
			assert.True(t, found)
			assert.Equal(t, tt.wantSwapped, swapped)
			got, err := b.ReadU64(0x8000_0008)
			require.NoError(t, err)
			assert.Equal(t, tt.wantRAM, got)
		})
	}
}
