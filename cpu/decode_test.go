package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecodeCompressed(t *testing.T) {
	const a0, a1, sp, ra = 10, 11, 2, 1
	tests := []struct {
		name string
		c    uint16
		want inst
	}{
		{"c.addi4spn", 0x0808, inst{op: opADDI, rd: a0, rs1: sp, imm: 16}},
		{"c.lw", 0x41c8, inst{op: opLW, rd: a0, rs1: a1, imm: 4}},
		{"c.ld", 0x6588, inst{op: opLD, rd: a0, rs1: a1, imm: 8}},
		{"c.sw", 0xc1c8, inst{op: opSW, rs2: a0, rs1: a1, imm: 4}},
		{"c.sd", 0xe588, inst{op: opSD, rs2: a0, rs1: a1, imm: 8}},
		{"c.nop (rd x0: no-op)", 0x0001, inst{op: opFENCE}},
		{"c.addi", 0x1575, inst{op: opADDI, rd: a0, rs1: a0, imm: -3}},
		{"c.addiw", 0x251d, inst{op: opADDIW, rd: a0, rs1: a0, imm: 7}},
		{"c.li", 0x556d, inst{op: opADDI, rd: a0, imm: -5}},
		{"c.addi16sp", 0x7139, inst{op: opADDI, rd: sp, rs1: sp, imm: -64}},
		{"c.lui", 0x7505, inst{op: opLUI, rd: a0, imm: -0x1f000}},
		{"c.srli", 0x810d, inst{op: opSRLI, rd: a0, rs1: a0, imm: 3}},
		{"c.srai", 0x9505, inst{op: opSRAI, rd: a0, rs1: a0, imm: 33}},
		{"c.andi", 0x9979, inst{op: opANDI, rd: a0, rs1: a0, imm: -2}},
		{"c.sub", 0x8d0d, inst{op: opSUB, rd: a0, rs1: a0, rs2: a1}},
		{"c.xor", 0x8d2d, inst{op: opXOR, rd: a0, rs1: a0, rs2: a1}},
		{"c.or", 0x8d4d, inst{op: opOR, rd: a0, rs1: a0, rs2: a1}},
		{"c.and", 0x8d6d, inst{op: opAND, rd: a0, rs1: a0, rs2: a1}},
		{"c.subw", 0x9d0d, inst{op: opSUBW, rd: a0, rs1: a0, rs2: a1}},
		{"c.addw", 0x9d2d, inst{op: opADDW, rd: a0, rs1: a0, rs2: a1}},
		{"c.j (no link)", 0xa095, inst{op: opJ, imm: 100}},
		{"c.beqz", 0xd575, inst{op: opBEQ, rs1: a0, imm: -20}},
		{"c.bnez", 0xed19, inst{op: opBNE, rs1: a0, imm: 30}},
		{"c.slli", 0x150e, inst{op: opSLLI, rd: a0, rs1: a0, imm: 35}},
		{"c.lwsp", 0x4532, inst{op: opLW, rd: a0, rs1: sp, imm: 12}},
		{"c.ldsp", 0x6562, inst{op: opLD, rd: a0, rs1: sp, imm: 24}},
		{"c.jr (no link)", 0x8502, inst{op: opJR, rs1: a0}},
		{"c.mv", 0x852e, inst{op: opADD, rd: a0, rs2: a1}},
		{"c.ebreak", 0x9002, inst{op: opEBREAK}},
		{"c.jalr", 0x9502, inst{op: opJALR, rd: ra, rs1: a0}},
		{"c.add", 0x952e, inst{op: opADD, rd: a0, rs1: a0, rs2: a1}},
		{"c.swsp", 0xc62a, inst{op: opSW, rs1: sp, rs2: a0, imm: 12}},
		{"c.sdsp", 0xec2a, inst{op: opSD, rs1: sp, rs2: a0, imm: 24}},
		// Double-precision loads and stores: opFP, offset in imm2.
		{"c.fld fa0, 8(a1)", 0x2588, inst{op: opFP, rd: a0, rs1: a1, imm2: 8,
			imm: fpFields{op: fpLoad, double: true, rm: rmNone}.pack(0x2588)}},
		{"c.fsdsp fa0, 0(sp)", 0xa02a, inst{op: opFP, rs1: sp, rs2: a0,
			imm: fpFields{op: fpStore, double: true, rm: rmNone}.pack(0xa02a)}},
		// Illegal: all zeros, reserved encodings.
		{"zero", 0x0000, inst{op: opIllegal, imm: 0}},
		{"quadrant 0 funct3 4", 0x8000, inst{op: opIllegal, imm: 0x8000}},
		{"c.lwsp rd=0", 0x4032, inst{op: opIllegal, imm: 0x4032}},
		{"c.jr x0", 0x8002, inst{op: opIllegal, imm: 0x8002}},
		{"c.addi16sp 0", 0x6101, inst{op: opIllegal, imm: 0x6101}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.ilen = 2
			assert.Equal(t, tt.want, decodeCompressed(tt.c))
		})
	}
}

