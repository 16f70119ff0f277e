package uart

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wire records the level the UART drives on its interrupt line.
type wire struct{ level bool }

func (w *wire) Set(level bool) { w.level = level }

func newUART() (*UART, *wire, *bytes.Buffer) {
	var irq wire
	var out bytes.Buffer
	return New(&irq, &out), &irq, &out
}

func (u *UART) r(off uint64) uint8    { return uint8(u.Read(off, 1)) }
func (u *UART) w(off uint64, v uint8) { u.Write(off, 1, uint64(v)) }

func TestResetValues(t *testing.T) {
	tests := []struct {
		reg  uint64
		want uint8
	}{
		{regIER, 0},
		{regIIR, iirNone},
		{regLCR, 0},
		{regLSR, lsrTHRE | lsrTEMT},
		{regMSR, msrCTS | msrDSR | msrDCD},
		{regSCR, 0},
		{8, 0},
		{0xff, 0},
	}
	for _, tc := range tests {
		u, irq, _ := newUART()
		assert.Equal(t, tc.want, u.r(tc.reg), "register %d", tc.reg)
		assert.False(t, irq.level)
	}
}

func TestTransmit(t *testing.T) {
	u, _, out := newUART()
	for _, b := range []byte("hi\n") {
		u.w(regData, b)
	}
	assert.Equal(t, "hi\n", out.String())
	assert.Equal(t, uint8(lsrTHRE|lsrTEMT), u.r(regLSR)&(lsrTHRE|lsrTEMT), "transmitter empty at once")
}

func TestDivisorLatch(t *testing.T) {
	u, _, out := newUART()
	u.w(regIER, 0)
	u.w(regLCR, lcrDLAB)
	u.w(regData, 0x03) // DLL: 38.4K as xv6 sets it
	u.w(regIER, 0x00)  // DLM
	assert.Equal(t, uint8(3), u.r(regData))
	assert.Equal(t, uint8(0), u.r(regIER))
	u.w(regIER, 0x12)
	assert.Equal(t, uint8(0x12), u.r(regIER), "DLM")
	u.w(regLCR, 0x03) // 8 bits, no parity, DLAB off
	assert.Equal(t, uint8(0), u.r(regIER), "IER untouched by DLM writes")
	assert.Empty(t, out.String(), "DLL write is not a transmission")
	u.w(regData, 'x')
	assert.Equal(t, "x", out.String())
}

func TestScratch(t *testing.T) {
	u, _, _ := newUART()
	u.w(regSCR, 0x5a)
	assert.Equal(t, uint8(0x5a), u.r(regSCR))
}

func TestReceiveFIFO(t *testing.T) {
	u, irq, _ := newUART()
	u.w(regIIR, fcrEnable|fcrClearRX)
	assert.Equal(t, uint8(iirFIFOs|iirNone), u.r(regIIR), "FIFO bits in IIR")
	u.r(regLSR) // a polling driver: the receiver is listened to

	for i := 0; i < fifoSize; i++ {
		require.True(t, u.RxRoom())
		u.Receive(byte('a' + i))
	}
	assert.False(t, u.RxRoom())
	assert.False(t, irq.level, "RX interrupt disabled")
	assert.Equal(t, uint8(lsrDR), u.r(regLSR)&lsrDR)

	u.Receive('!') // overrun: lost
	assert.Equal(t, uint8(lsrOE), u.r(regLSR)&lsrOE)
	assert.Equal(t, uint8(0), u.r(regLSR)&lsrOE, "OE clears on read")

	for i := 0; i < fifoSize; i++ {
		assert.Equal(t, byte('a'+i), u.r(regData))
	}
	assert.Equal(t, uint8(0), u.r(regLSR)&lsrDR)
	assert.True(t, u.RxRoom())
}

func TestReceiveWithoutFIFO(t *testing.T) {
	u, _, _ := newUART()
	assert.Equal(t, uint8(iirNone), u.r(regIIR), "no FIFO bits")
	u.Receive('a')
	assert.False(t, u.RxRoom(), "one holding register")
	u.Receive('b')
	assert.Equal(t, uint8(lsrOE|lsrDR), u.r(regLSR)&(lsrOE|lsrDR))
	assert.Equal(t, uint8('a'), u.r(regData))
}

func TestFIFOReset(t *testing.T) {
	u, _, _ := newUART()
	u.w(regIIR, fcrEnable)
	u.Receive('a')
	u.Receive('b')
	u.w(regIIR, fcrEnable|fcrClearRX)
	assert.Equal(t, uint8(0), u.r(regLSR)&lsrDR)
	u.Receive('c')
	u.w(regIIR, 0) // turning the FIFO off empties it too
	assert.Equal(t, uint8(0), u.r(regLSR)&lsrDR)
}

