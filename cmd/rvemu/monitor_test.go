package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// guestPrintSpin prints "r" and spins: a guest that runs until told to stop.
const guestPrintSpin = `
	.globl _start
_start:
	li t0, 0x10000000
	li t1, 'r'
	sb t1, 0(t0)
1:	j 1b
`

// The monitor alone on a pipe (-serial none): QEMU reads commands from
// it, and so does rvemu; -S holds the harts until cont.
func TestQEMUMonitorOnAPipe(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintSpin, rvasm.Options{})
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	go func() {
		defer w.Close()
		io.WriteString(w, "info status\ncont\n")
		time.Sleep(50 * time.Millisecond)
		io.WriteString(w, "info status\nquit\n")
	}()
	var out, errOut bytes.Buffer
	code := run([]string{"qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "16M",
		"-nographic", "-S", "-serial", "none"}, r, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Equal(t, "rvemu devel monitor - type 'help' for more information\n"+
		"(qemu) info status\nVM status: paused\n"+
		"(qemu) cont\n"+
		"(qemu) info status\nVM status: running\n"+
		"(qemu) quit\n", out.String())
}

// readUntil reads r until want has appeared, and returns what it read.
func readUntil(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	type result struct {
		got string
		err error
	}
	done := make(chan result, 1)
	go func() {
		var got strings.Builder
		for !strings.Contains(got.String(), want) {
			b, err := r.ReadByte()
			if err != nil {
				done <- result{got.String(), err}
				return
			}
			got.WriteByte(b)
		}
		done <- result{got.String(), nil}
	}()
	// A lost key or line fails the test with what did arrive, rather than
	// holding the whole package until go test's timeout (seen once under
	// qemu-aarch64 on a loaded host); rvemuCommand's cleanup then kills
	// the emulator, which ends the read.
	select {
	case res := <-done:
		require.NoError(t, res.err, "waiting for %q, got %q", want, res.got)
		return res.got
	case <-time.After(2 * time.Minute):
		t.Fatalf("no %q within 2 minutes", want)
		return ""
	}
}

// On a terminal, Ctrl-A C gives the keyboard to the monitor, its prompt
// answers, Ctrl-A C gives it back to the guest, and quit ends the run
// with status 0 and the terminal restored. Both front ends.
func TestCtrlACMonitor(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintSpin, rvasm.Options{})
	for _, args := range [][]string{
		{"boot", kernel},
		{"qemu", "-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "16M", "-nographic"},
	} {
		t.Run(args[0], func(t *testing.T) {
			ctrl, tty := openPTY(t)
			cmd := rvemuCommand(t, args...)
			cmd.Stdin = tty
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			out := bufio.NewReader(stdout)
			readUntil(t, out, "r")

			ctrl.Write([]byte{0x01, 'c'})
			assert.Equal(t, "rvemu devel monitor - type 'help' for more information\n(qemu) ", readUntil(t, out, "(qemu) "))
			ctrl.Write([]byte("info cpus\r"))
			assert.Regexp(t, `^info cpus\n\* CPU #0: pc=0x00000000800000[0-9a-f]{2} mode=M\n\(qemu\) $`, readUntil(t, out, "(qemu) "))
			ctrl.Write([]byte("x /2i 0x80000000\r"))
			assert.Contains(t, readUntil(t, out, "(qemu) "), "0x0000000080000000:  100002b7          lui")
			ctrl.Write([]byte{0x01, 'c'})
			assert.Equal(t, "\n", readUntil(t, out, "\n"), "leaving the monitor ends its line")
			ctrl.Write([]byte{0x01, 'c'})
			assert.Equal(t, "(qemu) ", readUntil(t, out, "(qemu) "), "the banner only once")
			ctrl.Write([]byte("quit\r"))
			assert.Equal(t, "quit\n", readUntil(t, out, "quit\n"))
			require.NoError(t, cmd.Wait(), "quit exits with status 0")
		})
	}
}

// boot --monitor stdio starts in the monitor; --monitor none has none.
func TestBootMonitorFlag(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintSpin, rvasm.Options{})
	code, _, errOut := runCLI(t, "boot", "--monitor", "vc", kernel)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--monitor vc: want stdio or none")

	ctrl, tty := openPTY(t)
	cmd := rvemuCommand(t, "boot", "--monitor", "stdio", kernel)
	cmd.Stdin = tty
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	out := bufio.NewReader(stdout)
	readUntil(t, out, "(qemu) ")
	ctrl.Write([]byte("info status\r"))
	assert.Contains(t, readUntil(t, out, "(qemu) "), "VM status: running\n")
	ctrl.Write([]byte{0x01, 'x'})
	require.NoError(t, cmd.Wait())
}
