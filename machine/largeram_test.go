//go:build !race

package machine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// (Not under the race detector, whose shadow memory for 4 GiB is neither
// small nor quick; `make test` runs the LargeRAM tests without it.)

// A 4 GiB board (the most it holds) takes a store to its last doubleword,
// far above 4 GiB physical, and reads it back; the memory is committed
// only where the guest touches it.
func TestLargeRAMFourGiB(t *testing.T) {
	r := boot(t, `
	.globl _start
_start:
	li t2, 0x17ffffff8     # RAMBase + 4 GiB - 8
	li t3, 0x1234
	sd t3, 0(t2)
	ld a0, 0(t2)
	li t4, 0x1234
	bne a0, t4, 1f
	li a0, 'k'
	call putc
	j poweroff
1:	li a0, 'x'
	call putc
	j poweroff
`+asmPutc+asmPoweroff, Config{RAM: 4 << 30})
	require.NoError(t, r.err)
	assert.Equal(t, "k", r.out)
	assert.Len(t, r.m.Bus().RAM, 4<<30)
}
