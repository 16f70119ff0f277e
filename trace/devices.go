package trace

import (
	"fmt"
	"io"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/framefmt"
	"github.com/rvemu/rvemu/plic"
	"github.com/rvemu/rvemu/virtio"
)

// MMIODevice wraps a device mapped at base so that every register access is
// logged to out as it happens ("--trace mmio").
func MMIODevice(name string, base uint64, dev bus.Device, out io.Writer) bus.Device {
	return &mmioTracer{name: name, base: base, dev: dev, log: out}
}

type mmioTracer struct {
	name string
	base uint64
	dev  bus.Device
	log  io.Writer
}

func (t *mmioTracer) Read(offset uint64, size int) uint64 {
	v := t.dev.Read(offset, size)
	fmt.Fprintf(t.log, "mmio: read  %-8s 0x%08x/%d -> %#x\n", t.name, t.base+offset, size, v)
	return v
}

func (t *mmioTracer) Write(offset uint64, size int, value uint64) {
	fmt.Fprintf(t.log, "mmio: write %-8s 0x%08x/%d <- %#x\n", t.name, t.base+offset, size, value)
	t.dev.Write(offset, size, value)
}

// PLICDevice wraps the PLIC so that claims and completions are logged ("--trace
// plic") in the words of the kernel's interrupt handler: which hart and
// mode took which device. source names an interrupt source of the board.
func PLICDevice(dev bus.Device, out io.Writer, source func(src uint32) string) bus.Device {
	return &plicTracer{dev: dev, out: out, source: source}
}

type plicTracer struct {
	dev    bus.Device
	out    io.Writer
	source func(uint32) string
}

// claimContext reports whether off is a context's claim/complete register,
// and which hart and mode that context belongs to.
func claimContext(off uint64) (hart int, mode string, ok bool) {
	ctx, ok := plic.ClaimContext(off)
	if !ok {
		return 0, "", false
	}
	mode = "M"
	if ctx%2 == 1 {
		mode = "S"
	}
	return ctx / 2, mode, true
}

func (t *plicTracer) Read(off uint64, size int) uint64 {
	v := t.dev.Read(off, size)
	if hart, mode, ok := claimContext(off); ok {
		fmt.Fprintf(t.out, "plic: hart %d %s claim -> %d (%s)\n", hart, mode, uint32(v), t.source(uint32(v)))
	}
	return v
}

func (t *plicTracer) Write(off uint64, size int, v uint64) {
	if hart, mode, ok := claimContext(off); ok {
		fmt.Fprintf(t.out, "plic: hart %d %s complete %d (%s)\n", hart, mode, uint32(v), t.source(uint32(v)))
	}
	t.dev.Write(off, size, v)
}

// VirtioLine is one --trace virtio line.
func VirtioLine(r virtio.Request) string {
	return fmt.Sprintf("virtio: %s sector %d len %d status %d (%s) desc %d\n",
		r.TypeName(), r.Sector, r.Length, r.Status, r.StatusName(), r.Head)
}

// Frames wraps one direction of the cable ("net->guest", "guest->net") so
// that every frame crossing it is logged as one decoded line ("--trace
// net"): ARP, IPv4, UDP ports, DNS names and addresses.
func Frames(out io.Writer, dir string, next func([]byte)) func([]byte) {
	return func(f []byte) {
		fmt.Fprintf(out, "net: %s %d bytes %s\n", dir, len(f), framefmt.Format(f))
		next(f)
	}
}
