package cpu

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func encBLTU(rs1, rs2 int, off int64) uint32 { return bType(6, rs1, rs2, off) }
func encADDW(rd, rs1, rs2 int) uint32        { return rType(0x3b, 0, 0, rd, rs1, rs2) }

// fusedLoop is a loop holding each fused pair, with branches both taken
// and not taken over its iterations: x5 counts to 8, the lw+bltu skips
// x8's bump once x5 > 3, the ld+beq skips x13's bump when x5 == 5, and
// addw+bne sums x5 and closes the loop; slli+add sums 8*x5, and lw+lw
// loads two words.
func fusedLoop() []uint32 {
	return []uint32{
		encADDI(5, 5, 1), // fused: addi, addi
		encADDI(6, 6, -2),
		encLW(7, 10, 0), // fused: lw, bltu
		encBLTU(7, 5, 8),
		encADDI(8, 8, 1),
		encLD(9, 11, 8), // fused: ld, beq
		encBEQ(9, 5, 8),
		encADDI(13, 13, 1),
		encSLLI(16, 5, 3), // fused: slli, add
		encADD(17, 17, 16),
		encLW(18, 10, 0), // fused: lw, lw
		encLW(19, 11, 8),
		encADDW(15, 15, 5), // fused: addw, bne
		encBNE(5, 14, -52),
		encJAL(0, 0),
	}
}

// A fused pair must behave exactly as its two instructions, whatever the
// budget: each Run(n) from the start must end where n single steps end
// (single steps never run a pair fused), cold and with the code cached.
func TestFusedPairsMatchSingleSteps(t *testing.T) {
	const (
		code = ramBase + 0x100
		data = ramBase + 0x8000
	)
	setup := func(t *testing.T) (*testMachine, *Hart) {
		m := newTestMachine(t)
		m.load(code, fusedLoop()...)
		binary.LittleEndian.PutUint32(m.bus.RAM[data-ramBase:], 3)
		binary.LittleEndian.PutUint64(m.bus.RAM[data-ramBase+8:], 5)
		h := m.hart(code)
		h.X[10], h.X[11], h.X[14] = data, data, 8
		return m, h
	}
	reset := func(h *Hart) {
		h.PC, h.Instret = code, 0
		for _, r := range []int{5, 6, 7, 8, 9, 13, 15, 16, 17, 18, 19} {
			h.X[r] = 0
		}
	}
	_, ref := setup(t)
	var want [][32]uint64
	var wantPC []uint64
	for range 140 {
		want, wantPC = append(want, ref.X), append(wantPC, ref.PC)
		require.Equal(t, 1, ref.Run(1))
	}
	assert.Equal(t, uint64(8), ref.X[5], "the loop ran to its end")
	assert.Equal(t, uint64(3), ref.X[8], "bltu fell through for x5 = 1..3")
	assert.Equal(t, uint64(7), ref.X[13], "beq was taken once")
	assert.Equal(t, uint64(36), ref.X[15], "addw summed 1..8")
	assert.Equal(t, uint64(8*36), ref.X[17], "slli+add summed 8*(1..8)")
	assert.Equal(t, []uint64{3, 5}, []uint64{ref.X[18], ref.X[19]}, "lw+lw")

	cases := []struct {
		name string
		warm bool // run the whole loop once first, so every slot is decoded
	}{
		{"cold", false},
		{"decoded", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, h := setup(t)
			if c.warm {
				h.Run(200)
			}
			// Translated code decodes from RAM and leaves the slots
			// alone: the pairs are the interpreter's.
			if c.warm && m.sys.JIT() == JITOff {
				assert.Equal(t, opADDIADDI, m.sys.code[0][0x100/2].op)
				assert.Equal(t, opLWBLTU, m.sys.code[0][0x108/2].op)
				assert.Equal(t, opLDBEQ, m.sys.code[0][0x114/2].op)
				assert.Equal(t, opSLLIADD, m.sys.code[0][0x120/2].op)
				assert.Equal(t, opLWLW, m.sys.code[0][0x128/2].op)
				assert.Equal(t, opADDWBNE, m.sys.code[0][0x130/2].op)
			}
			for n := 1; n < len(want); n++ {
				reset(h)
				assert.Equal(t, n, h.Run(n), "budget %d", n)
				assert.Equal(t, wantPC[n], h.PC, "PC after %d", n)
				assert.Equal(t, want[n], h.X, "registers after %d", n)
				assert.Equal(t, uint64(n), h.Instret, "instret after %d", n)
			}
		})
	}
}

