package machine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
	"github.com/rvemu/rvemu/trace"
)

// callTwice calls a small function twice and powers off: the insn trace of
// that function must show exactly its three instructions, twice.
const callTwice = `
	.globl _start
_start:
	li a0, 1
	call bump
	call bump
	j poweroff

	.globl bump
	.type bump, @function
bump:
	addi a0, a0, 1
	slli a0, a0, 1
	ret
	.size bump, .-bump
` + asmPoweroff

func TestTraceInsn(t *testing.T) {
	bumpLines := []string{
		"insn: hart 0 M 0x80000010 <bump> 00150513 addi a0,a0,1",
		"insn: hart 0 M 0x80000014 <bump+0x4> 00151513 slli a0,a0,0x1",
		"insn: hart 0 M 0x80000018 <bump+0x8> 00008067 ret",
	}
	tests := []struct {
		name  string
		spec  string
		lines []string
	}{
		{"symbol", "bump", append(append([]string{}, bumpLines...), bumpLines...)},
		{"address range", "0x80000000-0x80000008", []string{
			"insn: hart 0 M 0x80000000 <_start> 00100513 li a0,1",
			"insn: hart 0 M 0x80000004 <_start+0x4> 00c000ef jal 0x80000010 <bump>",
		}},
		{"one address", "0x80000018", []string{bumpLines[2], bumpLines[2]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r := boot(t, callTwice, Config{Trace: trace.Insn, TraceInsn: tc.spec, TraceOut: &out})
			require.NoError(t, r.err)
			assert.Equal(t, 0, r.code)
			assert.Equal(t, tc.lines, strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"))
			assert.Empty(t, r.log, "traces go to TraceOut, not Log")
		})
	}
}

func TestTraceInsnUnknownSymbol(t *testing.T) {
	cfg := Config{Trace: trace.Insn, TraceInsn: "nosuch"}
	cfg.Kernel = rvasm.Build(t, callTwice, rvasm.Options{})
	_, err := New(cfg)
	assert.ErrorContains(t, err, `symbol "nosuch": not in the kernel's symbol table`)
}

func TestTraceTrapEndToEnd(t *testing.T) {
	// ecall from M-mode into a handler that powers off.
	src := `
	.globl _start
_start:
	la t0, handler
	csrw mtvec, t0
	ecall
	.balign 4
handler:
	j poweroff
` + asmPoweroff
	r := boot(t, src, Config{Trace: trace.Trap})
	require.NoError(t, r.err)
	assert.Regexp(t, `^trap: hart 0 M->M cause 0xb \(ecall from M\) epc 0x800000(0c|10) <_start\+0x(c|10)> tval 0x0\n$`, r.log)
}

// callTwiceHarts: every hart calls bump twice; hart 0 waits for the
// others (through AMOs: race-free) and powers off.
const callTwiceHarts = `
	.globl _start
_start:
	li a0, 1
	call bump
	call bump
	la t0, done
	li t1, 1
	amoadd.w zero, t1, (t0)
	csrr t0, mhartid
	bnez t0, park
	la t0, done
	li t2, 3
1:	amoor.w t1, zero, (t0)
	bne t1, t2, 1b
	j poweroff
park:
	wfi
	j park

	.globl bump
	.type bump, @function
bump:
	addi a0, a0, 1
	slli a0, a0, 1
	ret
	.size bump, .-bump
` + asmPoweroff + `
	.data
done: .word 0
`

// TestTraceParallelHarts: harts on goroutines of their own trace at the
// same time, each line whole, each hart's lines in its own order.
func TestTraceParallelHarts(t *testing.T) {
	var out bytes.Buffer
	r := boot(t, callTwiceHarts, Config{Harts: 3, Trace: trace.Insn | trace.MMIO, TraceInsn: "bump", TraceOut: &out})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code)
	require.True(t, r.m.Parallel())
	perHart := map[string][]string{}
	mmio := 0
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if strings.HasPrefix(line, "mmio: ") {
			assert.Regexp(t, `^mmio: write finisher 0x00100000/4 <- 0x5555$`, line)
			mmio++
			continue
		}
		require.Regexp(t, `^insn: hart [0-2] M 0x800000[0-9a-f]{2} <bump(\+0x[48])?> [0-9a-f]{8} \S+`, line)
		hart := strings.Fields(line)[2]
		perHart[hart] = append(perHart[hart], strings.SplitN(line, " ", 5)[4])
	}
	assert.Equal(t, 1, mmio)
	require.Len(t, perHart, 3)
	for hart, lines := range perHart {
		require.Len(t, lines, 6, "hart %s", hart)
		assert.Equal(t, lines[:3], lines[3:], "hart %s: bump twice, in order", hart)
	}
}
