package machine

import "fmt"

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

// trapName describes an mcause/scause value.
func trapName(cause uint64) string {
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

// formatTrap is one trace line; sym names the code at epc ("" for none).
func formatTrap(hart int, cause, epc, tval uint64, from, to uint8, sym string) string {
	where := ""
	if sym != "" {
		where = " <" + sym + ">"
	}
	return fmt.Sprintf("trap: hart %d %s->%s cause %#x (%s) epc %#x%s tval %#x\n",
		hart, privNames[from&3], privNames[to&3], cause, trapName(cause), epc, where, tval)
}
