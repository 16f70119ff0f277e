package main

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// textFile is a kernel given by mistake: a text file.
func textFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(p, []byte("hello, this is not a kernel\n"), 0o644))
	return p
}

// The README's own command lines, options after the kernel included.
func TestOptionsBeforeAndAfterTheKernel(t *testing.T) {
	// Harts other than 0 wait, so --smp 3 prints one k as well.
	kernel := rvasm.Build(t, strings.Replace(guestPrintAndExit, "_start:\n", "_start:\n\tbnez a0, park\n", 1)+
		"park:\twfi\n\tj park\n", rvasm.Options{})
	disk := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(disk, make([]byte, 4096), 0o644))
	for _, args := range [][]string{
		{"boot", kernel, "--disk", disk},
		{"boot", "--smp", "3", "--virtio", "legacy", kernel, "--disk", disk},
		{"boot", "--disk=" + disk, kernel, "-m", "64", "--timeout", "30"},
		{"boot", "--", kernel},
	} {
		code, out, errOut := runCLI(t, args...)
		assert.Equal(t, 3, code, "%v: %s", args, errOut)
		assert.Equal(t, "k", out, "%v", args)
		assert.Empty(t, errOut, "%v", args)
	}
}

// A mistake gets one line on stderr naming it and the help command, never
// the help itself, and status 2.
func TestMistakesAreOneLine(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	text := textFile(t)
	tests := []struct {
		name string
		args []string
		want string // the whole of stderr
	}{
		{"unknown option", []string{"boot", "--frobnicate", kernel},
			"rvemu: boot: --frobnicate: unknown option (see rvemu boot --help)\n"},
		{"misspelt option", []string{"boot", kernel, "--timout", "5"},
			"rvemu: boot: --timout: unknown option (did you mean --timeout?) (see rvemu boot --help)\n"},
		{"bad duration", []string{"boot", "--timeout", "5 minutes", kernel},
			`rvemu: boot: --timeout: "5 minutes" is not a duration (like 30, 30s, 2m or 1h30m) (see rvemu boot --help)` + "\n"},
		{"option without its value", []string{"boot", kernel, "--disk"},
			"rvemu: boot: --disk: needs a value (FILE) (see rvemu boot --help)\n"},
		{"no kernel", []string{"boot", "--smp", "2"},
			"rvemu: boot: no KERNEL given (see rvemu boot --help)\n"},
		{"two kernels", []string{"boot", kernel, kernel},
			"rvemu: boot: one KERNEL expected, got 2 operands: " + kernel + " " + kernel + " (see rvemu boot --help)\n"},
		{"too many harts", []string{"boot", "--smp", "9", kernel},
			"rvemu: boot: --smp 9: want 1 to 8 (see rvemu boot --help)\n"},
		{"too much memory", []string{"boot", "-m", "5G", kernel},
			"rvemu: boot: --memory 5G: 5368709120 bytes of RAM: want a multiple of 4 KiB from 1 MiB to 4 GiB (see rvemu boot --help)\n"},
		{"not an ELF kernel", []string{"boot", text},
			"rvemu: boot: " + text + ` is not an ELF executable (it starts "hello, this is n"): boot an xv6 kernel such as kernel/kernel, or give --raw for a raw image` + "\n"},
		{"unknown command", []string{"frobnicate"}, "rvemu: unknown command \"frobnicate\" (see rvemu --help)\n"},
		{"option before the command", []string{"--smp", "3", "boot", kernel}, "rvemu: unknown command \"--smp\" (see rvemu --help)\n"},
		{"grade: unknown option", []string{"grade", kernel, "--labb", "2020"},
			"rvemu: grade: --labb: unknown option (did you mean --lab?) (see rvemu grade --help)\n"},
		{"help for no command", []string{"help", "bot"}, "rvemu: help: no command \"bot\" (boot, grade, class, qemu, version)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Equal(t, tc.want, errOut)
			assert.Empty(t, out, "no help on a mistake")
		})
	}
}

