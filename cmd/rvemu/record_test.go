package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// guestEchoCount echoes each typed byte followed by a digit of minstret
// (so the output shows where input entered); 'q' powers off.
const guestEchoCount = `
	.globl _start
_start:
	li s0, 0x10000000
1:	lbu t0, 5(s0)
	andi t0, t0, 1
	beqz t0, 1b
	lbu s1, 0(s0)
	li t1, 'q'
	beq s1, t1, 2f
	sb s1, 0(s0)
	csrr t0, minstret
	srli t0, t0, 3
	andi t0, t0, 7
	addi t0, t0, '0'
	sb t0, 0(s0)
	j 1b
2:	li t0, 0x100000
	li t1, 0x5555
	sw t1, 0(t0)
3:	j 3b
`

func TestRecordReplayFlags(t *testing.T) {
	kernel := rvasm.Build(t, guestEchoCount, rvasm.Options{})
	dir := t.TempDir()
	input := filepath.Join(dir, "typed")
	require.NoError(t, os.WriteFile(input, []byte("ls\necho hi\nq"), 0o644))
	log := filepath.Join(dir, "run.rec")

	stdin, err := os.Open(input)
	require.NoError(t, err)
	defer stdin.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"rvemu", "boot", "--record", log, kernel}, stdin, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Len(t, out.String(), 2*len("ls\necho hi\n"))

	code, rout, rerr := runCLI(t, "boot", "--replay", log, kernel)
	assert.Equal(t, 0, code, rerr)
	assert.Equal(t, out.String(), rout)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"record with wall clock", []string{"--clock", "wall", "--record", filepath.Join(dir, "x")}, "needs the virtual clock"},
		{"replay missing file", []string{"--replay", filepath.Join(dir, "nope")}, "--replay"},
		{"replay not a recording", []string{"--replay", input}, "not an rvemu recording"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append(append([]string{"boot"}, tc.args...), kernel)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
}
