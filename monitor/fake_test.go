package monitor

import (
	"encoding/binary"
	"errors"
	"strings"
)

// fakeBoard is a Board in memory: harts, CSRs, RAM at 0x8000_0000, and a
// log of the run-state calls.
type fakeBoard struct {
	harts   []Hart
	csrs    []map[uint16]uint64
	ram     []byte
	pci     []PCIFunction
	nics    []NIC
	status  string
	calls   []string
	contErr error
}

const fakeRAMBase = 0x8000_0000

// kernelStart are the first 32 bytes of our xv6 kernel, whose dumps on
// QEMU 7.2 the tests below compare against.
var kernelStart = []byte{
	0x17, 0x41, 0x01, 0x00, 0x13, 0x01, 0x01, 0xf0, 0xf3, 0x22, 0x40, 0xf1, 0x85, 0x02, 0xb2, 0x02,
	0x16, 0x91, 0x97, 0x20, 0x00, 0x00, 0xe7, 0x80, 0x20, 0xc0, 0x73, 0x00, 0x50, 0x10, 0xf5, 0xbf,
}

func newFakeBoard(harts int) *fakeBoard {
	b := &fakeBoard{ram: make([]byte, 1<<20), status: "running"}
	copy(b.ram, kernelStart)
	for i := 0; i < harts; i++ {
		h := Hart{PC: fakeRAMBase + uint64(4*i), Priv: 3}
		for r := range h.X {
			h.X[r] = uint64(i)<<8 | uint64(r)
		}
		h.X[0] = 0
		b.harts = append(b.harts, h)
		b.csrs = append(b.csrs, map[uint16]uint64{0xf14: uint64(i)})
	}
	return b
}

func (b *fakeBoard) Harts() int                   { return len(b.harts) }
func (b *fakeBoard) Hart(i int) Hart              { return b.harts[i] }
func (b *fakeBoard) CSR(i int, csr uint16) uint64 { return b.csrs[i][csr] }
func (b *fakeBoard) PCI() []PCIFunction           { return b.pci }
func (b *fakeBoard) NICs() []NIC                  { return b.nics }
func (b *fakeBoard) Status() string               { return b.status }
func (b *fakeBoard) Stop()                        { b.calls = append(b.calls, "stop"); b.status = "paused" }
func (b *fakeBoard) Quit()                        { b.calls = append(b.calls, "quit") }

func (b *fakeBoard) Cont() error {
	b.calls = append(b.calls, "cont")
	if b.contErr == nil {
		b.status = "running"
	}
	return b.contErr
}

func (b *fakeBoard) Reset() error {
	b.calls = append(b.calls, "reset")
	return nil
}

func (b *fakeBoard) ReadPhys(pa uint64, p []byte) bool {
	if pa < fakeRAMBase || pa-fakeRAMBase+uint64(len(p)) > uint64(len(b.ram)) {
		return false
	}
	copy(p, b.ram[pa-fakeRAMBase:])
	return true
}

func (b *fakeBoard) put64(pa, v uint64) {
	binary.LittleEndian.PutUint64(b.ram[pa-fakeRAMBase:], v)
}

// exec runs lines on a monitor of b and returns all output.
func exec(m *Monitor, lines ...string) string {
	var out strings.Builder
	for _, l := range lines {
		m.Exec(l, &out)
	}
	return out.String()
}

var errHeld = errors.New("the harts are held by gdb: continue from gdb")