func TestRawKernelOnlyWhenAsked(t *testing.T) {
	raw := rvasm.Raw(t, rvasm.Build(t, guestPrintAndExit, rvasm.Options{}))
	code, _, errOut := runCLI(t, "boot", raw)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "is not an ELF executable")

	code, out, errOut := runCLI(t, "boot", "--raw", raw)
	assert.Equal(t, 3, code, errOut)
	assert.Equal(t, "k", out)

	// The QEMU front end keeps QEMU's -kernel: a raw image just loads.
	code, out, errOut = runAs(t, "qemu-system-riscv64", "-kernel", raw, "-nographic")
	assert.Equal(t, 3, code, errOut)
	assert.Equal(t, "k", out)
}

func TestMemoryIsMiBUnlessSuffixed(t *testing.T) {
	tests := []struct {
		memory string
		want   uint64
	}{
		{"512", 512 << 20},
		{"512M", 512 << 20},
		{"3G", 3 << 30},
		{"4g", 4 << 30},
		{"65536K", 64 << 20},
	}
	for _, tc := range tests {
		var o bootOptions
		set := bootFlags(&o)
		ops, err := set.Parse([]string{"k", "-m", tc.memory})
		require.NoError(t, err)
		cfg, err := o.config(set, ops)
		require.NoError(t, err, tc.memory)
		assert.Equal(t, tc.want, cfg.RAM, tc.memory)
	}
}

func TestVersion(t *testing.T) {
	_, want, _ := runCLI(t, "version")
	lines := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	require.Len(t, lines, 4, want)
	assert.True(t, strings.HasPrefix(lines[0], "rvemu "), want)
	assert.True(t, strings.HasPrefix(lines[1], "commit: "), want)
	assert.True(t, strings.HasPrefix(lines[2], "date:   "), want)
	assert.True(t, strings.HasPrefix(lines[3], "go:     go1."), want)
	for _, spelling := range []string{"--version", "-version", "-V"} {
		code, out, errOut := runCLI(t, spelling)
		assert.Equal(t, 0, code, spelling)
		assert.Equal(t, want, out, spelling)
		assert.Empty(t, errOut)
	}
}

// Every help text fits an 80-column terminal, and asking for help is not a
// mistake.
func TestHelpFitsEightyColumns(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"boot", "--help"}, {"help", "boot"}, {"grade", "-h"},
		{"help", "grade"}, {"qemu", "-help"}, {"help", "qemu"}, {"boot", "-h", "kernel", "--smp", "2"}} {
		code, out, errOut := runCLI(t, args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Empty(t, errOut, "%v", args)
		assert.NotEmpty(t, out, "%v", args)
		for _, l := range strings.Split(out, "\n") {
			assert.LessOrEqual(t, len(l), 79, "%v: %q", args, l) // no wrap at 80, whatever the terminal
		}
	}
	code, _, errOut := runCLI(t)
	assert.Equal(t, exitUsage, code, "no command at all")
	assert.Contains(t, errOut, "rvemu boot [OPTIONS] KERNEL")
}

// A host error (here a port another program holds) is status 2 in every
// front end, and one line.
func TestPortInUseIsStatus2Everywhere(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	busy, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer busy.Close()
	port := strconv.Itoa(busy.LocalAddr().(*net.UDPAddr).Port)
	free := strconv.Itoa(freeUDPPort(t))
	tests := []struct {
		name  string
		argv0 string
		args  []string
		want  string
	}{
		{"boot", "rvemu", []string{"boot", kernel, "--hostfwd", "udp::" + port + "-:2000"}, "rvemu: boot: net: "},
		{"qemu", "qemu-system-riscv64", []string{"-kernel", kernel, "-netdev", "user,id=n0,hostfwd=udp::" + port + "-:2000",
			"-device", "e1000,netdev=n0,bus=pcie.0"}, "qemu-system-riscv64: net: "},
		{"grade", "rvemu", []string{"grade", "--lab", "2020", "--server-port", port, "--forward-ports", free + "," + free, kernel},
			"rvemu: grade: host server on 127.0.0.1:" + port},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runAs(t, tc.argv0, tc.args...)
			assert.Equal(t, exitUsage, code, errOut)
			assert.True(t, strings.HasPrefix(errOut, tc.want), errOut)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		})
	}
}
