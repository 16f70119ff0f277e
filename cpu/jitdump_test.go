package cpu

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"
)

// dumpCode disassembles host code of this machine's architecture; an
// undecodable instruction shows as "??".
func dumpCode(code []byte) string {
	var sb strings.Builder
	if runtime.GOARCH == "arm64" {
		for off := 0; off+4 <= len(code); off += 4 {
			in, err := arm64asm.Decode(code[off : off+4])
			if err != nil {
				fmt.Fprintf(&sb, "%4x: ?? %#08x\n", off, binary.LittleEndian.Uint32(code[off:]))
				continue
			}
			fmt.Fprintf(&sb, "%4x: %s\n", off, arm64asm.GNUSyntax(in))
		}
		return sb.String()
	}
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
