package cpu

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Register numbers by ABI name, for readable loop programs.
const (
	rA0 = 10 + iota
	rA1
	rA2
	rA3
	rA4
	rA5
)

// Compressed encodings used below.
const (
	encCADDIa5p1 = 0x0785 // c.addi a5, 1
)

// loadMixed writes 32-bit and 16-bit instructions (a value whose low two
// bits are not 11 is a 16-bit one) at pa.
func (m *testMachine) loadMixed(pa uint64, code ...uint32) {
	var buf []byte
	for _, c := range code {
		if c&3 != 3 {
			buf = binary.LittleEndian.AppendUint16(buf, uint16(c))
		} else {
			buf = binary.LittleEndian.AppendUint32(buf, c)
		}
	}
	require.NoError(nil, m.bus.WriteDMA(pa, buf))
}

// Loops as compilers emit them for xv6's memset and memmove, and variants.
var (
	memsetBytes  = []uint32{encSB(rA5, rA1, 0), encADDI(rA5, rA5, 1), encBNE(rA5, rA4, -8)}
	memsetRVC    = []uint32{encSB(rA5, rA1, 0), encCADDIa5p1, encBNE(rA5, rA4, -6)}
	memsetDouble = []uint32{encADDI(rA5, rA5, 8), encSD(rA5, rA1, -8), encBNE(rA4, rA5, -8)}
	memsetDown   = []uint32{encSW(rA5, rA1, 0), encADDI(rA5, rA5, -4), encBNE(rA5, rA4, -8)}
	// addi a1,1; addi a4,1; lbu a3,-1(a1); sb a3,-1(a4); bne a1,a5
	copyForward = []uint32{encADDI(rA1, rA1, 1), encADDI(rA4, rA4, 1), iType(0x03, 4, rA3, rA1, -1),
		encSB(rA4, rA3, -1), encBNE(rA1, rA5, -16)}
	// addi a4,-1; addi a3,-1; lbu a2,0(a4); sb a2,0(a3); bne a5,a4
	copyBackward = []uint32{encADDI(rA4, rA4, -1), encADDI(rA3, rA3, -1), iType(0x03, 4, rA2, rA4, 0),
		encSB(rA3, rA2, 0), encBNE(rA5, rA4, -16)}
	// lb a3,0(a1); addi a1,1; addi a5,1; sb a3,-1(a5); bne a1,a4 (signed load)
	copySigned = []uint32{encLB(rA3, rA1, 0), encADDI(rA1, rA1, 1), encADDI(rA5, rA5, 1),
		encSB(rA5, rA3, -1), encBNE(rA1, rA4, -16)}
	copyDoubles = []uint32{encLD(rA3, rA1, 0), encADDI(rA1, rA1, 8), encADDI(rA5, rA5, 8),
		encSD(rA5, rA3, -8), encBNE(rA1, rA4, -16)}
)

// runLoopProgram loads the loop at ramBase followed by `j .`, fills the
// data area with a pattern, sets regs and runs budget instructions, in
// Run calls of step instructions (1: plain interpretation, since a bulk
// loop needs budget left after its branch).
func runLoopProgram(t *testing.T, loop []uint32, regs map[int]uint64, budget, step int) (*testMachine, *Hart) {
	return runLoopProgramFrom(t, ramBase, loop, regs, budget, step)
}

// runLoopProgramFrom is runLoopProgram entered at entry, where a jump to
// the loop is placed (so entry's page has run code).
func runLoopProgramFrom(t *testing.T, entry uint64, loop []uint32, regs map[int]uint64, budget, step int) (*testMachine, *Hart) {
	m := newTestMachine(t)
	for i := 0x1000; i < 0x20000; i++ {
		m.bus.RAM[i] = byte(i*7 + i>>8)
	}
	m.loadMixed(ramBase, append(append([]uint32{}, loop...), encJAL(0, 0))...)
	if entry != ramBase {
		m.loadMixed(entry, encJAL(0, int64(ramBase)-int64(entry)))
	}
	h := m.hart(entry)
	for r, v := range regs {
		h.X[r] = v
	}
	for done := 0; done < budget; {
		n := h.Run(min(step, budget-done))
		require.NotZero(t, n, "the program must not stop")
		done += n
	}
	return m, h
}

