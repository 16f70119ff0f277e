package cpu

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const dataPA = ramBase + 0x10000

func TestLRSCAcrossHarts(t *testing.T) {
	lr := encAMO(amoLR, 3, 5, 1, 0)
	sc := encAMO(amoSC, 3, 6, 1, 2)
	tests := []struct {
		name      string
		between   func(m *testMachine, other *Hart)
		scSucceed bool
	}{
		{"no interference", func(*testMachine, *Hart) {}, true},
		{"other hart stores same granule", func(m *testMachine, o *Hart) {
			m.load(ramBase+0x400, encSW(1, 0, 4))
			o.PC = ramBase + 0x400
			o.Run(1)
		}, false},
		{"other hart stores elsewhere", func(m *testMachine, o *Hart) {
			m.load(ramBase+0x400, encSW(1, 0, 64))
			o.PC = ramBase + 0x400
			o.Run(1)
		}, true},
		{"other hart's SC to the granule", func(m *testMachine, o *Hart) {
			m.load(ramBase+0x400, lr, sc)
			o.PC = ramBase + 0x400
			o.Run(2)
			require.Zero(t, o.X[6], "the other hart's own LR/SC pair succeeds")
		}, false},
		{"DMA write to the granule", func(m *testMachine, o *Hart) {
			require.NoError(t, m.bus.WriteU32(dataPA, 7))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			m.load(ramBase, lr, sc)
			h := m.hart(ramBase)
			o := m.hart(ramBase)
			h.X[1], h.X[2] = dataPA, 42
			o.X[1], o.X[2] = dataPA, 43
			h.Run(1)
			tt.between(m, o)
			h.Run(1)
			if tt.scSucceed {
				assert.Zero(t, h.X[6])
				v, _ := m.bus.ReadU64(dataPA)
				assert.Equal(t, uint64(42), v)
			} else {
				assert.Equal(t, uint64(1), h.X[6])
			}
		})
	}
}

func TestAMO(t *testing.T) {
	tests := []struct {
		name   string
		f5     uint32
		f3     uint32
		mem    uint64
		src    uint64
		old    uint64
		newMem uint64
	}{
		{"amoadd.d", amoADD, 3, 5, 7, 5, 12},
		{"amoswap.w sign-extends", amoSWAP, 2, 0x80000000, 1, 0xffffffff80000000, 1},
		{"amoand.d", amoAND, 3, 0xf0, 0x3c, 0xf0, 0x30},
		{"amoor.w", amoOR, 2, 0x1, 0x2, 1, 3},
		{"amoxor.d", amoXOR, 3, 3, 1, 3, 2},
		{"amomin.w signed", amoMIN, 2, 5, 0xffffffff, 5, 0xffffffff},
		{"amominu.w unsigned", amoMINU, 2, 5, 0xffffffff, 5, 5},
		{"amomax.d", amoMAX, 3, 5, ^uint64(0), 5, 5},
		{"amomaxu.d", amoMAXU, 3, 5, ^uint64(0), 5, ^uint64(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t)
			require.NoError(t, m.bus.WriteU64(dataPA, tt.mem))
			m.load(ramBase, encAMO(tt.f5, tt.f3, 5, 1, 2))
			h := m.hart(ramBase)
			h.X[1], h.X[2] = dataPA, tt.src
			require.Equal(t, 1, h.Run(1))
			assert.Equal(t, tt.old, h.X[5])
			v, _ := m.bus.ReadU64(dataPA)
			if tt.f3 == 2 {
				v &= 0xffffffff
			}
			assert.Equal(t, tt.newMem, v)
		})
	}
}

func TestMisalignedAtomicsTrap(t *testing.T) {
	tests := []struct {
		name  string
		code  uint32
		cause uint64
	}{
		{"lr.w", encAMO(amoLR, 2, 5, 1, 0), causeLoadMisaligned},
		{"sc.d", encAMO(amoSC, 3, 5, 1, 2), causeStoreMisaligned},
		{"amoadd.w", encAMO(amoADD, 2, 5, 1, 2), causeStoreMisaligned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h := trapHart(t)
			m.load(ramBase, tt.code)
			h.X[1] = dataPA + 2
			h.Run(1)
			assert.Equal(t, uint64(mHandler), h.PC)
			assert.Equal(t, tt.cause, h.csr.mcause)
			assert.Equal(t, uint64(dataPA+2), h.csr.mtval)
		})
	}
}

// Misaligned loads and stores that cross a page are done byte by byte.
func TestMisalignedAcrossPages(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, encSD(1, 2, 0), encLD(3, 1, 0), encLW(4, 1, 4))
	h := m.hart(ramBase)
	h.X[1] = dataPA + 0xffd
	h.X[2] = 0x1122334455667788
	require.Equal(t, 3, h.Run(3))
	assert.Equal(t, uint64(0x1122334455667788), h.X[3])
	assert.Equal(t, uint64(0x11223344), h.X[4])
	assert.Equal(t, byte(0x88), m.bus.RAM[dataPA-ramBase+0xffd])
	assert.Equal(t, byte(0x11), m.bus.RAM[dataPA-ramBase+0x1004])
}

