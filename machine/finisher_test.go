package machine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFinisher(t *testing.T) {
	tests := []struct {
		name     string
		offset   uint64
		value    uint64
		wantDone bool
		wantCode int
		reset    bool
	}{
		{"pass", 0, 0x5555, true, 0, false},
		{"fail with code", 0, 3<<16 | 0x3333, true, 3, false},
		{"fail code 0xffff", 0, 0xffff<<16 | 0x3333, true, 0xffff, false},
		{"reset ends the run as a reset", 0, 0x7777, true, 0, true},
		{"unknown command ignored", 0, 0x1234, false, 0, false},
		{"other offset ignored", 4, 0x5555, false, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f finisher
			f.Write(tc.offset, 4, tc.value)
			code, done := f.exited()
			assert.Equal(t, tc.wantDone, done)
			assert.Equal(t, tc.wantCode, code)
			assert.Equal(t, tc.reset, f.reset)
			assert.Zero(t, f.Read(0, 4))
		})
	}
}

func TestFinisherKeepsFirstStatus(t *testing.T) {
	var f finisher
	f.Write(0, 4, 7<<16|0x3333)
	f.Write(0, 4, 0x5555)
	code, done := f.exited()
	assert.True(t, done)
	assert.Equal(t, 7, code)
}

// Nothing runs after the write that powers the board off or resets it,
// as on QEMU: the hart that wrote it prints no more, nor do the others
// (each prints its own letter forever until then).
func TestNothingRunsAfterTheFinisher(t *testing.T) {
	const guest = `
	.globl _start
_start:
	bnez a0, other
	li s0, 2000
1:	addi s0, s0, -1       # let the others print a while
	bnez s0, 1b
	li t0, 0x100000
	li t1, FINISHER
	sw t1, 0(t0)
	li a0, '!'            # must never show
	call putc
2:	j 2b
other:
	addi a0, a0, '0'
3:	call putc
	j 3b
` + asmPutc
	for _, tc := range []struct {
		name  string
		value string
		cfg   Config
	}{
		{"power off, harts on threads", "0x5555", Config{Harts: 3}},
		{"power off, harts taking turns", "0x5555", Config{Harts: 3, Threads: ThreadsSingle}},
		{"reset with NoReboot, harts on threads", "0x7777", Config{Harts: 3, NoReboot: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 {
				r := boot(t, strings.Replace(guest, "FINISHER", tc.value, 1), tc.cfg)
				require.NoError(t, r.err)
				assert.Equal(t, 0, r.code)
				require.NotContains(t, r.out, "!", "the writing hart ran on")
			}
		})
	}
}