func TestBulkLoopsMatchInterpretation(t *testing.T) {
	const data = ramBase + 0x10000
	cases := []struct {
		name   string
		loop   []uint32
		regs   map[int]uint64
		budget int
		// runs of whole iterations in bulk (a run stops at a page end of
		// either pointer); none when the branch falls through at once or
		// the loop would overwrite its own code
		bulkRuns uint64
	}{
		{"memset page", memsetBytes, map[int]uint64{rA5: data, rA4: data + 4096, rA1: 0x1205}, 20000, 1},
		{"memset zero", memsetBytes, map[int]uint64{rA5: data, rA4: data + 300, rA1: 0x100}, 2000, 1},
		{"memset one byte", memsetBytes, map[int]uint64{rA5: data, rA4: data + 1, rA1: 9}, 50, 0},
		{"memset crosses pages", memsetBytes, map[int]uint64{rA5: data + 0xf00, rA4: data + 0x1300, rA1: 0xaa}, 5000, 2},
		{"memset stops mid-loop", memsetBytes, map[int]uint64{rA5: data, rA4: data + 4096, rA1: 1}, 1000, 1},
		{"memset end unreachable", memsetDouble, map[int]uint64{rA5: data, rA4: data + 20, rA1: 3}, 3000, 2},
		{"memset compressed addi", memsetRVC, map[int]uint64{rA5: data + 7, rA4: data + 999, rA1: 0xff}, 4000, 1},
		{"memset doubles", memsetDouble, map[int]uint64{rA5: data + 8, rA4: data + 8 + 4096, rA1: 0x0102030405060708}, 3000, 1},
		{"memset doubles misaligned over a page end", memsetDouble, map[int]uint64{rA5: data + 0xffc - 64, rA4: data + 0xffc + 64, rA1: ^uint64(0)}, 100, 2},
		{"memset words downwards", memsetDown, map[int]uint64{rA5: data + 0x1ff0, rA4: data + 0xff0, rA1: 0xdeadbeef}, 4000, 2},
		{"memset into the loop's code page", memsetBytes, map[int]uint64{rA5: ramBase + 0x800, rA4: ramBase + 0x900, rA1: 0x13}, 2000, 0},
		{"copy forward disjoint", copyForward, map[int]uint64{rA1: data, rA5: data + 4096, rA4: data + 0x8000}, 30000, 1},
		{"copy forward, destination below source", copyForward, map[int]uint64{rA1: data + 100, rA5: data + 700, rA4: data + 40}, 4000, 1},
		{"copy forward, destination inside source", copyForward, map[int]uint64{rA1: data, rA5: data + 600, rA4: data + 3}, 4000, 1},
		{"copy forward across pages", copyForward, map[int]uint64{rA1: data + 0xf80, rA5: data + 0x1100, rA4: data + 0x5ff0}, 4000, 3},
		{"copy backward", copyBackward, map[int]uint64{rA4: data + 0x1000, rA5: data, rA3: data + 0x3000}, 30000, 1},
		{"copy backward, destination above source", copyBackward, map[int]uint64{rA4: data + 600, rA5: data, rA3: data + 610}, 4000, 1},
		{"copy backward, destination inside source", copyBackward, map[int]uint64{rA4: data + 600, rA5: data, rA3: data + 597}, 4000, 2},
		{"copy signed bytes", copySigned, map[int]uint64{rA1: data + 0x80, rA4: data + 0x200, rA5: data + 0x4000}, 3000, 1},
		{"copy doubles", copyDoubles, map[int]uint64{rA1: data, rA4: data + 4096, rA5: data + 0x6000}, 4000, 1},
		{"copy doubles overlapping", copyDoubles, map[int]uint64{rA1: data, rA4: data + 800, rA5: data + 16}, 1000, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mPlain, hPlain := runLoopProgram(t, c.loop, c.regs, c.budget, 1)
			mBulk, hBulk := runLoopProgram(t, c.loop, c.regs, c.budget, c.budget)
			assert.Equal(t, hPlain.PC, hBulk.PC, "pc")
			assert.Equal(t, hPlain.X, hBulk.X, "registers")
			assert.Equal(t, hPlain.Instret, hBulk.Instret, "instret")
			assert.True(t, string(mPlain.bus.RAM) == string(mBulk.bus.RAM), "memory differs")
			assert.Equal(t, c.bulkRuns, hBulk.bulk.runs, "runs in bulk")
			assert.Zero(t, hPlain.bulk.runs, "single steps never run in bulk")
		})
	}
}

