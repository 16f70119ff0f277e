// Package uart models an NS16550A serial port with a 1-byte register stride,
// as on QEMU's virt board. Transmitted bytes go straight to an io.Writer;
// received bytes are handed in by the board through Receive.
package uart

import (
	"io"

	"github.com/rvemu/rvemu/bus"
)

// Size of the register region.
const Size = 0x100

const fifoSize = 16

// Register bits that the model acts on.
const (
	ierRDI  = 0x01 // received data available
	ierTHRI = 0x02 // transmit holding register empty
	ierRLSI = 0x04 // receiver line status
	ierMask = 0x0f

	iirNone    = 0x01
	iirRLS     = 0x06
	iirRDI     = 0x04
	iirTimeout = 0x0c
	iirTHRI    = 0x02
	iirFIFOs   = 0xc0 // both "FIFOs enabled" bits

	fcrEnable   = 0x01
	fcrClearRX  = 0x02
	fcrTrigMask = 0xc0

	lcrDLAB = 0x80

	mcrLoop = 0x10
	mcrMask = 0x1f

	lsrDR   = 0x01
	lsrOE   = 0x02
	lsrTHRE = 0x20
	lsrTEMT = 0x40

	msrCTS = 0x10
	msrDSR = 0x20
	msrRI  = 0x40
	msrDCD = 0x80
)

// UART state. Only the machine loop touches it.
type UART struct {
	irq bus.IRQLine
	out io.Writer

	ier, lcr, mcr, scr uint8
	fcr                uint8
	dll, dlm           uint8
	overrun            bool

	rx      [fifoSize]byte
	rxHead  int // index of the oldest byte
	rxCount int

	// thrPending is the latched "transmitter empty" interrupt: set when a
	// transmission finishes (at once here) or THRI is enabled while empty,
	// cleared by reading IIR with it as the cause or by writing THR.
	thrPending bool

	// listening: the guest has shown it reads the receiver, by enabling the
	// data-available interrupt or by polling LSR. Until then the board holds
	// host input back: a driver's initial FIFO reset would otherwise discard
	// bytes typed (or piped) before the driver was up.
	listening bool
}

// New returns a UART that raises irq and writes transmitted bytes to out.
func New(irq bus.IRQLine, out io.Writer) *UART {
	return &UART{irq: irq, out: out, dll: 0x0c, mcr: 0x08}
}

// RxRoom reports whether the receiver can take another byte without
// overrunning: 16 bytes with the FIFO on, one holding register without.
// It is false until the guest listens (see UART.listening).
func (u *UART) RxRoom() bool { return u.listening && u.rxCount < u.rxCapacity() }

// Receive delivers one byte from the host side of the line. With no room the
// byte is lost and the overrun error is flagged, as the chip would.
func (u *UART) Receive(b byte) {
	u.receive(b)
	u.update()
}

// receive queues a byte without touching the interrupt line.
func (u *UART) receive(b byte) {
	if u.rxCount >= u.rxCapacity() {
		u.overrun = true
		return
	}
	u.rx[(u.rxHead+u.rxCount)%fifoSize] = b
	u.rxCount++
}

func (u *UART) fifoOn() bool { return u.fcr&fcrEnable != 0 }

func (u *UART) rxCapacity() int {
	if u.fifoOn() {
		return fifoSize
	}
	return 1
}

// triggerLevel is the FIFO fill at which "data available" is reported; below
// it the chip reports a character timeout instead (here at once, since the
// model has no character clock).
func (u *UART) triggerLevel() int {
	if !u.fifoOn() {
		return 1
	}
	return [4]int{1, 4, 8, 14}[u.fcr>>6]
}

func (u *UART) popRX() byte {
	if u.rxCount == 0 {
		return 0
	}
	b := u.rx[u.rxHead]
	u.rxHead = (u.rxHead + 1) % fifoSize
	u.rxCount--
	return b
}

func (u *UART) clearRX() { u.rxHead, u.rxCount = 0, 0 }

// transmit sends one byte: out to the host, or back into the receiver in
// loopback mode. Transmission is instantaneous, so the transmitter is empty
// again right away and the THRE interrupt latches.
func (u *UART) transmit(b byte) {
	if u.mcr&mcrLoop != 0 {
		u.receive(b)
	} else if u.out != nil {
		_, _ = u.out.Write([]byte{b}) // a host write error must not stop the guest
	}
	u.thrPending = true
}

func (u *UART) lsr() uint8 {
	v := uint8(lsrTHRE | lsrTEMT)
	if u.rxCount > 0 {
		v |= lsrDR
	}
	if u.overrun {
		v |= lsrOE
	}
	return v
}

// msr: modem inputs. Without loopback the line looks connected and ready
// (CTS, DSR, DCD); in loopback they follow the MCR outputs.
func (u *UART) msr() uint8 {
	if u.mcr&mcrLoop == 0 {
		return msrCTS | msrDSR | msrDCD
	}
	var v uint8
	if u.mcr&0x02 != 0 {
		v |= msrCTS
	}
	if u.mcr&0x01 != 0 {
		v |= msrDSR
	}
	if u.mcr&0x04 != 0 {
		v |= msrRI
	}
	if u.mcr&0x08 != 0 {
		v |= msrDCD
	}
	return v
}

// cause is the highest-priority pending interrupt as IIR bits 0-3.
func (u *UART) cause() uint8 {
	switch {
	case u.ier&ierRLSI != 0 && u.overrun:
		return iirRLS
	case u.ier&ierRDI != 0 && u.rxCount > 0:
		if u.rxCount < u.triggerLevel() {
			return iirTimeout
		}
		return iirRDI
	case u.ier&ierTHRI != 0 && u.thrPending:
		return iirTHRI
	}
	return iirNone
}

// update drives the interrupt line from the current cause.
func (u *UART) update() { u.irq.Set(u.cause() != iirNone) }
