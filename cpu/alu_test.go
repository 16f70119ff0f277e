package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStraightLineALU(t *testing.T) {
	tests := []struct {
		name string
		code []uint32
		reg  int
		want uint64
	}{
		{"addi", []uint32{encADDI(5, 0, 42)}, 5, 42},
		{"addi negative", []uint32{encADDI(5, 0, -1)}, 5, ^uint64(0)},
		{"x0 stays zero", []uint32{encADDI(0, 0, 7), encADD(5, 0, 0)}, 5, 0},
		{"lui sign-extends", []uint32{encLUI(5, -0x80000000)}, 5, 0xffffffff80000000},
		{"auipc", []uint32{encNOP, encAUIPC(5, 0x1000)}, 5, ramBase + 4 + 0x1000},
		{"add/sub", []uint32{encADDI(1, 0, 5), encADDI(2, 0, 7), encSUB(3, 1, 2)}, 3, ^uint64(1)},
		{"slli/srai", []uint32{encADDI(1, 0, -8), encSLLI(1, 1, 60), encSRAI(5, 1, 62)}, 5, ^uint64(1)},
		{"addiw wraps", []uint32{encLUI(1, -0x80000000), encADDIW(5, 1, -1)}, 5, 0x7fffffff},
		{"mul", []uint32{encADDI(1, 0, -3), encADDI(2, 0, 7), encMUL(5, 1, 2)}, 5, uint64(0xffffffffffffffeb)},
		{"mulh", []uint32{encADDI(1, 0, -1), encADDI(2, 0, -1), encMULH(5, 1, 2)}, 5, 0},
		{"div by zero", []uint32{encADDI(1, 0, 9), encDIV(5, 1, 0)}, 5, ^uint64(0)},
		{"div", []uint32{encADDI(1, 0, -9), encADDI(2, 0, 2), encDIV(5, 1, 2)}, 5, uint64(0xfffffffffffffffc)},
		{"remu by zero", []uint32{encADDI(1, 0, 9), encREMU(5, 1, 0)}, 5, 9},
		{"divw overflow", []uint32{encLUI(1, -0x80000000), encADDI(2, 0, -1), encDIVW(5, 1, 2)}, 5, 0xffffffff80000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, h := runProgram(t, len(tt.code), tt.code...)
			assert.Equal(t, tt.want, h.X[tt.reg])
			assert.Equal(t, uint64(len(tt.code)), h.Instret)
		})
	}
}

func TestBranchesAndJumps(t *testing.T) {
	// x1 counts down from 5; x2 accumulates; then jal/jalr round trip.
	code := []uint32{
		encADDI(1, 0, 5),  // 0
		encADDI(2, 2, 3),  // 4
		encADDI(1, 1, -1), // 8
		encBNE(1, 0, -8),  // c
		encJAL(3, 8),      // 10 -> 18
		encADDI(2, 0, 0),  // 14 (skipped)
		encJALR(4, 3, 0),  // 18 -> 14? no: x3 = 0x14
	}
	m := newTestMachine(t)
	m.load(ramBase, code...)
	h := m.hart(ramBase)
	n := h.Run(1 + 5*3 + 1 + 1)
	require.Equal(t, 18, n)
	assert.Equal(t, uint64(15), h.X[2])
	assert.Equal(t, uint64(ramBase+0x14), h.X[3])
	assert.Equal(t, uint64(ramBase+0x1c), h.X[4])
	assert.Equal(t, uint64(ramBase+0x14), h.PC)
}

func TestLoadsAndStores(t *testing.T) {
	// 0xffffffff80001000 (what lui alone gives) is not RAM: access fault.
	_, h := runProgram(t, 3, encLUI(1, -0x7ffff000), encADDI(2, 0, -2), encSD(1, 2, 0))
	assert.Equal(t, uint64(causeStoreAccess), h.csr.mcause)
	assert.Equal(t, uint64(0xffffffff80001000), h.csr.mtval)

	code := []uint32{
		encADDI(8, 0, 1),
		encSLLI(8, 8, 31),
		encLUI(1, 0x1000),
		encADD(1, 1, 8), // x1 = 0x80001000
		encADDI(2, 0, -2),
		encSD(1, 2, 0),
		encLW(3, 1, 0),
		encLWU(4, 1, 0),
		encLB(5, 1, 7),
		encSB(1, 0, 3),
		encLD(6, 1, 0),
		encSW(1, 2, 5), // misaligned store within the page
		encLD(7, 1, 5), // misaligned load
	}
	_, h = runProgram(t, len(code), code...)
	require.Equal(t, uint64(0), h.csr.mcause, "no trap expected, pc=%#x", h.PC)
	assert.Equal(t, ^uint64(1), h.X[3])
	assert.Equal(t, uint64(0xfffffffe), h.X[4])
	assert.Equal(t, ^uint64(0), h.X[5])
	assert.Equal(t, uint64(0xffffffff00fffffe), h.X[6])
	assert.Equal(t, uint64(0xfffffffe), h.X[7])
}