// The bulk path must be the one taken: a long memset ends in a few Run
// iterations' worth of slow-path exits, which shows as the branch slot
// being a loop and the result as a whole page filled within one Run.
func TestBulkLoopRecognised(t *testing.T) {
	const data = ramBase + 0x10000
	m, h := runLoopProgram(t, memsetBytes, map[int]uint64{rA5: data, rA4: data + 4096, rA1: 0x5}, 3*4096+10, 1<<20)
	assert.Equal(t, uint8(opBNELoop), m.sys.code[0][4].op)
	assert.Equal(t, uint64(data+4096), h.X[rA5])
	for i := uint64(0); i < 4096; i++ {
		require.Equal(t, byte(5), m.bus.RAM[data-ramBase+i])
	}
}

func TestMatchLoopShapes(t *testing.T) {
	dec := func(code ...uint32) []inst {
		var out []inst
		for _, c := range code {
			if c&3 != 3 {
				out = append(out, decodeCompressed(uint16(c)))
			} else {
				out = append(out, decode(c))
			}
		}
		return out
	}
	cases := []struct {
		name string
		code []uint32 // body then branch
		kind int      // 0: not a bulk loop
	}{
		{"memset bytes", memsetBytes, loopFill},
		{"memset compressed", memsetRVC, loopFill},
		{"memset doubles", memsetDouble, loopFill},
		{"memmove forward", copyForward, loopCopy},
		{"memmove backward", copyBackward, loopCopy},
		{"signed copy", copySigned, loopCopy},
		{"step not the access size", []uint32{encSB(rA5, rA1, 0), encADDI(rA5, rA5, 2), encBNE(rA5, rA4, -8)}, 0},
		{"stores its own pointer", []uint32{encSB(rA5, rA5, 0), encADDI(rA5, rA5, 1), encBNE(rA5, rA4, -8)}, 0},
		{"branch on an unbumped register", []uint32{encSB(rA5, rA1, 0), encADDI(rA5, rA5, 1), encBNE(rA1, rA4, -8)}, 0},
		{"store before load", []uint32{encSB(rA4, rA3, -1), iType(0x03, 4, rA3, rA1, -1), encADDI(rA1, rA1, 1),
			encADDI(rA4, rA4, 1), encBNE(rA1, rA5, -16)}, 0},
		{"load and store sizes differ", []uint32{encLW(rA3, rA1, 0), encADDI(rA1, rA1, 1), encADDI(rA5, rA5, 1),
			encSB(rA5, rA3, -1), encBNE(rA1, rA4, -16)}, 0},
		{"end register is the loaded one", []uint32{encLB(rA3, rA1, 0), encADDI(rA1, rA1, 1), encADDI(rA5, rA5, 1),
			encSB(rA5, rA3, -1), encBNE(rA1, rA3, -16)}, 0},
		{"other instruction in the body", []uint32{encSB(rA5, rA1, 0), encADD(rA2, rA2, rA1), encADDI(rA5, rA5, 1), encBNE(rA5, rA4, -12)}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all := dec(c.code...)
			sh, ok := matchLoop(all[:len(all)-1], &all[len(all)-1])
			if c.kind == 0 {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			assert.Equal(t, c.kind, sh.kind)
		})
	}
}

