package machine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guestResetThrice counts its boots in a RAM word the kernel image does not
// cover (a reset keeps RAM), prints the count, and resets the board until
// the third boot, which powers off. Each boot also reads the PLIC priority
// of source 10, which the first boot set to 7: a reset device reads 0
// ('p'), a device that kept its state 7 ('P'). Every hart starts the code
// again; the others only wait.
const guestResetThrice = `
	.globl _start
_start:
	bnez a0, park
	li s0, 0x80100000      # boot counter, outside the image
	lw s2, 0(s0)
	addi s2, s2, 1
	sw s2, 0(s0)
	addi a0, s2, '0'
	call putc
	li s1, 0x0c000028      # PLIC priority of source 10
	lw t1, 0(s1)
	li a0, 'p'
	beqz t1, 1f
	li a0, 'P'
1:	call putc
	li t1, 7
	sw t1, 0(s1)
	li t2, 3
	beq s2, t2, poweroff
	li t0, 0x100000
	li t1, 0x7777          # reset
	sw t1, 0(t0)
park:	wfi
	j park
` + asmPutc + asmPoweroff

func TestResetReboots(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"reboots twice, then powers off", Config{}, "1p2p3p"},
		{"two harts on host threads", Config{Harts: 2}, "1p2p3p"},
		{"two harts taking turns", Config{Harts: 2, Threads: ThreadsSingle}, "1p2p3p"},
		{"NoReboot ends the run at the reset", Config{NoReboot: true}, "1p"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := boot(t, guestResetThrice, tc.cfg)
			assert.Equal(t, tc.want, r.out)
			require.NoError(t, r.err)
			assert.Equal(t, 0, r.code)
		})
	}
}
