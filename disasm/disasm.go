// Package disasm turns one RISC-V instruction into the text a trace shows:
// GNU syntax with ABI register names, and branch/jump targets as absolute
// addresses named from the kernel's symbols.
package disasm

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"golang.org/x/arch/riscv64/riscv64asm"

	"github.com/rvemu/rvemu/symtab"
)

var abiNames = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

var xreg = regexp.MustCompile(`\bx([0-9]|[12][0-9]|3[01])\b`)

// pcRelative lists the ops whose last operand is an offset from pc.
var pcRelative = map[riscv64asm.Op]bool{
	riscv64asm.JAL: true, riscv64asm.BEQ: true, riscv64asm.BNE: true,
	riscv64asm.BLT: true, riscv64asm.BGE: true, riscv64asm.BLTU: true,
	riscv64asm.BGEU: true, riscv64asm.C_J: true,
	riscv64asm.C_BEQZ: true, riscv64asm.C_BNEZ: true,
}

// Size is the length in bytes of the instruction whose low halfword is lo.
func Size(lo uint16) int {
	if lo&3 == 3 {
		return 4
	}
	return 2
}

// decodeMu: riscv64asm.Decode marks a package-level coverage table as it
// decodes, so harts tracing on goroutines of their own take turns in it.
var decodeMu sync.Mutex

func decode(b []byte) (riscv64asm.Inst, error) {
	decodeMu.Lock()
	defer decodeMu.Unlock()
	return riscv64asm.Decode(b)
}

// Format disassembles raw (size 2 or 4 bytes) located at pc. syms may be
// nil. Undecodable bits read "unknown".
func Format(raw uint32, size int, pc uint64, syms *symtab.Table) string {
	var b [4]byte
	for i := range size {
		b[i] = byte(raw >> (8 * i))
	}
	inst, err := decode(b[:size])
	if err != nil {
		return "unknown"
	}
	text := riscv64asm.GNUSyntax(inst)
	text = xreg.ReplaceAllStringFunc(text, func(r string) string {
		var n int
		fmt.Sscanf(r[1:], "%d", &n)
		return abiNames[n]
	})
	if !pcRelative[inst.Op] {
		return text
	}
	for _, a := range inst.Args {
		off, ok := a.(riscv64asm.Simm)
		if !ok {
			continue
		}
		imm := int64(off.Imm)
		if size == 2 {
			// x/arch v0.32 scrambles compressed jump/branch offsets: decode
			// them from the spec's bit layout.
			imm = compressedOffset(uint16(raw))
		}
		target := pc + uint64(imm)
		cut := strings.LastIndexAny(text, " ,")
		text = fmt.Sprintf("%s%#x", text[:cut+1], target)
		if s := syms.Describe(target); s != "" {
			text += " <" + s + ">"
		}
		break
	}
	return text
}

// bit returns bit i of x moved to position to.
func bit(x uint16, i, to uint) int64 { return int64(x>>i&1) << to }

// compressedOffset decodes the pc offset of C.J (CJ format, funct3 101)
// and C.BEQZ/C.BNEZ (CB format), sign-extended. (The decoder reports C.J
// as JAL and the branches as BEQ/BNE, so the bits decide.)
func compressedOffset(x uint16) int64 {
	if x>>13 == 0b101 {
		v := bit(x, 12, 11) | bit(x, 11, 4) | bit(x, 10, 9) | bit(x, 9, 8) |
			bit(x, 8, 10) | bit(x, 7, 6) | bit(x, 6, 7) | bit(x, 5, 3) |
			bit(x, 4, 2) | bit(x, 3, 1) | bit(x, 2, 5)
		return v << 52 >> 52
	}
	v := bit(x, 12, 8) | bit(x, 11, 4) | bit(x, 10, 3) | bit(x, 6, 7) |
		bit(x, 5, 6) | bit(x, 4, 2) | bit(x, 3, 1) | bit(x, 2, 5)
	return v << 55 >> 55
}
