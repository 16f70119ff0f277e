package machine

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/bus"
)

// PLIC register layout the tracer decodes (the claim/complete word of each
// context); the PLIC itself keeps its own copy of these facts.
const (
	plicContextBase   = 0x200000
	plicContextStride = 0x1000
	plicClaimReg      = 4
)

// irqName names an interrupt source of this board for traces.
func irqName(src uint64) string {
	switch src {
	case 0:
		return "none"
	case uartIRQ:
		return "uart"
	case virtioIRQ:
		return "virtio"
	case uint64(nicIRQ):
		return "e1000"
	}
	return "?"
}

// plicTracer logs claims and completions ("--trace plic") in the words of
// the kernel's interrupt handler: which hart and mode took which device.
type plicTracer struct {
	dev bus.Device
	out io.Writer
}

// claimContext reports whether off is a context's claim/complete register,
// and which hart and mode that context belongs to.
func claimContext(off uint64) (hart int, mode string, ok bool) {
	if off < plicContextBase || (off-plicContextBase)%plicContextStride != plicClaimReg {
		return 0, "", false
	}
	ctx := (off - plicContextBase) / plicContextStride
	mode = "M"
	if ctx%2 == 1 {
		mode = "S"
	}
	return int(ctx / 2), mode, true
}

func (t *plicTracer) Read(off uint64, size int) uint64 {
	v := t.dev.Read(off, size)
	if hart, mode, ok := claimContext(off); ok {
		fmt.Fprintf(t.out, "plic: hart %d %s claim -> %d (%s)\n", hart, mode, uint32(v), irqName(uint64(uint32(v))))
	}
	return v
}

func (t *plicTracer) Write(off uint64, size int, v uint64) {
	if hart, mode, ok := claimContext(off); ok {
		fmt.Fprintf(t.out, "plic: hart %d %s complete %d (%s)\n", hart, mode, uint32(v), irqName(uint64(uint32(v))))
	}
	t.dev.Write(off, size, v)
}
