package machine

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every device line reads "rvemu: DEVICE: ...", each kind (format) at most
// logCap times, and the summary counts what was left out, once.
func TestLogBookCapsEachKind(t *testing.T) {
	var out bytes.Buffer
	l := newLogBook(&out)
	for off := 0; off < 25234; off++ {
		l.printf("e1000: write of unknown register %#x", off*4)
	}
	l.printf("usernet: guest sent to %s: dropped", "8.8.4.4:53")
	l.summary()
	l.summary()
	want := ""
	for off := 0; off < logCap; off++ {
		want += fmt.Sprintf("rvemu: e1000: write of unknown register %#x\n", off*4)
	}
	want += "rvemu: usernet: guest sent to 8.8.4.4:53: dropped\n"
	want += `rvemu: 25229 more lines like "e1000: write of unknown register 0x0" left out (25234 in all)` + "\n"
	assert.Equal(t, want, out.String())
}

// The virtio disk's reports go through the board's log book: rvemu's
// style, no timestamps.
func TestVirtioReportsInRvemuStyle(t *testing.T) {
	r := boot(t, `
	.globl _start
_start:
	li t0, 0x10001070      # virtio-mmio STATUS
	sb zero, 0(t0)         # a 1-byte write: not allowed
	sb zero, 0(t0)
	j poweroff
`+asmPoweroff, Config{Disk: tempDisk(t)})
	require.NoError(t, r.err)
	assert.Equal(t, "rvemu: virtio-blk: 1-byte write of register 0x70\n", r.log)
}
