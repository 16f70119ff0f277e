package trace

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/disasm"
	"github.com/rvemu/rvemu/symtab"
)

// InsnTracer prints every instruction whose pc lies in its range before it runs
// ("--trace insn", "--trace insn:e1000_recv"). The board calls Before for
// each instruction while it is installed, running the harts one
// instruction at a time, so that its ordinary loop stays free of
// per-instruction checks.
type InsnTracer struct {
	lo, hi uint64
	out    io.Writer
	syms   *symtab.Table
	bus    *bus.Bus
}

// NewInsnTracer traces the code range spec: a kernel symbol ("e1000_recv"),
// "0xLO-0xHI" (HI exclusive) or one address, read with syms; "" traces
// every instruction. Instructions are read from b's RAM.
func NewInsnTracer(spec string, syms *symtab.Table, b *bus.Bus, out io.Writer) (*InsnTracer, error) {
	lo, hi := uint64(0), ^uint64(0)
	if spec != "" {
		var err error
		if lo, hi, err = syms.ParseRange(spec); err != nil {
			return nil, fmt.Errorf("--trace insn: %w", err)
		}
	}
	return &InsnTracer{lo: lo, hi: hi, out: out, syms: syms, bus: b}, nil
}

// Before traces the instruction h is about to run if its pc is in range:
// hart, privilege, pc <symbol+off>, raw bits and the GNU-syntax
// disassembly (package disasm).
func (t *InsnTracer) Before(h *cpu.Hart) {
	if h.PC < t.lo || h.PC >= t.hi {
		return
	}
	raw, size, ok := t.fetch(h)
	sym := CodeName(t.syms, h.PC, h.Priv)
	where := ""
	if sym != "" {
		where = " <" + sym + ">"
	}
	if !ok {
		fmt.Fprintf(t.out, "insn: hart %d %s %#x%s (not readable)\n", h.ID, privNames[h.Priv&3], h.PC, where)
		return
	}
	syms := t.syms
	if h.Priv == 0 {
		syms = nil // user code: kernel symbols would mislead
	}
	text := disasm.Format(raw, size, h.PC, syms)
	enc := fmt.Sprintf("%08x", raw)
	if size == 2 {
		enc = fmt.Sprintf("    %04x", raw)
	}
	fmt.Fprintf(t.out, "insn: hart %d %s %#x%s %s %s\n", h.ID, privNames[h.Priv&3], h.PC, where, enc, text)
}

// fetch reads the instruction at the hart's pc through its page table (as
// a load would translate it), without touching devices.
func (t *InsnTracer) fetch(h *cpu.Hart) (raw uint32, size int, ok bool) {
	half := func(va uint64) (uint16, bool) {
		pa, ok := h.Translate(va)
		if !ok || !t.bus.InRAM(pa, 2) {
			return 0, false
		}
		off := pa - t.bus.RAMBase
		return uint16(t.bus.RAM[off]) | uint16(t.bus.RAM[off+1])<<8, true
	}
	lo, ok := half(h.PC)
	if !ok {
		return 0, 0, false
	}
	if lo&3 != 3 {
		return uint32(lo), 2, true
	}
	hi, ok := half(h.PC + 2)
	if !ok {
		return 0, 0, false
	}
	return uint32(lo) | uint32(hi)<<16, 4, true
}
