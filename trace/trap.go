package trace

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/symtab"
)

var (
	exceptionNames = map[uint64]string{
		0: "instruction address misaligned", 1: "instruction access fault",
		2: "illegal instruction", 3: "breakpoint", 4: "load address misaligned",
		5: "load access fault", 6: "store address misaligned", 7: "store access fault",
		8: "ecall from U", 9: "ecall from S", 11: "ecall from M",
		12: "instruction page fault", 13: "load page fault", 15: "store page fault",
	}
	interruptNames = map[uint64]string{
		1: "S software", 3: "M software", 5: "S timer", 7: "M timer",
		9: "S external", 11: "M external",
	}
	privNames = [4]string{"U", "S", "H", "M"}
)

const causeInterrupt = 1 << 63

// TrapName describes an mcause/scause value ("instruction access fault").
func TrapName(cause uint64) string {
	if cause&causeInterrupt != 0 {
		if n, ok := interruptNames[cause&^causeInterrupt]; ok {
			return n + " interrupt"
		}
		return "interrupt"
	}
	if n, ok := exceptionNames[cause]; ok {
		return n
	}
	return "exception"
}

// TrapLine is one --trace trap line; sym names the code at epc ("" for none).
func TrapLine(hart int, cause, epc, tval uint64, from, to uint8, sym string) string {
	where := ""
	if sym != "" {
		where = " <" + sym + ">"
	}
	return fmt.Sprintf("trap: hart %d %s->%s cause %#x (%s) epc %#x%s tval %#x\n",
		hart, privNames[from&3], privNames[to&3], cause, TrapName(cause), epc, where, tval)
}

// TrapHook is a hart's trap hook (cpu.Hart.SetTrapHook) that writes a
// TrapLine per trap to out, the epc named from syms.
func TrapHook(out io.Writer, hart int, syms *symtab.Table) func(cause, epc, tval uint64, from, to uint8) {
	return func(cause, epc, tval uint64, from, to uint8) {
		io.WriteString(out, TrapLine(hart, cause, epc, tval, from, to, CodeName(syms, epc, from)))
	}
}
