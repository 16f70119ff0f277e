package cpu

import (
	"fmt"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// dumpPlan compiles the plan in e and returns its disassembly (amd64).
func dumpCode(code []byte) string {
	var sb strings.Builder
	for off := 0; off < len(code); {
		in, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			fmt.Fprintf(&sb, "%4x: ?? %v\n", off, err)
			break
		}
		fmt.Fprintf(&sb, "%4x: %s\n", off, x86asm.IntelSyntax(in, 0, nil))
		off += in.Len
	}
	return sb.String()
}
