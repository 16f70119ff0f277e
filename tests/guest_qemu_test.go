package tests

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qemuArgs is the reference machine: QEMU's virt board as xv6 runs it.
func qemuArgs(tc guestCase, elf, disk string) []string {
	args := []string{"-machine", "virt", "-bios", "none", "-m", "128M",
		"-smp", strconv.Itoa(tc.harts), "-nographic", "-monitor", "none", "-serial", "stdio",
		"-nic", "none", "-kernel", elf}
	if tc.e1000 {
		// a NIC with no network behind it: nothing can leave the host
		args = append(args, "-device", "e1000,bus=pcie.0,addr=1")
	}
	if disk != "" {
		args = append(args, "-global", "virtio-mmio.force-legacy="+strconv.FormatBool(tc.legacy),
			"-drive", "file="+disk+",if=none,format=raw,id=x0",
			"-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0")
	}
	return args
}

// TestGuestsOnQEMU runs the same programs on QEMU 7.2 and expects the same
// transcripts as TestGuestsOnRvemu: the programs are the reference of the
// board's behaviour, so they must pass on QEMU first.
func TestGuestsOnQEMU(t *testing.T) {
	buildGuests(t)
	requireTool(t, "qemu-system-riscv64", "qemu-system-misc")
	for _, tc := range guestCases {
		t.Run(tc.program, func(t *testing.T) {
			var disk string
			if tc.disk {
				disk = writeDisk(t, t.TempDir())
			}
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			defer cancel()
			var out, stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, "qemu-system-riscv64", qemuArgs(tc, guestELF(t, tc.program), disk)...)
			cmd.Stdin = strings.NewReader(tc.input)
			cmd.Stdout = &out
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err, stderr.String())
			}
			require.NoError(t, ctx.Err(), "QEMU did not finish")
			assert.Equalf(t, tc.exit, code, "console:\n%s\nstderr:\n%s", out.String(), stderr.String())
			assert.Equal(t, tc.lines, transcript(out.String(), tc.varying))
			if tc.disk {
				checkDiskAfter(t, disk)
			}
		})
	}
}