func TestMMIOEndsRun(t *testing.T) {
	m := newTestMachine(t)
	m.load(ramBase, encSW(1, 2, 8), encLW(3, 1, 8), encNOP, encNOP)
	h := m.hart(ramBase)
	h.X[1] = 0x10000000
	h.X[2] = 99
	assert.Equal(t, 1, h.Run(10), "stops after the MMIO store")
	assert.Equal(t, 1, m.dev.writes)
	assert.Equal(t, 1, h.Run(10), "stops after the MMIO load")
	assert.Equal(t, uint64(99), h.X[3])
	assert.Equal(t, 2, h.Run(2))
}

func TestAccessFaultOutsideMemory(t *testing.T) {
	tests := []struct {
		name  string
		code  uint32
		cause uint64
	}{
		{"load", encLD(3, 1, 0), causeLoadAccess},
		{"store", encSD(1, 3, 0), causeStoreAccess},
		{"amo", encAMO(amoADD, 3, 5, 1, 2), causeStoreAccess},
		{"fetch", encJALR(0, 1, 0), causeFetchAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h := trapHart(t)
			m.load(ramBase, tt.code)
			h.X[1] = 0x20000000
			h.Run(2)
			assert.Equal(t, uint64(mHandler), h.PC)
			assert.Equal(t, tt.cause, h.csr.mcause)
			assert.Equal(t, uint64(0x20000000), h.csr.mtval)
		})
	}
}

// Stores into code that has already been decoded are seen by the next
// fetch, from the storing hart and from DMA.
func TestSelfModifyingCode(t *testing.T) {
	m := newTestMachine(t)
	// 0: addi x5, x0, 1   <- rewritten to addi x5, x0, 2 by the store at 8
	// 4: j 12
	// 8: sw x2, 0(x1); fence.i; j 0
	m.load(ramBase,
		encADDI(5, 0, 1),
		encJAL(0, 8),
		encNOP,
		encSW(1, 2, 0),
		encFENCEI,
		encJAL(0, -20),
	)
	h := m.hart(ramBase)
	h.X[1] = ramBase
	h.X[2] = uint64(encADDI(5, 0, 2))
	h.Run(1)
	assert.Equal(t, uint64(1), h.X[5])
	h.Run(5)
	assert.Equal(t, uint64(2), h.X[5])

	// A DMA write of new code.
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], encADDI(5, 0, 3))
	require.NoError(t, m.bus.WriteDMA(ramBase, b[:]))
	h.PC = ramBase
	h.Run(1)
	assert.Equal(t, uint64(3), h.X[5])
}

// A 32-bit instruction whose upper half is on the next page still runs.
func TestInstructionAcrossPages(t *testing.T) {
	m := newTestMachine(t)
	m.load16(ramBase+0xffe, uint16(encADDI(5, 0, 77)), uint16(encADDI(5, 0, 77)>>16))
	h := m.hart(ramBase + 0xffe)
	require.Equal(t, 1, h.Run(1))
	assert.Equal(t, uint64(77), h.X[5])
	assert.Equal(t, uint64(ramBase+0x1002), h.PC)
}

func TestCompressedExecution(t *testing.T) {
	m := newTestMachine(t)
	// c.li a0,-5; c.addi a0,-3; c.mv a1,a0 (0x85aa); c.add a0,a1; c.j .+0
	m.load16(ramBase, 0x556d, 0x1575, 0x85aa, 0x952e, 0xa001)
	h := m.hart(ramBase)
	require.Equal(t, 5, h.Run(5))
	assert.Equal(t, uint64(0xfffffffffffffff0), h.X[10])
	assert.Equal(t, uint64(ramBase+8), h.PC)
}

// romDevice serves fixed bytes, like a boot ROM.
type romDevice []byte

func (r romDevice) Read(off uint64, size int) uint64 {
	var v uint64
	for i := 0; i < size; i++ {
		v |= uint64(r[off+uint64(i)]) << (8 * i)
	}
	return v
}

func (romDevice) Write(uint64, int, uint64) {}

// Code outside RAM (a boot ROM) runs without being cached, including a
// load and a jump into RAM.
func TestFetchFromDevice(t *testing.T) {
	m := newTestMachine(t)
	rom := make(romDevice, 0x100)
	for i, c := range []uint32{encADDI(5, 0, 9), encLD(6, 1, 0), encJALR(0, 2, 0)} {
		binary.LittleEndian.PutUint32(rom[4*i:], c)
	}
	m.bus.Map("rom", 0x1000, 0x100, rom)
	m.load(ramBase, encADDI(7, 0, 1))
	require.NoError(t, m.bus.WriteU64(dataPA, 0x55))
	h := m.hart(0x1000)
	h.X[1], h.X[2] = dataPA, ramBase
	assert.Equal(t, 4, h.Run(4))
	assert.Equal(t, uint64(9), h.X[5])
	assert.Equal(t, uint64(0x55), h.X[6])
	assert.Equal(t, uint64(1), h.X[7])
	assert.Equal(t, uint64(ramBase+4), h.PC)
}