// BenchmarkBulkMemsetPage measures xv6's byte-wise memset of a 4 KiB page
// (12288 guest instructions), which the bulk loop path runs natively.
// b.N counts guest instructions, so ns/op is per instruction.
func BenchmarkBulkMemsetPage(b *testing.B) {
	const data = ramBase + 0x10000
	m := newTestMachine(b)
	// The loop, then a jump back to it; each round resets the pointers.
	m.loadMixed(ramBase, append(append([]uint32{}, memsetBytes...), encJAL(0, -12))...)
	h := m.hart(ramBase)
	h.X[rA1] = 5
	b.ResetTimer()
	start := startMeter()
	for left := b.N; left > 0; {
		h.PC, h.X[rA5], h.X[rA4] = ramBase, data, data+4096
		left -= runOrFail(b, h, min(left, 3*4096))
	}
	start.report(b, h.Instret)
}

// A bulk loop may store into a page that holds decoded code (kfree and
// kalloc fill the pages a process ran from). The hart first runs a jump
// on the data page, so it is a code page when the loop writes it; in bulk
// the hook runs once for the whole run of stores, and memory, registers,
// the count and the code page's fate must be those of one-by-one stores.
func TestBulkLoopIntoCodePage(t *testing.T) {
	const data = ramBase + 0x10000
	cases := []struct {
		name    string
		loop    []uint32
		regs    map[int]uint64
		budget  int
		dropped bool // more than dataPageStores stores: no longer a code page
	}{
		{"fill the whole page", memsetBytes, map[int]uint64{rA5: data, rA4: data + 4096, rA1: 0x77}, 3*4096 + 50, true},
		{"fill its first bytes", memsetBytes, map[int]uint64{rA5: data, rA4: data + 64, rA1: 0x13}, 400, false},
		{"fill up to the threshold", memsetBytes, map[int]uint64{rA5: data, rA4: data + dataPageStores, rA1: 1}, 3*dataPageStores + 50, false},
		{"fill one past the threshold", memsetBytes, map[int]uint64{rA5: data, rA4: data + dataPageStores + 1, rA1: 1}, 3*dataPageStores + 60, true},
		{"copy a page over it", copyDoubles, map[int]uint64{rA1: data + 0x4000, rA4: data + 0x5000, rA5: data}, 5*512 + 50, false},
	}
	page := uint64(data-ramBase) >> pageShift
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mPlain, hPlain := runLoopProgramFrom(t, data, c.loop, c.regs, c.budget, 1)
			mBulk, hBulk := runLoopProgramFrom(t, data, c.loop, c.regs, c.budget, c.budget)
			assert.Equal(t, hPlain.PC, hBulk.PC, "pc")
			assert.Equal(t, hPlain.X, hBulk.X, "registers")
			assert.Equal(t, hPlain.Instret, hBulk.Instret, "instret")
			assert.True(t, string(mPlain.bus.RAM) == string(mBulk.bus.RAM), "memory differs")
			for _, m := range []*testMachine{mPlain, mBulk} {
				if c.dropped {
					assert.Nil(t, m.sys.code[page], "a page filled with data is no longer a code page")
				} else {
					require.NotNil(t, m.sys.code[page])
					assert.Equal(t, uint8(opUndecoded), m.sys.code[page][0].op, "the overwritten jump's slot is reset")
				}
			}
			assert.Equal(t, mPlain.sys.codeStores[page], mBulk.sys.codeStores[page], "stores counted")
			assert.Zero(t, hPlain.bulk.runs, "single steps never run in bulk")
			assert.Positive(t, hBulk.bulk.hookedRuns, "the stores into the code page ran in bulk")
		})
	}
}
