package machine

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/cpu"
)

// jitIdleProg runs a hot loop and then waits in WFI, three times;
// other harts park in WFI (10 ms: time to compile under the race
// detector before the timer wakes the hart, which ends an idle compile).
// Cold code is looked up every 32 instructions (the interpreter runs this
// loop in bulk between some of them), and the loop's length is chosen so
// that its head is hot (32 lookups) in the first round, asked for often
// enough to be compiled while idle (64 asks once queued) after the
// second, and short of the asks that compile a busy hart's queue (128):
// 3,000 iterations reach those in the first round.
const jitIdleProg = `
	.globl _start
_start:
	csrr t0, mhartid
	bnez t0, park
	li s1, 3
	li s2, 0x2000000
round:
	li s0, 2000
1:	addi s0, s0, -1
	bnez s0, 1b
	li t0, 0xbff8
	add t0, s2, t0
	ld t1, 0(t0)           # mtime
	li t2, 100000
	add t1, t1, t2
	li t0, 0x4000
	add t0, s2, t0
	sd t1, 0(t0)           # mtimecmp[0]: 10 ms ahead
	li t0, 0x80            # MTIE; MIE stays off: WFI just wakes
	csrw mie, t0
2:	wfi
	csrr t0, mip
	andi t0, t0, 0x80
	beqz t0, 2b
	addi s1, s1, -1
	bnez s1, round
	j poweroff
park:
	wfi
	j park
` + asmPoweroff

// Code that became hot is compiled while its hart waits, on both boards:
// the loop runs translated from its second round on, and the compile did
// not happen inside the loop.
func TestJITCompilesWhileIdle(t *testing.T) {
	if !cpu.JITAvailable {
		t.Skip("no translator for this host") // the interpreter runs everything there
	}
	for _, harts := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d harts", harts), func(t *testing.T) {
			r := boot(t, jitIdleProg, Config{Harts: harts, JIT: "on"})
			require.NoError(t, r.err)
			require.Equal(t, 0, r.code)
			require.Equal(t, harts > 1, r.m.Parallel())
			st := r.m.sys.JITStats()
			t.Logf("%+v", st)
			assert.NotZero(t, st.IdleDrains, "hot code compiled while the hart waited")
			assert.NotZero(t, st.Blocks)
			assert.GreaterOrEqual(t, st.Translated, uint64(100), "the loop ran translated afterwards")
		})
	}
}
