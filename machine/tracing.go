package machine

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/symtab"
	"github.com/rvemu/rvemu/virtio"
)

// Where each --trace category is installed:
//   trap   - a hart trap hook (installTraces), epc named from the ELF symbols
//   mmio   - a wrapper around every device (mapDevice, mmiotrace.go)
//   plic   - a wrapper around the PLIC decoding claim/complete (plictrace.go)
//   virtio - the block device's request hook (installTraces)
//   insn   - the board's per-instruction turn (insntrace.go)
//   e1000  - the NIC's own trace hook (wireNet): register writes by name,
//            ring snapshots (package e1000, trace.go)
//   net    - a tap on each link direction (wireNet), one line per frame
//            decoded by package framefmt

// needsSymbols: the categories that name code addresses.
func (t Trace) needsSymbols() bool { return t&(TraceTrap|TraceInsn) != 0 }

// setupTracing loads the kernel's symbols and resolves the instruction
// range, before any hart exists.
func (m *Machine) setupTracing() error {
	if !m.cfg.Trace.needsSymbols() && m.cfg.Check == 0 {
		return nil
	}
	m.syms = symtab.Load(m.cfg.Kernel)
	if !m.cfg.Trace.Has(TraceInsn) {
		return nil
	}
	lo, hi := uint64(0), ^uint64(0)
	if m.cfg.TraceInsn != "" {
		var err error
		if lo, hi, err = m.syms.ParseRange(m.cfg.TraceInsn); err != nil {
			return fmt.Errorf("--trace insn: %w", err)
		}
	}
	m.insn = &insnTracer{lo: lo, hi: hi, out: m.cfg.TraceOut, syms: m.syms}
	return nil
}

// tracedPLIC wraps the PLIC for --trace plic.
func (m *Machine) tracedPLIC(d bus.Device) bus.Device {
	if !m.cfg.Trace.Has(TracePLIC) {
		return d
	}
	return &plicTracer{dev: d, out: m.cfg.TraceOut}
}

// installTraces hooks the harts and devices for the enabled categories.
func (m *Machine) installTraces() {
	out := m.cfg.TraceOut
	if m.cfg.Trace.Has(TraceTrap) {
		for _, h := range m.harts {
			id := h.ID
			h.SetTrapHook(func(cause, epc, tval uint64, from, to uint8) {
				io.WriteString(out, formatTrap(id, cause, epc, tval, from, to, m.kernelSymbol(epc, from)))
			})
		}
	}
	if m.cfg.Trace.Has(TraceVirtio) && m.blk != nil {
		m.blk.SetRequestHook(func(r virtio.Request) { io.WriteString(out, formatVirtio(r)) })
	}
}

// formatVirtio is one --trace virtio line.
func formatVirtio(r virtio.Request) string {
	return fmt.Sprintf("virtio: %s sector %d len %d status %d (%s) desc %d\n",
		r.TypeName(), r.Sector, r.Length, r.Status, r.StatusName(), r.Head)
}

// kernelSymbol names pc from the kernel's symbols, except for user code
// (priv U), whose addresses mean something else.
func (m *Machine) kernelSymbol(pc uint64, priv uint8) string {
	if priv == 0 {
		return ""
	}
	return m.syms.Describe(pc)
}
