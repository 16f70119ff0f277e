package gdbstub

import (
	"fmt"
	"strings"
)

// csrNames are the CSRs the target description offers, by number. GDB
// matches them to its own CSR list by name.
var csrNames = []struct {
	num  uint16
	name string
}{
	{0x100, "sstatus"}, {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"},
	{0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"}, {0x143, "stval"},
	{0x144, "sip"}, {0x180, "satp"},
	{0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"},
	{0x304, "mie"}, {0x305, "mtvec"}, {0x306, "mcounteren"},
	{0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"}, {0x343, "mtval"},
	{0x344, "mip"}, {0xf14, "mhartid"},
}

// abiNames are the names of x0..x31 in the cpu feature.
var abiNames = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

// gRegs is how many registers the g packet carries: x0..x31 and pc. GDB
// fetches the rest one by one with p.
const gRegs = 33

// targetXML is the description GDB reads with qXfer:features:read. Every
// register carries its p/P number (regnum), the same numbering as Reg.
var targetXML = buildTargetXML()

func buildTargetXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
<architecture>riscv:rv64</architecture>
<feature name="org.gnu.gdb.riscv.cpu">
`)
	for i, name := range abiNames {
		typ := "int"
		switch name {
		case "ra":
			typ = "code_ptr"
		case "sp", "gp", "tp", "fp":
			typ = "data_ptr"
		}
		fmt.Fprintf(&b, "<reg name=%q bitsize=\"64\" type=%q regnum=\"%d\"/>\n", name, typ, RegX(i))
	}
	fmt.Fprintf(&b, "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n</feature>\n", RegPC)
	b.WriteString("<feature name=\"org.gnu.gdb.riscv.csr\">\n")
	for _, c := range csrNames {
		fmt.Fprintf(&b, "<reg name=%q bitsize=\"64\" type=\"int\" regnum=\"%d\" group=\"system\"/>\n", c.name, RegCSR(c.num))
	}
	b.WriteString("</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n")
	fmt.Fprintf(&b, "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%d\" group=\"system\"/>\n", RegPriv)
	b.WriteString("</feature>\n</target>\n")
	return b.String()
}

// knownReg reports whether the description lists r (p/P for any other
// number get an error, as GDB expects for registers that do not exist).
func knownReg(r Reg) bool {
	if r <= RegPC || r == RegPriv {
		return true
	}
	if n, ok := r.IsCSR(); ok {
		for _, c := range csrNames {
			if c.num == n {
				return true
			}
		}
	}
	return false
}
