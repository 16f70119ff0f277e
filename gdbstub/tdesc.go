package gdbstub

import (
	"fmt"
	"strings"

	"github.com/rvemu/rvemu/regname"
)

// gRegs is how many registers the g packet carries: x0..x31 and pc. GDB
// fetches the rest one by one with p.
const gRegs = 33

// tdescReg is one register of the target description.
type tdescReg struct {
	name    string
	num     Reg
	bits    int    // 64, or 32 for fflags, frm and fcsr (as gdb's own RISC-V descriptions have them)
	typ     string // "int", "code_ptr", "data_ptr", "riscv_double"
	group   string // "" or "system", "float"
	feature string
}

// Feature names gdb's RISC-V port looks for.
const (
	featureCPU     = "org.gnu.gdb.riscv.cpu"
	featureFPU     = "org.gnu.gdb.riscv.fpu"
	featureCSR     = "org.gnu.gdb.riscv.csr"
	featureVirtual = "org.gnu.gdb.riscv.virtual"
)

// tdescRegs are the registers the description offers, feature by
// feature. The FPU feature is what lets gdb load an ELF built for the
// lp64d ABI (Debian's riscv64-unknown-elf-gcc default): without it gdb
// says "bfd requires flen 8, but target has flen 0".
var tdescRegs = buildTdescRegs()

func buildTdescRegs() []tdescReg {
	var regs []tdescReg
	for i, name := range regname.X {
		typ := "int"
		switch name {
		case "ra":
			typ = "code_ptr"
		case "sp", "gp", "tp", "fp":
			typ = "data_ptr"
		}
		regs = append(regs, tdescReg{name: name, num: RegX(i), bits: 64, typ: typ, feature: featureCPU})
	}
	regs = append(regs, tdescReg{name: "pc", num: RegPC, bits: 64, typ: "code_ptr", feature: featureCPU})
	for i, name := range regname.F {
		regs = append(regs, tdescReg{name: name, num: RegF(i), bits: 64, typ: "riscv_double", group: "float", feature: featureFPU})
	}
	for _, n := range []uint16{regname.Fflags, regname.Frm, regname.Fcsr} {
		regs = append(regs, tdescReg{name: regname.CSRName(n), num: RegCSR(n), bits: 32, typ: "int", group: "float", feature: featureFPU})
	}
	for _, c := range regname.CSRs {
		regs = append(regs, tdescReg{name: c.Name, num: RegCSR(c.Num), bits: 64, typ: "int", group: "system", feature: featureCSR})
	}
	regs = append(regs, tdescReg{name: "priv", num: RegPriv, bits: 64, typ: "int", group: "system", feature: featureVirtual})
	return regs
}

// targetXML is the description GDB reads with qXfer:features:read. Every
// register carries its p/P number (regnum), the same numbering as Reg.
var targetXML = buildTargetXML()

func buildTargetXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
<architecture>riscv:rv64</architecture>
`)
	feature := ""
	for _, r := range tdescRegs {
		if r.feature != feature {
			if feature != "" {
				b.WriteString("</feature>\n")
			}
			feature = r.feature
			fmt.Fprintf(&b, "<feature name=%q>\n", feature)
			if feature == featureFPU {
				// An f register holds a double, or a NaN-boxed single.
				b.WriteString(`<union id="riscv_double"><field name="float" type="ieee_single"/><field name="double" type="ieee_double"/></union>` + "\n")
			}
		}
		fmt.Fprintf(&b, "<reg name=%q bitsize=\"%d\" type=%q regnum=\"%d\"", r.name, r.bits, r.typ, r.num)
		if r.group != "" {
			fmt.Fprintf(&b, " group=%q", r.group)
		}
		b.WriteString("/>\n")
	}
	b.WriteString("</feature>\n</target>\n")
	return b.String()
}

// regBytes is the size of register r in p/P packets, 0 if the description
// does not list it (p/P for it get an error, as GDB expects for registers
// that do not exist).
func regBytes(r Reg) int {
	if r <= RegPC {
		return 8
	}
	for _, d := range tdescRegs {
		if d.num == r {
			return d.bits / 8
		}
	}
	return 0
}
