package tests

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xv6Banner is the first line our kernel prints on every boot.
const xv6Banner = "rvemu xv6: booting"

// Our kernel's reboot command resets the board through the SiFive test
// device. On QEMU and on rvemu alike the kernel then boots a second time in
// the same run, with what it wrote to its disk still there, and halt
// powers the board off (status 0). With rvemu's --no-reboot or QEMU's
// -no-reboot the reset ends the run instead, also with status 0.
func TestXv6RebootInOneRun(t *testing.T) {
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	kernel := filepath.Join(build, "kernel.img")
	qemu := func(extra ...string) func(disk string) *exec.Cmd {
		return func(disk string) *exec.Cmd {
			return exec.Command("qemu-system-riscv64", append([]string{"-machine", "virt", "-bios", "none",
				"-kernel", kernel, "-m", "128M", "-smp", "3", "-nographic", "-monitor", "none", "-serial", "stdio",
				"-global", "virtio-mmio.force-legacy=false",
				"-drive", "file=" + disk + ",if=none,format=raw,id=x0",
				"-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"}, extra...)...)
		}
	}
	boot := func(extra ...string) func(disk string) *exec.Cmd {
		return func(disk string) *exec.Cmd {
			return exec.Command(rvemu, append([]string{"boot", kernel, "--smp", "3", "--disk", disk, "--timeout", "120s"}, extra...)...)
		}
	}
	tests := []struct {
		name     string
		cmd      func(disk string) *exec.Cmd
		noReboot bool
	}{
		{"qemu", qemu(), false},
		{"rvemu boot", boot(), false},
		{"rvemu qemu front end", func(disk string) *exec.Cmd {
			c := qemu()(disk)
			c.Path, c.Args = rvemu, append([]string{rvemu, "qemu"}, c.Args[1:]...)
			return c
		}, false},
		{"qemu -no-reboot", qemu("-no-reboot"), true},
		{"rvemu boot --no-reboot", boot("--no-reboot"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := startConsole(t, tc.cmd(copyImage(t, build)), nil)
			c.waitFor(xv6Prompt, 0)
			assert.Empty(t, c.run("echo kept > f"))
			mark := len(c.output())
			_, err := io.WriteString(c.stdin, "reboot\n")
			require.NoError(t, err)
			if tc.noReboot {
				require.NoError(t, c.waitExit(t, 60*time.Second), "status 0")
				assert.Equal(t, 1, strings.Count(c.output(), xv6Banner), "booted once")
				return
			}
			second := c.waitFor(xv6Banner, mark)
			c.waitFor(xv6Prompt, second)
			assert.Equal(t, []string{"kept"}, c.run("cat f"), "the disk kept its contents")
			assert.Equal(t, []string{"again"}, c.run("echo again"))
			_, err = io.WriteString(c.stdin, "halt\n")
			require.NoError(t, err)
			require.NoError(t, c.waitExit(t, 60*time.Second), "halt: status 0")
			assert.Equal(t, 2, strings.Count(c.output(), xv6Banner), "booted twice")
		})
	}
}

// waitExit waits for the emulator to end by itself and returns what Wait
// says (nil for status 0).
func (c *xv6Console) waitExit(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(limit):
		t.Fatalf("the emulator did not exit within %v", limit)
	}
	err := c.cmd.Wait()
	if err != nil {
		return fmt.Errorf("%w: %s", err, c.cmd.ProcessState)
	}
	return nil
}

// The monitor's system_reset (Ctrl-A C on a terminal) resets the board as
// QEMU's does: our kernel boots a second time in the same run with its
// disk's contents kept; with -no-reboot (--no-reboot) the run ends, status
// 0. QEMU and both of rvemu's front ends, the same keys.
func TestXv6SystemResetFromMonitor(t *testing.T) {
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	kernel := filepath.Join(build, "kernel.img")
	qemuArgs := func(disk string, extra ...string) []string {
		return append([]string{"-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "128M", "-smp", "3",
			"-nographic", "-global", "virtio-mmio.force-legacy=false",
			"-drive", "file=" + disk + ",if=none,format=raw,id=x0",
			"-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"}, extra...)
	}
	tests := []struct {
		name     string
		command  func(disk string) (string, []string)
		noReboot bool
	}{
		{"qemu", func(disk string) (string, []string) { return "qemu-system-riscv64", qemuArgs(disk) }, false},
		{"rvemu boot", func(disk string) (string, []string) {
			return rvemu, []string{"boot", kernel, "--smp", "3", "--disk", disk, "--timeout", "120s"}
		}, false},
		{"rvemu qemu front end", func(disk string) (string, []string) {
			return rvemu, append([]string{"qemu"}, qemuArgs(disk)...)
		}, false},
		{"qemu -no-reboot", func(disk string) (string, []string) {
			return "qemu-system-riscv64", qemuArgs(disk, "-no-reboot")
		}, true},
		{"rvemu boot --no-reboot", func(disk string) (string, []string) {
			return rvemu, []string{"boot", kernel, "--smp", "3", "--disk", disk, "--no-reboot", "--timeout", "120s"}
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name, args := tc.command(copyImage(t, build))
			s := startOnTerminal(t, name, args...)
			at := s.waitFor(xv6Prompt, s.waitFor(xv6Banner, 0))
			s.send("echo kept > f\r")
			at = s.waitFor(xv6Prompt, s.waitFor("echo kept > f\n", at))
			s.send("\x01c")
			at = s.waitFor("(qemu) ", at)
			s.send("system_reset\r")
			if tc.noReboot {
				select {
				case <-s.done:
				case <-time.After(60 * time.Second):
					t.Fatalf("did not exit after system_reset; output:\n%s", s.output())
				}
				require.NoError(t, s.cmd.Wait(), "status 0")
				assert.Equal(t, 1, strings.Count(s.output(), xv6Banner), "booted once")
				return
			}
			// The guest's console runs on while the monitor has the
			// terminal (as on QEMU), so the second banner can come before
			// or after the next "(qemu) ": look for it from the command on.
			reset := s.waitFor("system_reset\n", at)
			s.waitFor("(qemu) ", reset)
			s.send("\x01c")
			at = s.waitFor(xv6Prompt, s.waitFor(xv6Banner, reset))
			s.send("cat f\r")
			s.waitFor("cat f\nkept\n"+xv6Prompt, at)
			assert.Equal(t, 2, strings.Count(s.output(), xv6Banner), "booted twice:\n%s", s.output())
			s.send("\x01x")
			select {
			case <-s.done:
			case <-time.After(60 * time.Second):
				t.Fatalf("Ctrl-A X did not end the run; output:\n%s", s.output())
			}
		})
	}
}
