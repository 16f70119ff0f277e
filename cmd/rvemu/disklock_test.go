package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// While one rvemu runs on an image, a second one on the same image stops
// at once with one line and status 2; with --disk-snapshot neither may
// touch it either, since the first one writes it.
func TestSecondRvemuOnImageRefused(t *testing.T) {
	kernel := rvasm.Build(t, `
	.globl _start
_start:
	li t0, 0x10000000
	li t1, 'r'
	sb t1, 0(t0)
1:	j 1b
`, rvasm.Options{})
	disk := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(disk, make([]byte, 4096), 0o644))

	first := rvemuCommand(t, "boot", "--disk", disk, kernel)
	first.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := first.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, first.Start())
	defer func() {
		first.Process.Signal(syscall.SIGTERM)
		first.Wait()
	}()
	_, err = io.ReadFull(stdout, make([]byte, 1)) // running: the image is locked
	require.NoError(t, err)

	for _, args := range [][]string{
		{"boot", "--disk", disk, kernel},
		{"boot", "--disk", disk, "--disk-snapshot", kernel},
	} {
		code, out, errOut := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Empty(t, out, "the guest never ran")
		assert.Contains(t, errOut, "in use by another rvemu")
		assert.Contains(t, errOut, disk)
		assert.Equal(t, 1, bytes.Count([]byte(errOut), []byte("\n")), "one line: %q", errOut)
	}
}
