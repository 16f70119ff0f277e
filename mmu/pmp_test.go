package mmu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	pmpAll   = pmpNAPOT | PMPR | PMPW | PMPX
	ramStart = 0x80000000
)

// pmpWith builds a PMP from (pmpaddr, cfg) pairs for entries 0, 1, ...
func pmpWith(entries ...[2]uint64) *PMP {
	p := &PMP{}
	var cfg0, cfg2 uint64
	for i, e := range entries {
		p.WriteAddr(i, e[0])
		if i < 8 {
			cfg0 |= e[1] << (8 * i)
		} else {
			cfg2 |= e[1] << (8 * (i - 8))
		}
	}
	p.WriteCfg(0, cfg0)
	p.WriteCfg(2, cfg2)
	return p
}

func TestPMPCheck(t *testing.T) {
	na4R := pmpWith([2]uint64{(ramStart + 0x100) >> 2, pmpNA4 | PMPR}, [2]uint64{^uint64(0), pmpAll})
	tor := pmpWith([2]uint64{(ramStart + 0x1000) >> 2, pmpOff}, [2]uint64{(ramStart + 0x2000) >> 2, pmpTOR | PMPX})
	napot := pmpWith([2]uint64{(ramStart>>2 | 0x3ff) &^ 0x400, pmpNAPOT | PMPW | PMPR}) // 8 KiB at ramStart
	locked := pmpWith([2]uint64{(ramStart + 0x10) >> 2, PMPL | pmpNA4}, [2]uint64{^uint64(0), pmpAll})
	// As xv6 opens memory to S: TOR from 0 to the top of pmpaddr, RWX.
	xv6 := pmpWith([2]uint64{0x3fffffffffffff, pmpTOR | PMPR | PMPW | PMPX})
	openLow := pmpWith([2]uint64{ramStart >> 2, pmpTOR | PMPR | PMPW | PMPX}, [2]uint64{^uint64(0), pmpNAPOT | PMPR})
	tests := []struct {
		name string
		p    *PMP
		pa   uint64
		size int
		acc  Access
		priv uint8
		want bool
	}{
		{"no entry enabled: S unchecked", &PMP{}, 0x1234, 8, Store, PrivS, true},
		{"no entry enabled: U unchecked", &PMP{}, 0, 4, Fetch, PrivU, true},
		{"NA4 R: word load", na4R, ramStart + 0x100, 4, Load, PrivS, true},
		{"NA4 R: store", na4R, ramStart + 0x100, 4, Store, PrivS, false},
		{"NA4 R: 8 bytes match in part", na4R, ramStart + 0x100, 8, Load, PrivS, false},
		{"NA4 R: straddling its start", na4R, ramStart + 0xfe, 4, Load, PrivS, false},
		{"NA4 R: next word is entry 1", na4R, ramStart + 0x104, 4, Store, PrivU, true},
		{"NA4 unlocked: M ignores permissions", na4R, ramStart + 0x100, 4, Store, PrivM, true},
		{"NA4 unlocked: M partial match still fails", na4R, ramStart + 0xfc, 8, Store, PrivM, false},
		{"TOR: inside", tor, ramStart + 0x1800, 2, Fetch, PrivS, true},
		{"TOR: top is exclusive", tor, ramStart + 0x2000, 2, Fetch, PrivS, false},
		{"TOR: no match for S fails", tor, ramStart + 0x3000, 4, Load, PrivS, false},
		{"TOR: no match for M passes", tor, ramStart + 0x3000, 4, Load, PrivM, true},
		{"TOR: load without R", tor, ramStart + 0x1000, 4, Load, PrivU, false},
		{"NAPOT 8 KiB: last bytes", napot, ramStart + 0x1ff8, 8, Store, PrivS, true},
		{"NAPOT 8 KiB: just past", napot, ramStart + 0x2000, 1, Load, PrivS, false},
		{"NAPOT 8 KiB: no X", napot, ramStart, 4, Fetch, PrivS, false},
		{"locked: binds M", locked, ramStart + 0x10, 4, Load, PrivM, false},
		{"locked: next word free", locked, ramStart + 0x14, 4, Load, PrivM, true},
		{"all ones NAPOT: whole space", pmpWith([2]uint64{^uint64(0), pmpNAPOT | PMPR}), 1<<55 + 8, 8, Load, PrivU, true},
		{"xv6: any access below the top", xv6, ramStart, 8, Store, PrivU, true},
		{"xv6: the last granule matches nothing", xv6, 1<<56 - 4, 4, Load, PrivS, false},
		{"open first entry: below its top", openLow, ramStart - 8, 8, Fetch, PrivU, true},
		{"open first entry: across its top", openLow, ramStart - 4, 8, Load, PrivS, false},
		{"open first entry: entry 1 above", openLow, ramStart, 8, Store, PrivS, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.p.Check(tt.pa, tt.size, tt.acc, tt.priv), tt.name)
	}
}

func TestPMPPageAllowed(t *testing.T) {
	split := pmpWith([2]uint64{(ramStart + 0x100) >> 2, pmpNA4 | PMPR}, [2]uint64{^uint64(0), pmpAll})
	pages := pmpWith([2]uint64{(ramStart + 0x1000) >> 2, pmpOff}, [2]uint64{(ramStart + 0x3000) >> 2, pmpTOR | PMPR})
	tests := []struct {
		name string
		p    *PMP
		pa   uint64
		acc  Access
		priv uint8
		want bool
	}{
		{"inactive", &PMP{}, ramStart, Store, PrivU, true},
		{"a page an entry splits", split, ramStart + 0x123, Load, PrivS, false},
		{"split even for M", split, ramStart, Load, PrivM, false},
		{"the next page: entry 1 whole", split, ramStart + 0x1000, Store, PrivS, true},
		{"TOR over whole pages", pages, ramStart + 0x2fff, Load, PrivS, true},
		{"TOR over whole pages: no W", pages, ramStart + 0x1000, Store, PrivS, false},
		{"outside every entry: S refused", pages, ramStart + 0x5000, Load, PrivS, false},
		{"outside every entry: M free", pages, ramStart + 0x5000, Store, PrivM, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.p.PageAllowed(tt.pa, tt.acc, tt.priv), tt.name)
	}
}

func TestPMPRegisters(t *testing.T) {
	p := &PMP{}
	p.WriteAddr(3, ^uint64(0))
	assert.Equal(t, uint64(1<<54-1), p.ReadAddr(3), "pmpaddr holds bits 55:2")

	p.WriteCfg(0, 0x00_00_00_00_00_00_62_1f)
	assert.Equal(t, uint64(0x1f), p.ReadCfg(0), "W without R (and bits 6:5) ignored")
	assert.True(t, p.Active())
	p.WriteCfg(0, 0)
	assert.False(t, p.Active())

	// Entry 9 locked TOR: it and pmpaddr8 (its bottom) refuse writes.
	p.WriteAddr(8, 0x100)
	p.WriteAddr(9, 0x200)
	p.WriteCfg(2, uint64(PMPL|pmpTOR|PMPR)<<8)
	p.WriteAddr(8, 0x111)
	p.WriteAddr(9, 0x222)
	p.WriteCfg(2, 0)
	assert.Equal(t, uint64(0x100), p.ReadAddr(8))
	assert.Equal(t, uint64(0x200), p.ReadAddr(9))
	assert.Equal(t, uint64(PMPL|pmpTOR|PMPR)<<8, p.ReadCfg(2))
	p.WriteAddr(10, 0x333) // entry 10 is free
	assert.Equal(t, uint64(0x333), p.ReadAddr(10))
}