// A page that held code and is then only stored to (reused for data)
// loses its decoded copy, so its stores go back to the fast path; if code
// runs there again it is decoded afresh.
func TestCodePageReusedForData(t *testing.T) {
	m := newTestMachine(t)
	const codePage = ramBase + 0x3000
	m.load(codePage, encADDI(5, 0, 1), encJALR(0, 1, 0))
	// Loop at ramBase: x1 = return address; store x2 to codePage, count x3 down.
	m.load(ramBase,
		encJALR(1, 4, 0),  // 0: call codePage (x4), returns to 4
		encSW(4, 2, 0),    // 4: overwrite the first instruction
		encADDI(3, 3, -1), // 8
		encBNE(3, 0, -8),  // c: back to 4
		encJALR(1, 4, 0),  // 10: call the rewritten code
		encJAL(0, 0),      // 14: stop here
	)
	h := m.hart(ramBase)
	h.X[4] = codePage
	h.X[2] = uint64(encADDI(5, 0, 2))
	h.X[3] = dataPageStores + 10
	h.Run(3)
	require.Equal(t, uint64(1), h.X[5])
	p := (codePage - ramBase) >> pageShift
	require.NotNil(t, m.sys.code[p])
	for i := 0; i < 10 && h.PC != ramBase+0x14; i++ {
		h.Run(10000)
	}
	require.Equal(t, uint64(ramBase+0x14), h.PC)
	assert.Equal(t, uint64(2), h.X[5], "the rewritten instruction ran")
	assert.NotNil(t, m.sys.code[p], "decoded again after the last call")
	assert.Less(t, m.sys.codeStores[p], uint32(dataPageStores))
}

func TestCodePageDroppedAfterManyStores(t *testing.T) {
	m := newTestMachine(t)
	const codePage = ramBase + 0x3000
	m.load(codePage, encJALR(0, 1, 0))
	m.load(ramBase, encJALR(1, 4, 0), encSW(4, 2, 0), encADDI(3, 3, -1), encBNE(3, 0, -8), encJAL(0, 0))
	h := m.hart(ramBase)
	h.X[4], h.X[3] = codePage, dataPageStores+10
	h.Run(4 * (dataPageStores + 20))
	p := (codePage - ramBase) >> pageShift
	assert.Nil(t, m.sys.code[p])
	assert.Zero(t, m.sys.flags[p]&pageHasCode)
}

// The store TLB caches a page before it holds code; once code is decoded
// there, stores through that (now flushed) entry must still reach the
// hook that resets decoded slots.
func TestStoreTLBEntryBeforePageHeldCode(t *testing.T) {
	m := newTestMachine(t)
	const other = ramBase + 0x5000
	m.load(other, encADDI(5, 0, 1), encJALR(0, 6, 0))
	m.load(ramBase,
		encSW(1, 0, 0x100), // 0: fills the store TLB for the other page
		encJALR(6, 1, 0),   // 4: run the code there, back to 8
		encSW(1, 2, 0),     // 8: rewrite its first instruction
		encJALR(6, 1, 0),   // c: run it again, back to 0x10
		encJAL(0, 0),       // 10
	)
	h := m.hart(ramBase)
	h.X[1] = other
	h.X[2] = uint64(encADDI(5, 0, 2))
	h.Run(4)
	require.Equal(t, uint64(1), h.X[5])
	h.Run(4)
	assert.Equal(t, uint64(ramBase+0x10), h.PC)
	assert.Equal(t, uint64(2), h.X[5])
}

// A decoded page dropped for data is recycled for another physical page;
// the code TLB must not lead a jump back to the old page into the
// recycled object (which then holds the other page's code).
func TestCodeTLBForgetsRecycledPage(t *testing.T) {
	m := newTestMachine(t)
	const pageA, pageB = ramBase + 0x3000, ramBase + 0x5000
	m.load(pageA, encADDI(5, 0, 1), encJALR(0, 1, 0))
	m.load(pageB, encADDI(5, 0, 7), encJALR(0, 1, 0))
	m.load(ramBase,
		encJALR(1, 4, 0),   // 0: run A: x5 = 1
		encSW(4, 0, 0x100), // 4: data stores into A until it is dropped
		encADDI(3, 3, -1),  // 8
		encBNE(3, 0, -8),   // c: back to 4
		encJALR(1, 6, 0),   // 10: run B (reuses A's page object): x5 = 7
		encJALR(1, 4, 0),   // 14: run A again: x5 = 1
		encJAL(0, 0),       // 18: stop here
	)
	h := m.hart(ramBase)
	h.X[4], h.X[6], h.X[3] = pageA, pageB, dataPageStores+10
	for i := 0; i < 10 && h.PC != ramBase+0x18; i++ {
		h.Run(10000)
	}
	require.Equal(t, uint64(ramBase+0x18), h.PC)
	assert.Equal(t, uint64(1), h.X[5], "A's own code ran, not B's")
}