func TestBranchConditions(t *testing.T) {
	const neg, pos = ^uint64(0), uint64(1) // -1 and 1
	tests := []struct {
		name  string
		f3    uint32
		a, b  uint64
		taken bool
	}{
		{"beq equal", 0, 5, 5, true},
		{"beq differ", 0, 5, 6, false},
		{"bne differ", 1, 5, 6, true},
		{"blt signed", 4, neg, pos, true},
		{"bge signed", 5, neg, pos, false},
		{"bge equal", 5, pos, pos, true},
		{"bltu unsigned", 6, neg, pos, false},
		{"bgeu unsigned", 7, neg, pos, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			m.load(ramBase, bType(tt.f3, 1, 2, 16))
			h := m.hart(ramBase)
			h.X[1], h.X[2] = tt.a, tt.b
			require.Equal(t, 1, h.Run(1))
			want := uint64(ramBase + 4)
			if tt.taken {
				want = ramBase + 16
			}
			assert.Equal(t, want, h.PC)
		})
	}
}

func TestRegisterRegisterOps(t *testing.T) {
	tests := []struct {
		name string
		op   uint32
		f3   uint32
		f7   uint32
		a, b uint64
		want uint64
	}{
		{"sll uses 6 bits", 0x33, 1, 0, 1, 65, 2},
		{"srl", 0x33, 5, 0, 0x8000000000000000, 63, 1},
		{"sra", 0x33, 5, 0x20, 0x8000000000000000, 63, ^uint64(0)},
		{"slt", 0x33, 2, 0, ^uint64(0), 0, 1},
		{"sltu", 0x33, 3, 0, ^uint64(0), 0, 0},
		{"xor", 0x33, 4, 0, 0xff00, 0x0ff0, 0xf0f0},
		{"or", 0x33, 6, 0, 0xf0, 0x0f, 0xff},
		{"and", 0x33, 7, 0, 0xf0, 0x3c, 0x30},
		{"sllw uses 5 bits, sign-extends", 0x3b, 1, 0, 1, 63, 0xffffffff80000000},
		{"srlw", 0x3b, 5, 0, 0xffffffff80000000, 31, 1},
		{"sraw", 0x3b, 5, 0x20, 0x80000000, 31, ^uint64(0)},
		{"addw wraps", 0x3b, 0, 0, 0x7fffffff, 1, 0xffffffff80000000},
		{"subw", 0x3b, 0, 0x20, 0, 1, ^uint64(0)},
		{"mulhu", 0x33, 3, 1, ^uint64(0), ^uint64(0), ^uint64(1)},
		{"mulhsu", 0x33, 2, 1, ^uint64(0), ^uint64(0), ^uint64(0)},
		{"rem sign of dividend", 0x33, 6, 1, uint64(0xfffffffffffffff9), 2, ^uint64(0)},
		{"rem overflow", 0x33, 6, 1, 1 << 63, ^uint64(0), 0},
		{"divu", 0x33, 5, 1, 100, 7, 14},
		{"mulw", 0x3b, 0, 1, 0x10000, 0x10000, 0},
		{"divuw by zero", 0x3b, 5, 1, 5, 0, ^uint64(0)},
		{"remw by zero", 0x3b, 6, 1, 0xffffffff, 0, ^uint64(0)},
		{"remuw", 0x3b, 7, 1, 0xffffffff, 10, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			m.load(ramBase, rType(tt.op, tt.f3, tt.f7, 5, 1, 2))
			h := m.hart(ramBase)
			h.X[1], h.X[2] = tt.a, tt.b
			require.Equal(t, 1, h.Run(1))
			assert.Equal(t, tt.want, h.X[5], "%#x", h.X[5])
		})
	}
}