// A store into a fused pair's second instruction must reach the pair's
// slot, up to 6 bytes before the stored bytes: the program rewrites the
// second addi of a pair it has already run, then runs the pair again.
func TestStoreIntoFusedPairRedecodes(t *testing.T) {
	const code = ramBase + 0x100
	m := newTestMachine(t)
	m.load(code,
		encADDI(5, 5, 1), // fused with the next
		encADDI(6, 6, 1), // rewritten to addi x6, x6, 100
		encBNE(7, 0, 16),
		encSW(9, 8, 4),
		encADDI(7, 0, 1),
		encJAL(0, -20),
		encJAL(0, 0),
	)
	h := m.hart(code)
	h.X[8], h.X[9] = uint64(encADDI(6, 6, 100)), code
	h.Run(100)
	assert.Equal(t, uint64(code+24), h.PC)
	assert.Equal(t, uint64(2), h.X[5])
	assert.Equal(t, uint64(101), h.X[6], "the second run used the new instruction")
}

// Which neighbours fuse: only the known pairs, never a load whose address
// comes from the load before it, and never a pair reaching the page's last
// instruction (that one is opPageEnd and must stay in its own slot).
func TestFusePairChoice(t *testing.T) {
	cases := []struct {
		name string
		at   uint64 // offset of the pair in the code page
		pair [2]uint32
		want uint8
	}{
		{"addi addi", 0x100, [2]uint32{encADDI(5, 5, 1), encADDI(6, 6, 1)}, opADDIADDI},
		{"lw lw", 0x100, [2]uint32{encLW(5, 10, 0), encLW(6, 10, 4)}, opLWLW},
		{"lw lw, address from the first", 0x100, [2]uint32{encLW(5, 10, 0), encLW(6, 5, 4)}, opLW},
		{"lw bltu", 0x100, [2]uint32{encLW(5, 10, 0), encBLTU(5, 6, 8)}, opLWBLTU},
		{"lw blt: not a known pair", 0x100, [2]uint32{encLW(5, 10, 0), encBLT(5, 6, 8)}, opLW},
		{"load to x0 then branch", 0x100, [2]uint32{encLW(0, 10, 0), encBLTU(5, 6, 8)}, opLoadToX0},
		{"ending two bytes before the page end", pageSize - 10, [2]uint32{encADDI(5, 5, 1), encADDI(6, 6, 1)}, opADDIADDI},
		{"ending at the page end", pageSize - 8, [2]uint32{encADDI(5, 5, 1), encADDI(6, 6, 1)}, opADDI},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTestMachine(t)
			m.load(ramBase+c.at, c.pair[0], c.pair[1])
			h := m.hart(ramBase + c.at)
			h.X[10] = ramBase + 0x8000
			require.Equal(t, 1, h.Run(1))
			assert.Equal(t, c.want, m.sys.code[0][c.at/2].op)
		})
	}
}

// A bulk copy loop whose pointer bumps are a fused addi pair must still
// be seen as a loop: the second addi's own slot is never decoded (the pair
// runs from the first), so loopBody must take both from the fused slot.
func TestFusedPairInsideBulkLoop(t *testing.T) {
	const data = ramBase + 0x10000
	m, h := runLoopProgram(t, copyForward,
		map[int]uint64{rA1: data, rA4: data + 0x4000, rA5: data + 0x800}, 4000, 4000)
	require.Equal(t, opADDIADDI, m.sys.code[0][0].op)
	require.Equal(t, opBNELoop, m.sys.code[0][16/2].op)
	var body [maxLoopBody]inst
	n, ok := h.loopBody(ramBase, ramBase+16, &body)
	require.True(t, ok, "loop body readable")
	assert.Equal(t, 4, n)
	_, isLoop := matchLoop(body[:n], &m.sys.code[0][16/2])
	assert.True(t, isLoop)
}
