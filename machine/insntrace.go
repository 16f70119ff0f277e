package machine

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/disasm"
	"github.com/rvemu/rvemu/symtab"
)

// insnTracer prints every instruction whose pc lies in [lo, hi) before it
// runs ("--trace insn", "--trace insn:e1000_recv"). While it is installed
// the board runs each hart one instruction at a time (insnTurn) so that the
// ordinary loop stays free of per-instruction checks.
type insnTracer struct {
	lo, hi uint64
	out    io.Writer
	syms   *symtab.Table
}

// insnTurn gives each hart a quantum, one instruction at a time, tracing
// the ones in range. It reports whether any hart ran.
func (m *Machine) insnTurn() (ran bool) {
	for _, h := range m.harts {
		m.setCurrent(h)
		for n := 0; n < m.cfg.Quantum; n++ {
			if h.ReadCSR(csrMip)&h.ReadCSR(csrMie) != 0 {
				// Enter a pending interrupt's handler first, so its first
				// instruction is traced too.
				h.Run(0)
			}
			if h.Waiting() {
				break
			}
			if h.PC >= m.insn.lo && h.PC < m.insn.hi {
				m.insn.trace(m, h)
			}
			mmio := m.mmioCount
			retired := h.Run(1)
			m.clock.advance(retired)
			ran = true
			if mmio != m.mmioCount {
				m.afterMMIO(h)
			}
			if _, done := m.fin.exited(); done {
				return ran
			}
		}
	}
	return ran
}

// trace prints one line: hart, privilege, pc <symbol+off>, raw bits and
// the GNU-syntax disassembly.
func (t *insnTracer) trace(m *Machine, h *cpu.Hart) {
	raw, size, ok := m.fetchForTrace(h)
	sym := m.kernelSymbol(h.PC, h.Priv)
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

// fetchForTrace reads the instruction at the hart's pc through its page
// table (as a load would translate it), without touching devices.
func (m *Machine) fetchForTrace(h *cpu.Hart) (raw uint32, size int, ok bool) {
	half := func(va uint64) (uint16, bool) {
		pa, ok := h.Translate(va)
		if !ok || !m.bus.InRAM(pa, 2) {
			return 0, false
		}
		off := pa - m.bus.RAMBase
		return uint16(m.bus.RAM[off]) | uint16(m.bus.RAM[off+1])<<8, true
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
