package cpu

import (
	"encoding/binary"
	"testing"

	"github.com/rvemu/rvemu/bus"
)

const ramBase = 0x80000000

// testMachine is a bus with 1 MiB of RAM, a counter device at 0x10000000
// and one system whose clock the test controls.
type testMachine struct {
	bus *bus.Bus
	sys *System
	now uint64
	dev *scratchDevice
}

type scratchDevice struct {
	regs   map[uint64]uint64
	writes int
}

func (d *scratchDevice) Read(off uint64, size int) uint64 { return d.regs[off] }
func (d *scratchDevice) Write(off uint64, size int, v uint64) {
	d.regs[off] = v
	d.writes++
}

func newTestMachine(t testing.TB) *testMachine {
	t.Helper()
	m := &testMachine{bus: bus.New(ramBase, 1<<20), dev: &scratchDevice{regs: map[uint64]uint64{}}}
	m.bus.Map("scratch", 0x10000000, 0x1000, m.dev)
	m.sys = NewSystem(m.bus, func() uint64 { return m.now })
	if testJIT != JITOff {
		if err := m.sys.EnableJIT(testJIT); err != nil {
			t.Fatalf("RVEMU_TEST_JIT: %v", err)
		}
		m.sys.codeCache.jit.hot = 0 // everything runs translated
	}
	return m
}

// load writes instructions (32-bit each) at pa, the way a DMA write
// would, so decoded copies of older code there are dropped.
func (m *testMachine) load(pa uint64, code ...uint32) {
	buf := make([]byte, 4*len(code))
	for i, c := range code {
		binary.LittleEndian.PutUint32(buf[4*i:], c)
	}
	if err := m.bus.WriteDMA(pa, buf); err != nil {
		panic(err)
	}
}

func (m *testMachine) load16(pa uint64, code ...uint16) {
	buf := make([]byte, 2*len(code))
	for i, c := range code {
		binary.LittleEndian.PutUint16(buf[2*i:], c)
	}
	if err := m.bus.WriteDMA(pa, buf); err != nil {
		panic(err)
	}
}

// hart returns a fresh hart at pa in M-mode.
func (m *testMachine) hart(pc uint64) *Hart {
	h := m.sys.NewHart(len(m.sys.harts))
	h.PC = pc
	return h
}

// runProgram loads code at RAM base and runs n instructions on a new hart.
func runProgram(t testing.TB, n int, code ...uint32) (*testMachine, *Hart) {
	t.Helper()
	m := newTestMachine(t)
	m.load(ramBase, code...)
	h := m.hart(ramBase)
	h.Run(n)
	return m, h
}
