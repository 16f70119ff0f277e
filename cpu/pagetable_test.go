package cpu

import "encoding/binary"

const (
	pteV   = 1
	pteR   = 2
	pteW   = 4
	pteX   = 8
	pteU   = 16
	pteA   = 64
	pteD   = 128
	pteRWX = pteR | pteW | pteX | pteA | pteD
)

// pageTables builds Sv39 tables in test RAM, allocating table pages
// upward from next.
type pageTables struct {
	m    *testMachine
	root uint64
	next uint64
}

func newPageTables(m *testMachine, at uint64) *pageTables {
	return &pageTables{m: m, root: at, next: at + 0x1000}
}

func (p *pageTables) read(pa uint64) uint64 {
	return binary.LittleEndian.Uint64(p.m.bus.RAM[pa-ramBase:])
}

func (p *pageTables) write(pa, v uint64) {
	binary.LittleEndian.PutUint64(p.m.bus.RAM[pa-ramBase:], v)
}

// pteAddr returns the address of the PTE for va at level (2 root .. 0),
// creating intermediate tables.
func (p *pageTables) pteAddr(va uint64, level int) uint64 {
	table := p.root
	for l := 2; l > level; l-- {
		a := table + (va>>(12+9*uint(l))&511)*8
		pte := p.read(a)
		if pte&pteV == 0 {
			pte = (p.next>>12)<<10 | pteV
			p.next += 0x1000
			p.write(a, pte)
		}
		table = (pte >> 10) << 12
	}
	return table + (va>>(12+9*uint(level))&511)*8
}

// mapPage maps one 4 KiB page with the given flag bits (V is added).
func (p *pageTables) mapPage(va, pa, flags uint64) {
	p.write(p.pteAddr(va, 0), (pa>>12)<<10|flags|pteV)
}

func (p *pageTables) mapRange(va, pa, size, flags uint64) {
	for off := uint64(0); off < size; off += 0x1000 {
		p.mapPage(va+off, pa+off, flags)
	}
}
