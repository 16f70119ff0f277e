// Package regname holds the names of RISC-V registers as debuggers print
// them: x0-x31 and f0-f31 by ABI name, and the CSRs rvemu's harts
// implement, by number. gdb's target description and the QEMU monitor
// both take their names from here.
package regname

import (
	"strconv"
	"strings"
)

// X are the ABI names of x0..x31.
var X = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

// F are the ABI names of f0..f31.
var F = [32]string{
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
	"fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
}

// CSR is a control and status register's number and name.
type CSR struct {
	Num  uint16
	Name string
}

// CSRs are the CSRs a hart implements (cpu/csr.go), in number order, the
// floating-point ones (fflags, frm, fcsr) excepted: debuggers show those
// with the FPU registers. pmpcfg/pmpaddr and the event counters read as
// zero and are left out.
var CSRs = []CSR{
	{0x100, "sstatus"}, {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"},
	{0x10a, "senvcfg"},
	{0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"}, {0x143, "stval"},
	{0x144, "sip"}, {0x14d, "stimecmp"}, {0x180, "satp"},
	{0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"},
	{0x304, "mie"}, {0x305, "mtvec"}, {0x306, "mcounteren"}, {0x30a, "menvcfg"},
	{0x320, "mcountinhibit"},
	{0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"}, {0x343, "mtval"},
	{0x344, "mip"},
	{0x7a0, "tselect"},
	{0xb00, "mcycle"}, {0xb02, "minstret"},
	{0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"},
	{0xf11, "mvendorid"}, {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
}

// FP CSRs: the accrued exception flags, the dynamic rounding mode, and both.
const (
	Fflags = 0x001
	Frm    = 0x002
	Fcsr   = 0x003
)

// CSRName names CSR n ("" if it is not in CSRs or an FP CSR).
func CSRName(n uint16) string {
	switch n {
	case Fflags:
		return "fflags"
	case Frm:
		return "frm"
	case Fcsr:
		return "fcsr"
	}
	for _, c := range CSRs {
		if c.Num == n {
			return c.Name
		}
	}
	return ""
}

// Lookup finds a register by name, case-insensitively: "pc", "x5" or "t0"
// (kind 'x'), "f10" or "fa0" ('f'), a CSR name ('c'). kind 0: unknown.
func Lookup(name string) (kind byte, num uint16) {
	name = strings.ToLower(name)
	if name == "pc" {
		return 'p', 0
	}
	for i := range X {
		if name == X[i] || name == "x"+strconv.Itoa(i) {
			return 'x', uint16(i)
		}
		if name == F[i] || name == "f"+strconv.Itoa(i) {
			return 'f', uint16(i)
		}
	}
	if name == "s0" {
		return 'x', 8
	}
	for _, n := range []uint16{Fflags, Frm, Fcsr} {
		if name == CSRName(n) {
			return 'c', n
		}
	}
	for _, c := range CSRs {
		if name == c.Name {
			return 'c', c.Num
		}
	}
	return 0, 0
}
