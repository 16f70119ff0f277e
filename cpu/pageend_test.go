package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Straight-line code runs off the end of one page into the next. The last
// instruction of a page is opPageEnd, executed out of line; whatever it is
// (32- or 16-bit, a branch not taken or taken, a load that misses the
// TLB), the result must be that of running it in place.
func TestRunOffPageEnd(t *testing.T) {
	const (
		caddiX5   = 0x0285 // c.addi x5, 1
		cnop      = 0x0001
		page1     = ramBase + pageSize
		dataAddr  = ramBase + 0x8000
		dataValue = 0x1122334455667788
	)
	addi := encADDI(5, 5, 1)
	cases := []struct {
		name string
		tail []uint32 // placed so that it ends exactly at the page end
		x5   uint64   // addi count when the final `j .` is reached
		x6   uint64
	}{
		{"32-bit addi", []uint32{addi}, 1 + 2, 0},
		{"16-bit addi", []uint32{cnop, caddiX5}, 1 + 2, 0},
		{"branch not taken", []uint32{encBNE(0, 0, -64)}, 0 + 2, 0},
		{"branch taken back, then not", []uint32{addi, encBLT(5, 9, -4)}, 3 + 2, 0},
		{"load missing the TLB", []uint32{encLD(6, 7, 0)}, 0 + 2, dataValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTestMachine(t)
			size := 0
			for _, w := range c.tail {
				if w&3 == 3 {
					size += 4
				} else {
					size += 2
				}
			}
			start := page1 - uint64(size)
			m.loadMixed(start, c.tail...)
			m.loadMixed(page1, addi, addi, encJAL(0, 0))
			m.load(ramBase, encJAL(0, int64(start-ramBase)))
			for i, b := range []byte{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11} {
				m.bus.RAM[dataAddr-ramBase+uint64(i)] = b
			}
			h := m.hart(ramBase)
			h.X[7], h.X[9] = dataAddr, 3
			for range 3 { // cold, then with everything decoded and cached
				h.PC, h.X[5], h.X[6], h.Instret = ramBase, 0, 0, 0
				n := h.Run(100)
				assert.Equal(t, 100, n)
				assert.Equal(t, uint64(page1+8), h.PC)
				assert.Equal(t, c.x5, h.X[5])
				assert.Equal(t, c.x6, h.X[6])
			}
			lastLen := uint64(4)
			if c.tail[len(c.tail)-1]&3 != 3 {
				lastLen = 2
			}
			if m.sys.JIT() == JITOff { // translated code does not decode into slots
				assert.Equal(t, opPageEnd, m.sys.code[0][(pageSize-lastLen)/2].op, "the page's last instruction")
			}
		})
	}
}
