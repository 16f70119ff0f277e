package monitor

import (
	"fmt"
	"strings"

	"github.com/rvemu/rvemu/regname"
)

// dumpCSRs are the CSRs info registers shows, in QEMU 7.2's order for a
// RISC-V CPU without the hypervisor extension.
var dumpCSRs = []uint16{
	0xf14, // mhartid
	0x300, // mstatus
	0x344, // mip
	0x304, // mie
	0x303, // mideleg
	0x302, // medeleg
	0x305, // mtvec
	0x105, // stvec
	0x341, // mepc
	0x141, // sepc
	0x342, // mcause
	0x142, // scause
	0x343, // mtval
	0x143, // stval
	0x340, // mscratch
	0x140, // sscratch
	0x180, // satp
}

func (m *Monitor) infoRegisters(c *call) error {
	arg := strings.TrimSpace(c.rest)
	switch {
	case arg == "":
		m.dumpRegisters(c, m.cpu)
	case arg == "-a":
		for i := 0; i < m.b.Harts(); i++ {
			m.dumpRegisters(c, i)
		}
	default:
		v, err := m.wholeExpr(c, arg)
		if err != nil {
			return err
		}
		if v >= uint64(m.b.Harts()) {
			c.printf("CPU#%d not available\n", int64(v))
			return nil
		}
		m.dumpRegisters(c, int(v))
	}
	return nil
}

// dumpRegisters prints one hart in QEMU's layout: pc and the machine and
// supervisor CSRs a line each, then x0-x31 and (with an FPU) f0-f31 four
// to a line, named "x10/a0".
func (m *Monitor) dumpRegisters(c *call, i int) {
	h := m.b.Hart(i)
	c.printf("\nCPU#%d\n", i)
	c.printf(" %-8s %016x\n", "pc", h.PC)
	for _, n := range dumpCSRs {
		c.printf(" %-8s %016x\n", regname.CSRName(n), m.b.CSR(i, n))
	}
	x := regname.X
	x[8] = "s0" // QEMU's name; gdb's is fp
	regRows(c, "x", x[:], h.X[:])
	if h.FPU {
		regRows(c, "f", regname.F[:], h.F[:])
	}
}

func regRows(c *call, prefix string, names []string, vals []uint64) {
	var line strings.Builder
	for i, v := range vals {
		fmt.Fprintf(&line, " %-8s %016x", fmt.Sprintf("%s%d/%s", prefix, i, names[i]), v)
		if i%4 == 3 {
			c.printf("%s\n", line.String())
			line.Reset()
		}
	}
}

// privName is a privilege level's letter.
func privName(p uint8) string {
	switch p {
	case 0:
		return "U"
	case 1:
		return "S"
	case 3:
		return "M"
	}
	return "?"
}

// infoCPUs lists the harts, the current one starred, with each one's pc
// and privilege; "(halted)" marks a hart waiting in WFI, as QEMU says.
func (m *Monitor) infoCPUs(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	for i := 0; i < m.b.Harts(); i++ {
		h := m.b.Hart(i)
		mark := ' '
		if i == m.cpu {
			mark = '*'
		}
		halted := ""
		if h.Waiting {
			halted = " (halted)"
		}
		c.printf("%c CPU #%d: pc=0x%016x mode=%s%s\n", mark, i, h.PC, privName(h.Priv), halted)
	}
	return nil
}

func (m *Monitor) selectCPU(c *call) error {
	v, err := m.wholeExpr(c, c.rest)
	if err != nil {
		return err
	}
	if int64(v) < 0 || int64(v) > 1<<31-1 {
		return usagef("'cpu' has failed: integer is for 32-bit values")
	}
	if !m.SetCPU(int(v)) {
		c.printf("invalid CPU index\n")
	}
	return nil
}
