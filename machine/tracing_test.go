package machine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
	"github.com/rvemu/rvemu/plic"
	"github.com/rvemu/rvemu/virtio"
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
			var trace bytes.Buffer
			r := boot(t, callTwice, Config{Trace: TraceInsn, TraceInsn: tc.spec, TraceOut: &trace})
			require.NoError(t, r.err)
			assert.Equal(t, 0, r.code)
			assert.Equal(t, tc.lines, strings.Split(strings.TrimSuffix(trace.String(), "\n"), "\n"))
			assert.Empty(t, r.log, "traces go to TraceOut, not Log")
		})
	}
}

func TestTraceInsnUnknownSymbol(t *testing.T) {
	cfg := Config{Trace: TraceInsn, TraceInsn: "nosuch"}
	cfg.Kernel = rvasm.Build(t, callTwice, rvasm.Options{})
	_, err := New(cfg)
	assert.ErrorContains(t, err, `symbol "nosuch": not in the kernel's symbol table`)
}

func TestParseTraceList(t *testing.T) {
	tests := []struct {
		list  string
		want  Trace
		insn  string
		error string
	}{
		{list: "trap,virtio", want: TraceTrap | TraceVirtio},
		{list: "plic,insn:e1000_recv", want: TracePLIC | TraceInsn, insn: "e1000_recv"},
		{list: "insn:0x80000000-0x80000100", want: TraceInsn, insn: "0x80000000-0x80000100"},
		{list: "insn", want: TraceInsn},
		{list: "insn:", error: "want insn:SYMBOL"},
		{list: "bogus", error: "want a comma-separated list"},
	}
	for _, tc := range tests {
		got, insn, err := ParseTraceList(tc.list)
		if tc.error != "" {
			assert.ErrorContains(t, err, tc.error, tc.list)
			continue
		}
		require.NoError(t, err, tc.list)
		assert.Equal(t, tc.want, got, tc.list)
		assert.Equal(t, tc.insn, insn, tc.list)
	}
}

func TestPLICTrace(t *testing.T) {
	p := plic.New(2)
	var out bytes.Buffer
	tr := &plicTracer{dev: p, out: &out}
	// Hart 1's S context (3): enable the UART and the disk, priority 1.
	tr.Write(uartIRQ*4, 4, 1)
	tr.Write(virtioIRQ*4, 4, 1)
	tr.Write(0x2000+3*0x80, 4, 1<<uartIRQ|1<<virtioIRQ)
	p.Line(virtioIRQ).Set(true)
	p.Line(uartIRQ).Set(true)
	claim := uint64(plicContextBase + 3*plicContextStride + plicClaimReg)
	first := tr.Read(claim, 4)
	tr.Write(claim, 4, first)
	second := tr.Read(claim, 4)
	tr.Write(claim, 4, second)
	tr.Read(claim, 4)                               // nothing left
	tr.Read(plicContextBase+3*plicContextStride, 4) // threshold: not traced
	assert.Equal(t, strings.Join([]string{
		"plic: hart 1 S claim -> 1 (virtio)",
		"plic: hart 1 S complete 1 (virtio)",
		"plic: hart 1 S claim -> 10 (uart)",
		"plic: hart 1 S complete 10 (uart)",
		"plic: hart 1 S claim -> 0 (none)",
	}, "\n")+"\n", out.String())
}

func TestFormatVirtio(t *testing.T) {
	assert.Equal(t, "virtio: write sector 42 len 1024 status 0 (ok) desc 3\n",
		formatVirtio(virtio.Request{Type: 1, Sector: 42, Length: 1024, Head: 3}))
	assert.Equal(t, "virtio: read sector 9999 len 512 status 1 (ioerr) desc 0\n",
		formatVirtio(virtio.Request{Type: 0, Sector: 9999, Length: 512, Status: 1}))
}
