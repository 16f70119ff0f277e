//go:build !race

package machine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/cpu"
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

// Hot code on boards above 2 GiB, translated: the device registers below
// RAM stay devices (the UART's scratch register, written and read back
// 1000 times) and the top of RAM stays RAM. (The translator's RAM range
// check once took a RAM size above 2 GiB as a 32-bit immediate, negative:
// every address looked like RAM, and the first UART store crashed rvemu.)
func TestLargeRAMTranslatedCode(t *testing.T) {
	const guest = `
	.globl _start
_start:
	li s0, 1000
	li s1, 0x10000007      # UART scratch register
	li s2, 0x80000000 + RAMSIZE - 8
1:	sb s0, 0(s1)
	lbu t0, 0(s1)
	andi t1, s0, 0xff
	bne t0, t1, bad
	sd s0, 0(s2)
	ld t0, 0(s2)
	bne t0, s0, bad
	addi s0, s0, -1
	bnez s0, 1b
	li a0, 'k'
	call putc
	j poweroff
bad:	li a0, 'x'
	call putc
	j poweroff
` + asmPutc + asmPoweroff
	for _, ram := range []uint64{2560 << 20, 3 << 30, 4 << 30} {
		t.Run(fmt.Sprintf("%d MiB", ram>>20), func(t *testing.T) {
			r := boot(t, strings.Replace(guest, "RAMSIZE", fmt.Sprint(ram), 1), Config{RAM: ram, JIT: "on"})
			require.NoError(t, r.err)
			assert.Equal(t, "k", r.out)
			if cpu.JITAvailable {
				assert.Contains(t, r.m.JITStats(), "jit on: ", "the loop ran translated")
				assert.NotContains(t, r.m.JITStats(), " 0 instructions run translated")
			}
		})
	}
}
