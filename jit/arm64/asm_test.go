package arm64

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

func disasm(t *testing.T, code []byte) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(code); i += 4 {
		in, err := arm64asm.Decode(code[i : i+4])
		require.NoError(t, err, "word %#08x", binary.LittleEndian.Uint32(code[i:]))
		out = append(out, arm64asm.GNUSyntax(in))
	}
	return out
}

func TestEncodings(t *testing.T) {
	tests := []struct {
		name string
		emit func(a *Asm)
		want []string
	}{
		{"add", func(a *Asm) { a.RRR(ADD, 1, 2, 3, true) }, []string{"add x1, x2, x3"}},
		{"sub32", func(a *Asm) { a.RRR(SUB, 1, 2, 3, false) }, []string{"sub w1, w2, w3"}},
		{"and", func(a *Asm) { a.RRR(AND, 4, 5, 6, true) }, []string{"and x4, x5, x6"}},
		{"orr", func(a *Asm) { a.RRR(ORR, 4, 5, 6, true) }, []string{"orr x4, x5, x6"}},
		{"eor", func(a *Asm) { a.RRR(EOR, 4, 5, 6, true) }, []string{"eor x4, x5, x6"}},
		{"bic", func(a *Asm) { a.RRR(BIC, 4, 5, 6, true) }, []string{"bic x4, x5, x6"}},
		{"lslv", func(a *Asm) { a.RRR(LSLV, 1, 2, 3, true) }, []string{"lsl x1, x2, x3"}},
		{"lsrv32", func(a *Asm) { a.RRR(LSRV, 1, 2, 3, false) }, []string{"lsr w1, w2, w3"}},
		{"asrv", func(a *Asm) { a.RRR(ASRV, 1, 2, 3, true) }, []string{"asr x1, x2, x3"}},
		{"sdiv", func(a *Asm) { a.RRR(SDIV, 1, 2, 3, true) }, []string{"sdiv x1, x2, x3"}},
		{"udiv32", func(a *Asm) { a.RRR(UDIV, 1, 2, 3, false) }, []string{"udiv w1, w2, w3"}},
		{"add shifted", func(a *Asm) { a.RRRShift(ADD, 2, 26, 2, 4) }, []string{"add x2, x26, x2, lsl #4"}},
		{"mov", func(a *Asm) { a.Mov(7, 8) }, []string{"mov x7, x8"}},
		{"dmb ish", func(a *Asm) { a.DmbIsh() }, []string{"dmb ish"}},
		{"mov32", func(a *Asm) { a.Mov32(7, 8) }, []string{"mov w7, w8"}},
		{"cmp", func(a *Asm) { a.Cmp(1, 2, true) }, []string{"cmp x1, x2"}},
		{"cmp zr", func(a *Asm) { a.Cmp(1, ZR, true) }, []string{"cmp x1, xzr"}},
		{"tst", func(a *Asm) { a.Tst(1, 2) }, []string{"tst x1, x2"}},
		{"addi", func(a *Asm) { a.RRI(ADDI, 1, 2, 4095, false, true) }, []string{"add x1, x2, #0xfff"}},
		{"subi shifted", func(a *Asm) { a.RRI(SUBI, 1, 2, 1, true, true) }, []string{"sub x1, x2, #0x1, lsl #12"}},
		{"cmpi", func(a *Asm) { a.CmpI(24, 64, true) }, []string{"cmp x24, #0x40"}},
		{"cmpi32", func(a *Asm) { a.CmpI(2, 0, false) }, []string{"cmp w2, #0x0"}},
		{"movz", func(a *Asm) { a.MovImm(3, 0x1234) }, []string{"mov x3, #0x1234"}},
		{"movz hi", func(a *Asm) { a.MovImm(3, 0x80000000) }, []string{"mov x3, #0x80000000"}},
		{"movz+k", func(a *Asm) { a.MovImm(3, 0x3ffffff000) }, []string{"mov x3, #0xf000", "movk x3, #0xffff, lsl #16", "movk x3, #0x3f, lsl #32"}},
		{"movn", func(a *Asm) { a.MovImm(3, ^uint64(0)) }, []string{"mov x3, #0xffffffffffffffff"}},
		{"movn+k", func(a *Asm) { a.MovImm(3, 0xffffffff80001000) }, []string{"mov x3, #0xffffffffffff1000", "movk x3, #0x8000, lsl #16"}},
		{"zero", func(a *Asm) { a.MovImm(3, 0) }, []string{"mov x3, #0x0"}},
		{"lsl imm", func(a *Asm) { a.LslI(1, 2, 12, true) }, []string{"lsl x1, x2, #12"}},
		{"lsr imm", func(a *Asm) { a.LsrI(1, 2, 63, true) }, []string{"lsr x1, x2, #63"}},
		{"asr imm32", func(a *Asm) { a.AsrI(1, 2, 3, false) }, []string{"asr w1, w2, #3"}},
		{"lsl imm32", func(a *Asm) { a.LslI(1, 2, 31, false) }, []string{"lsl w1, w2, #31"}},
		{"ubfx", func(a *Asm) { a.Ubfx(2, 0, 12, 8) }, []string{"ubfx x2, x0, #12, #8"}},
		{"sxtw", func(a *Asm) { a.Sxtw(1, 2) }, []string{"sxtw x1, w2"}},
		{"sxth", func(a *Asm) { a.Sxth(1, 2) }, []string{"sxth x1, w2"}},
		{"sxtb", func(a *Asm) { a.Sxtb(1, 2) }, []string{"sxtb x1, w2"}},
		{"mul", func(a *Asm) { a.Mul(1, 2, 3, true) }, []string{"mul x1, x2, x3"}},
		{"msub", func(a *Asm) { a.Msub(1, 2, 3, 4, true) }, []string{"msub x1, x2, x3, x4"}},
		{"smulh", func(a *Asm) { a.Smulh(1, 2, 3) }, []string{"smulh x1, x2, x3"}},
		{"umulh", func(a *Asm) { a.Umulh(1, 2, 3) }, []string{"umulh x1, x2, x3"}},
		{"csel", func(a *Asm) { a.Csel(1, 2, 3, LT) }, []string{"csel x1, x2, x3, lt"}},
		{"csinv", func(a *Asm) { a.Csinv(1, 2, ZR, NE) }, []string{"csinv x1, x2, xzr, ne"}},
		{"cset", func(a *Asm) { a.Cset(1, LO) }, []string{"cset x1, cc"}},
		{"ldr", func(a *Asm) { a.Ldr(1, 26, 0x1258, W64, false) }, []string{"ldr x1, [x26,#4696]"}},
		{"ldrsw", func(a *Asm) { a.Ldr(1, 26, 8, W32, true) }, []string{"ldrsw x1, [x26,#8]"}},
		{"ldrb", func(a *Asm) { a.Ldr(1, 26, 3, W8, false) }, []string{"ldrb w1, [x26,#3]"}},
		{"str", func(a *Asm) { a.Str(5, 26, 0x18, W64) }, []string{"str x5, [x26,#24]"}},
		{"strh", func(a *Asm) { a.Str(5, 26, 2, W16) }, []string{"strh w5, [x26,#2]"}},
		{"ldr reg", func(a *Asm) { a.LdrR(1, 25, 0, W64, false) }, []string{"ldr x1, [x25,x0]"}},
		{"ldrsb reg", func(a *Asm) { a.LdrR(1, 25, 0, W8, true) }, []string{"ldrsb x1, [x25,x0]"}},
		{"ldrsh reg", func(a *Asm) { a.LdrR(1, 25, 0, W16, true) }, []string{"ldrsh x1, [x25,x0]"}},
		{"ldrsw reg", func(a *Asm) { a.LdrR(1, 25, 0, W32, true) }, []string{"ldrsw x1, [x25,x0]"}},
		{"ldrh reg", func(a *Asm) { a.LdrR(1, 25, 0, W16, false) }, []string{"ldrh w1, [x25,x0]"}},
		{"str reg", func(a *Asm) { a.StrR(1, 25, 0, W32) }, []string{"str w1, [x25,x0]"}},
		{"strb reg", func(a *Asm) { a.StrR(1, 25, 0, W8) }, []string{"strb w1, [x25,x0]"}},
		{"br", func(a *Asm) { a.Br(2) }, []string{"br x2"}},
		{"ret", func(a *Asm) { a.Ret() }, []string{"ret"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a Asm
			tc.emit(&a)
			code, err := a.Finish(0)
			require.NoError(t, err)
			require.Equal(t, tc.want, disasm(t, code))
		})
	}
}

func TestBranches(t *testing.T) {
	var a Asm
	top, end := a.NewLabel(), a.NewLabel()
	a.Bind(top)
	a.Cmp(1, 2, true)
	a.Bcond(EQ, end)
	a.Cbz(3, end)
	a.Cbnz(3, top)
	a.B(top)
	a.Bind(end)
	a.Ret()
	code, err := a.Finish(0x1000)
	require.NoError(t, err)
	require.Equal(t, []string{"cmp x1, x2", "b.eq .+0x10", "cbz x3, .+0xc", "cbnz x3, .+0xfffffffffffffff4", "b .+0xfffffffffffffff0", "ret"}, disasm(t, code))
}

func TestLdrAbs(t *testing.T) {
	var a Asm
	a.LdrAbs(5, 0x10000+0x5238)
	code, err := a.Finish(0x3000)
	require.NoError(t, err)
	require.Equal(t, []string{"adrp x5, .+0x12000", "ldr x5, [x5,#568]"}, disasm(t, code))
}