func TestInterruptCauses(t *testing.T) {
	tests := []struct {
		name    string
		fcr     uint8
		ier     uint8
		rx      int
		overrun bool
		want    uint8 // IIR low bits
	}{
		{"none", 0, ierRDI | ierRLSI, 0, false, iirNone},
		{"rx data", 0, ierRDI, 1, false, iirRDI},
		{"rx disabled", 0, 0, 1, false, iirNone},
		{"fifo at trigger 1", fcrEnable, ierRDI, 1, false, iirRDI},
		{"fifo below trigger 4: timeout", fcrEnable | 0x40, ierRDI, 2, false, iirTimeout},
		{"fifo at trigger 4", fcrEnable | 0x40, ierRDI, 4, false, iirRDI},
		{"line status beats rx", fcrEnable, ierRDI | ierRLSI, 16, true, iirRLS},
		{"rx beats thre", 0, ierRDI | ierTHRI, 1, false, iirRDI},
		{"thre", 0, ierTHRI, 0, false, iirTHRI},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, irq, _ := newUART()
			u.w(regIIR, tc.fcr)
			for i := 0; i < tc.rx; i++ {
				u.Receive('x')
			}
			if tc.overrun {
				u.Receive('y')
			}
			u.w(regIER, tc.ier)
			assert.Equal(t, tc.want != iirNone, irq.level, "line level")
			assert.Equal(t, tc.want, u.r(regIIR)&0x0f)
		})
	}
}

func TestRXInterruptClearsWhenDrained(t *testing.T) {
	u, irq, _ := newUART()
	u.w(regIIR, fcrEnable)
	u.w(regIER, ierRDI)
	u.Receive('a')
	u.Receive('b')
	assert.True(t, irq.level)
	u.r(regData)
	assert.True(t, irq.level)
	u.r(regData)
	assert.False(t, irq.level)
}

// xv6's uartstart writes one byte and waits for the THRE interrupt to send
// the next, so each completed transmission must raise THRE again; reading
// IIR (newer xv6 does) or writing THR acknowledges it.
func TestTHREInterrupt(t *testing.T) {
	u, irq, out := newUART()
	u.w(regIIR, fcrEnable|fcrClearRX|0x04)
	u.w(regIER, ierRDI|ierTHRI)
	assert.True(t, irq.level, "enabling THRI while empty raises it")

	assert.Equal(t, uint8(iirFIFOs|iirTHRI), u.r(regIIR))
	assert.False(t, irq.level, "reading IIR with THRE cause acknowledges it")
	assert.Equal(t, uint8(iirFIFOs|iirNone), u.r(regIIR))

	u.w(regData, 'a')
	assert.True(t, irq.level, "transmission done: THRE again")
	u.w(regData, 'b')
	assert.True(t, irq.level)
	assert.Equal(t, "ab", out.String())

	u.w(regIER, ierRDI)
	assert.False(t, irq.level, "THRI disabled")
	u.w(regIER, ierRDI|ierTHRI)
	assert.True(t, irq.level, "re-enabling re-arms")
}

func TestLoopback(t *testing.T) {
	u, _, out := newUART()
	u.w(regIIR, fcrEnable)
	u.w(regMCR, mcrLoop|0x03)
	assert.Equal(t, uint8(msrCTS|msrDSR), u.r(regMSR))
	u.w(regData, 'z')
	assert.Empty(t, out.String(), "loopback does not reach the host")
	assert.Equal(t, uint8('z'), u.r(regData))
}

func TestWideAccess(t *testing.T) {
	u, _, _ := newUART()
	u.Write(regSCR, 4, 0x1234)
	assert.Equal(t, uint64(0x34), u.Read(regSCR, 4))
}

// latchWire counts the requests a QEMU-style PLIC would latch.
type latchWire struct{ raised int }

func (l *latchWire) Set(level bool) {
	if level {
		l.raised++
	}
}

// xv6's uartintr polls LSR/RBR and, with nothing to send, returns without
// touching IIR or THR. The PLIC latches on Set(true), so that path must not
// re-drive the line, or the idle THRE condition becomes an interrupt storm.
func TestXv6IdlePathRaisesNothing(t *testing.T) {
	var irq latchWire
	u := New(&irq, &bytes.Buffer{})
	u.w(regIER, 0)
	u.w(regLCR, lcrDLAB)
	u.w(regData, 3)
	u.w(regIER, 0)
	u.w(regLCR, 3)
	u.w(regIIR, fcrEnable|fcrClearRX|0x04)
	u.w(regIER, ierRDI|ierTHRI)
	require.Positive(t, irq.raised, "enabling THRI raises THRE")

	before := irq.raised
	for i := 0; i < 3; i++ { // three idle uartintr calls
		assert.Equal(t, uint8(0), u.r(regLSR)&lsrDR)
	}
	assert.Equal(t, before, irq.raised)

	u.w(regData, 'a') // uartstart sends a byte: one new THRE event
	assert.Equal(t, before+1, irq.raised)

	u.Receive('k') // a key press: one RX event
	assert.Equal(t, before+2, irq.raised)
	assert.Equal(t, uint8('k'), u.r(regData))
}

// Host input waits until the guest listens, so that a driver's FIFO reset
// during initialisation cannot discard typed-ahead or piped bytes.
func TestHostInputHeldUntilGuestListens(t *testing.T) {
	tests := []struct {
		name   string
		listen func(u *UART)
	}{
		{"RX interrupt enabled", func(u *UART) { u.w(regIER, ierRDI) }},
		{"LSR polled", func(u *UART) { u.r(regLSR) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, _, _ := newUART()
			assert.False(t, u.RxRoom(), "nobody listens after reset")
			u.w(regIER, ierTHRI)
			u.w(regIIR, fcrEnable|fcrClearRX)
			assert.False(t, u.RxRoom(), "TX set-up alone is not listening")
			tc.listen(u)
			require.True(t, u.RxRoom())
			u.Receive('k')
			assert.Equal(t, uint8('k'), u.r(regData))
		})
	}
}
