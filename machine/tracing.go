package machine

import (
	"io"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/symtab"
	"github.com/rvemu/rvemu/trace"
	"github.com/rvemu/rvemu/virtio"
)

// Where each --trace category is installed (the lines are package trace's):
//   trap   - a hart trap hook (installTraces), epc named from the ELF symbols
//   mmio   - a wrapper around every device (mapDevice)
//   plic   - a wrapper around the PLIC decoding claim/complete (tracedPLIC)
//   virtio - the block device's request hook (installTraces)
//   insn   - the board's per-instruction turn (insnTurn)
//   e1000  - the NIC's own trace hook (wireNet): register writes by name,
//            ring snapshots (package e1000, trace.go)
//   net    - a tap on each link direction (wireNet), one line per frame
//            decoded by package framefmt

// setupTracing loads the kernel's symbols and resolves the instruction
// range, before any hart exists.
func (m *Machine) setupTracing() error {
	if !m.cfg.Trace.NeedsSymbols() && m.cfg.Check == 0 {
		return nil
	}
	m.syms = symtab.Load(m.cfg.Kernel)
	if !m.cfg.Trace.Has(trace.Insn) {
		return nil
	}
	var err error
	m.insn, err = trace.NewInsnTracer(m.cfg.TraceInsn, m.syms, m.bus, m.cfg.TraceOut)
	return err
}

// tracedPLIC wraps the PLIC for --trace plic.
func (m *Machine) tracedPLIC(d bus.Device) bus.Device {
	if !m.cfg.Trace.Has(trace.PLIC) {
		return d
	}
	return trace.PLICDevice(d, m.cfg.TraceOut, irqName)
}

// installTraces hooks the harts and devices for the enabled categories.
func (m *Machine) installTraces() {
	out := m.cfg.TraceOut
	if m.cfg.Trace.Has(trace.Trap) {
		for _, h := range m.harts {
			h.SetTrapHook(trace.TrapHook(out, h.ID, m.syms))
		}
	}
	if m.cfg.Trace.Has(trace.Virtio) && m.blk != nil {
		m.blk.SetRequestHook(func(r virtio.Request) { io.WriteString(out, trace.VirtioLine(r)) })
	}
}
