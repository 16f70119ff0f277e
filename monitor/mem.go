package monitor

import (
	"github.com/rvemu/rvemu/mmu"
)

// maxMapLines bounds info mem and info tlb: a guest table can map millions
// of pages, and a terminal is no place for them all.
const maxMapLines = 1 << 16

// attrs prints a PTE's permission bits as info mem does: r w x u g a d,
// '-' for each bit that is clear.
func attrs(pte uint64) string {
	b := []byte("rwxugad")
	for i, bit := range []uint64{mmu.PTER, mmu.PTEW, mmu.PTEX, mmu.PTEU, mmu.PTEG, mmu.PTEA, mmu.PTED} {
		if pte&bit == 0 {
			b[i] = '-'
		}
	}
	return string(b)
}

// satp is the current CPU's satp when it selects Sv39; ok=false after
// printing QEMU's answer for a CPU without translation.
func (m *Monitor) satp(c *call) (uint64, bool) {
	satp := m.b.CSR(m.cpu, csrSatp)
	if satp>>mmu.SatpModeShift != mmu.SatpModeSv39 {
		c.printf("No translation or protection\n")
		return 0, false
	}
	return satp, true
}

// vaMask keeps the 39 bits of an Sv39 address: QEMU judges contiguity
// before sign extension, so the last gigabyte of the lower half runs on
// into the first of the upper half.
const vaMask = 1<<39 - 1

// infoMem lists the current satp's mappings as ranges: consecutive leaves
// of one table page with the same permission bits, each mapping the
// virtual and physical addresses that follow the one before, make one
// line. The rules are QEMU 7.2's for RISC-V, so the output matches line
// for line; one of them is that a range never continues into another
// table page, so a contiguous mapping prints one line per 2 MiB (or per
// 1 GiB of superpages).
func (m *Monitor) infoMem(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	satp, ok := m.satp(c)
	if !ok {
		return nil
	}
	c.printf("vaddr            paddr            size             attr\n")
	c.printf("---------------- ---------------- ---------------- -------\n")
	var cur mmu.Leaf // the range being built: its start, and its size so far
	var last mmu.Leaf
	lines := 0
	flush := func() bool {
		if cur.Size == 0 {
			return true
		}
		if lines == maxMapLines {
			return false
		}
		lines++
		c.printf("%016x %016x %016x %s\n", cur.VA, cur.PA, cur.Size, attrs(cur.PTE))
		return true
	}
	complete := mmu.Walk(physMem{m.b}, satp, func(l mmu.Leaf) bool {
		if cur.Size != 0 && l.Table == last.Table && l.PTE&0xff == cur.PTE&0xff &&
			l.VA&vaMask == (last.VA+last.Size)&vaMask && l.PA == last.PA+last.Size {
			cur.Size += l.Size
		} else {
			if !flush() {
				return false
			}
			cur = l
		}
		last = l
		return true
	})
	if complete && flush() {
		return nil
	}
	c.printf("(stopped after %d lines: the table maps too much to list)\n", lines)
	return nil
}

// infoTLB lists every leaf entry of the current satp's table, one line
// each: "vaddr: paddr size attr". (QEMU 7.2 has no info tlb for RISC-V;
// this is x86's per-page listing in info mem's columns.)
func (m *Monitor) infoTLB(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	satp, ok := m.satp(c)
	if !ok {
		return nil
	}
	lines, cut := 0, false
	complete := mmu.Walk(physMem{m.b}, satp, func(l mmu.Leaf) bool {
		if lines == maxMapLines {
			cut = true
			return false
		}
		lines++
		c.printf("%016x: %016x %s %s\n", l.VA, l.PA, pageSize(l.Size), attrs(l.PTE))
		return true
	})
	if !complete || cut {
		c.printf("(stopped after %d lines: the table maps too much to list)\n", lines)
	}
	return nil
}

func pageSize(n uint64) string {
	switch n {
	case 1 << 30:
		return "1G"
	case 2 << 20:
		return "2M"
	}
	return "4K"
}