// Instructions that write x0 decode to forms that write no register.
func TestDecodeX0Destination(t *testing.T) {
	tests := []struct {
		name string
		raw  uint32
		want inst
	}{
		{"addi x0", encADDI(0, 1, 5), inst{op: opFENCE, ilen: 4}},
		{"lui x0", encLUI(0, 0x1000), inst{op: opFENCE, ilen: 4}},
		{"div x0 (no trap in RISC-V)", encDIV(0, 1, 0), inst{op: opFENCE, ilen: 4}},
		{"jal x0", encJAL(0, -8), inst{op: opJ, ilen: 4, rs1: 31, rs2: 25, imm: -8}}, // rs fields: raw bits, unused
		{"jalr x0", encJALR(0, 1, 4), inst{op: opJR, ilen: 4, rs1: 1, rs2: 4, imm: 4}},
		{"ld x0 still loads", encLD(0, 1, 8), inst{op: opLoadToX0, ilen: 4, rs1: 1, rs2: opLD, imm: 8}},
		{"csrrw x0 keeps its op", encCSRRW(0, csrMscratch, 1), inst{op: opCSRRW, ilen: 4, rs1: 1, imm: csrMscratch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, decode(tt.raw))
		})
	}
}

func TestDecodeIllegal(t *testing.T) {
	tests := []struct {
		name string
		raw  uint32
	}{
		{"flq (no Q)", 0x0005c507},
		{"fsh (no Zfh)", 0x00a59427},
		{"fadd.h (no Zfh)", 0x04b57553},
		{"fadd.d rm 5", 0x02b55553},
		{"fmadd.s rm 6", 0x00b56543},
		{"fmadd.q", 0x06b57543},
		{"fsqrt.d rs2 1", 0x5a157553},
		{"fcvt.s.d rs2 0", 0x40057553},
		{"fcvt.w.d rs2 4", 0xc2457553},
		{"fsgnj.d funct3 3", 0x22b53553},
		{"fmin.d funct3 2", 0x2ab52553},
		{"feq.d funct3 3", 0xa2b53553},
		{"fclass.d funct3 2", 0xe2052553},
		{"fmv.d.x funct3 1", 0xf2051553},
		{"slli bad funct6", iType(0x13, 1, 1, 2, 0x400)},
		{"addw bad funct7", rType(0x3b, 0, 2, 1, 2, 3)},
		{"jalr funct3", iType(0x67, 1, 1, 2, 0)},
		{"csr funct3 4", iType(0x73, 4, 1, 2, 0x300)},
		{"ecall with rd", 0x000000f3},
		{"lr with rs2", encAMO(amoLR, 2, 1, 2, 3)},
		{"amo funct3 0", encAMO(amoADD, 0, 1, 2, 3)},
		{"fence funct3 2", 0x0000200f},
		{"all ones", 0xffffffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, inst{op: opIllegal, ilen: 4, imm: int64(tt.raw)}, decode(tt.raw))
		})
	}
}

// Unimplemented instructions trap with the instruction bits in mtval.
func TestIllegalInstructionTrap(t *testing.T) {
	tests := []struct {
		name string
		code []uint16
		tval uint64
	}{
		{"32-bit FP", []uint16{0x7553, 0x02b5}, 0x02b57553},
		{"16-bit c.fld", []uint16{0x2588}, 0x2588},
		{"all zero", []uint16{0, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			m.load16(ramBase, tt.code...)
			h := m.hart(ramBase)
			h.csr.mtvec = ramBase + 0x100
			m.load(ramBase+0x100, encJAL(0, 0))
			h.Run(1)
			assert.Equal(t, uint64(causeIllegal), h.csr.mcause)
			assert.Equal(t, tt.tval, h.csr.mtval)
			assert.Equal(t, uint64(ramBase), h.csr.mepc)
			assert.Equal(t, uint64(ramBase+0x100), h.PC)
			assert.Equal(t, uint64(0), h.Instret)
		})
	}
}
