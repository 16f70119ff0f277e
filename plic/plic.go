// Package plic models the platform-level interrupt controller of the virt
// board: level-triggered sources 1..95, a priority per source, and per
// context (hart x privilege mode) enable bits, a threshold and a
// claim/complete register. Context 2*hart is the hart's M-mode, 2*hart+1 its
// S-mode, which is how QEMU's virt board numbers them.
package plic

import (
	"math/bits"

	"github.com/rvemu/rvemu/bus"
)

const (
	// Size of the register region (0x0c000000..0x10000000 on the board).
	Size = 0x4000000
	// Sources is the number of interrupt sources including the unused
	// source 0.
	Sources = 96

	words       = Sources / 32
	maxPriority = 7 // QEMU virt implements three priority bits
)

// PLIC state. Bit i of word w in a bitmap is source 32*w+i. Only the machine
// loop touches it, so there is no locking.
type PLIC struct {
	priority [Sources]uint32
	pending  [words]uint32 // gateway latched a request
	claimed  [words]uint32 // in service: claimed and not yet completed

	enable    [][words]uint32 // per context
	threshold []uint32        // per context
}

// New returns a PLIC with two contexts (M and S) per hart.
func New(harts int) *PLIC {
	return &PLIC{
		enable:    make([][words]uint32, 2*harts),
		threshold: make([]uint32, 2*harts),
	}
}

// line is the wire from one device into the PLIC.
type line struct {
	p   *PLIC
	src int
}

// Set drives the source's level. Every Set(true) latches a request, even
// when the line was already high; Set(false) drops a request that has not
// been claimed yet. Completion does not re-latch a line that stayed high:
// this is QEMU's virt PLIC, and unmodified xv6 depends on it (its uartstart
// leaves the 16550's THRE interrupt asserted when it has nothing to send,
// which a re-latching PLIC would turn into an endless interrupt storm).
// So a device calls Set(true) for each new event, not only on edges.
func (l line) Set(level bool) {
	w, bit := l.src/32, uint32(1)<<(l.src%32)
	if level {
		l.p.pending[w] |= bit
	} else {
		l.p.pending[w] &^= bit
	}
}

// noLine swallows a source number the PLIC does not have.
type noLine struct{}

func (noLine) Set(bool) {}

// Line returns the interrupt wire of source src (1..95). Source 0 means "no
// interrupt" and out-of-range sources are not wired: they get a line that
// does nothing.
func (p *PLIC) Line(src int) bus.IRQLine {
	if src <= 0 || src >= Sources {
		return noLine{}
	}
	return line{p, src}
}

// MEIP reports whether hart h's M-mode context has an interrupt to take.
func (p *PLIC) MEIP(h int) bool { return p.best(2*h) != 0 }

// SEIP reports whether hart h's S-mode context has an interrupt to take.
func (p *PLIC) SEIP(h int) bool { return p.best(2*h+1) != 0 }

// best returns the source a claim by context ctx would get: the pending,
// enabled, not in-service source with the highest priority above the
// context's threshold, the lowest id on ties; 0 when there is none.
func (p *PLIC) best(ctx int) int {
	if ctx < 0 || ctx >= len(p.enable) {
		return 0
	}
	src, prio := 0, p.threshold[ctx]
	for w := 0; w < words; w++ {
		cand := p.pending[w] &^ p.claimed[w] & p.enable[ctx][w]
		for cand != 0 {
			i := bits.TrailingZeros32(cand)
			cand &= cand - 1
			s := 32*w + i
			if p.priority[s] > prio {
				src, prio = s, p.priority[s]
			}
		}
	}
	return src
}

// claim hands the best source to context ctx and marks it in service.
func (p *PLIC) claim(ctx int) uint32 {
	src := p.best(ctx)
	if src != 0 {
		w, bit := src/32, uint32(1)<<(src%32)
		p.pending[w] &^= bit
		p.claimed[w] |= bit
	}
	return uint32(src)
}

// complete ends service of src in any context, as QEMU does.
func (p *PLIC) complete(src uint32) {
	if src == 0 || src >= Sources {
		return
	}
	p.claimed[src/32] &^= uint32(1) << (src % 32)
}
