package trace

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/plic"
	"github.com/rvemu/rvemu/virtio"
)

// Interrupt sources of the test's board.
const (
	uartIRQ   = 10
	virtioIRQ = 1
)

func TestPLICTrace(t *testing.T) {
	p := plic.New(2)
	var out bytes.Buffer
	tr := PLICDevice(p, &out, func(src uint32) string {
		return map[uint32]string{0: "none", uartIRQ: "uart", virtioIRQ: "virtio"}[src]
	})
	// Hart 1's S context (3): enable the UART and the disk, priority 1.
	tr.Write(uartIRQ*4, 4, 1)
	tr.Write(virtioIRQ*4, 4, 1)
	tr.Write(0x2000+3*0x80, 4, 1<<uartIRQ|1<<virtioIRQ)
	p.Line(virtioIRQ).Set(true)
	p.Line(uartIRQ).Set(true)
	claim := uint64(0x200000 + 3*0x1000 + 4) // context 3's claim/complete
	first := tr.Read(claim, 4)
	tr.Write(claim, 4, first)
	second := tr.Read(claim, 4)
	tr.Write(claim, 4, second)
	tr.Read(claim, 4)             // nothing left
	tr.Read(0x200000+3*0x1000, 4) // threshold: not traced
	assert.Equal(t, strings.Join([]string{
		"plic: hart 1 S claim -> 1 (virtio)",
		"plic: hart 1 S complete 1 (virtio)",
		"plic: hart 1 S claim -> 10 (uart)",
		"plic: hart 1 S complete 10 (uart)",
		"plic: hart 1 S claim -> 0 (none)",
	}, "\n")+"\n", out.String())
}

func TestVirtioLine(t *testing.T) {
	assert.Equal(t, "virtio: write sector 42 len 1024 status 0 (ok) desc 3\n",
		VirtioLine(virtio.Request{Type: 1, Sector: 42, Length: 1024, Head: 3}))
	assert.Equal(t, "virtio: read sector 9999 len 512 status 1 (ioerr) desc 0\n",
		VirtioLine(virtio.Request{Type: 0, Sector: 9999, Length: 512, Status: 1}))
}
