package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// printAndExit prints k and fails with status 3.
const printAndExit = `
	li t0, 0x10000000
	li t1, 'k'
	sb t1, 0(t0)
	li t0, 0x100000
	li t1, 0x00033333      # fail with status 3
	sw t1, 0(t0)
1:	j 1b
`

const guestPrintAndExit = "\t.globl _start\n_start:" + printAndExit

// guestPrintAndExitSMP runs printAndExit on hart 0; the other harts,
// running at the same time by default, wait.
const guestPrintAndExitSMP = "\t.globl _start\n_start:\n\tbnez a0, 1f" + printAndExit

const guestSpin = "\t.globl _start\n_start: j _start\n"

// runCLI runs the command in-process with stdin from /dev/null.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	devnull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer devnull.Close()
	var out, errOut bytes.Buffer
	code = run(append([]string{"rvemu"}, args...), devnull, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	smpKernel := rvasm.Build(t, guestPrintAndExitSMP, rvasm.Options{})
	spin := rvasm.Build(t, guestSpin, rvasm.Options{})
	outside := rvasm.Build(t, guestSpin, rvasm.Options{Base: 0x81000000}) // past 16 MiB
	hostELF, err := os.Executable()
	require.NoError(t, err)
	disk := filepath.Join(dir, "fs.img")
	require.NoError(t, os.WriteFile(disk, make([]byte, 4096), 0o644))

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErr    string // substring of stderr
		oneErrLine bool
	}{
		{"guest status is the exit status", []string{"boot", kernel}, 3, "k", "", false},
		{"with disk and options", []string{"boot", "--disk", disk, "--smp", "2", "-m", "64M", "--virtio", "legacy", smpKernel}, 3, "k", "", false},
		{"harts taking turns", []string{"boot", "--smp", "3", "--parallel=false", smpKernel}, 3, "k", "", false},
		{"parallel harts refuse the virtual clock", []string{"boot", "--smp", "3", "--parallel", "--clock", "virtual", smpKernel}, 2, "", "--clock virtual needs them taking turns", true},
		{"missing kernel", []string{"boot", filepath.Join(dir, "nope")}, 2, "", "no such file", true},
		{"not a RISC-V ELF", []string{"boot", hostELF}, 2, "", "not a 64-bit RISC-V ELF", true},
		{"segment outside RAM", []string{"boot", "-m", "16M", outside}, 2, "", "outside RAM", true},
		{"disk cannot be opened", []string{"boot", "--disk", filepath.Join(dir, "nodisk.img"), kernel}, 2, "", "disk", true},
		{"no kernel argument", []string{"boot"}, 2, "", "KERNEL", true},
		{"snapshot without a disk", []string{"boot", "--disk-snapshot", kernel}, 2, "", "--disk-snapshot needs --disk", true},
		{"snapshot run", []string{"boot", "--disk", disk, "--disk-snapshot", kernel}, 3, "k", "", false},
		{"bad memory size", []string{"boot", "-m", "lots", kernel}, 2, "", `--memory "lots" is not a size`, true},
		{"bad virtio mode", []string{"boot", "--virtio", "v3", kernel}, 2, "", "legacy or modern", true},
		{"bad trace list", []string{"boot", "--trace", "bogus", kernel}, 2, "", "trace", true},
		{"bad smp", []string{"boot", "--smp", "0", kernel}, 2, "", "--smp", true},
		{"unknown flag", []string{"boot", "--frobnicate", kernel}, 2, "", "rvemu: boot: --frobnicate: unknown option (see rvemu boot --help)\n", true},
		{"timeout", []string{"boot", "--timeout", "200ms", spin}, 124, "", "timeout", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			assert.Equal(t, tc.wantCode, code, "stderr: %s", errOut)
			if tc.wantOut != "" {
				assert.Equal(t, tc.wantOut, out)
			}
			if tc.wantErr == "" {
				assert.Empty(t, errOut)
				return
			}
			assert.Contains(t, errOut, tc.wantErr)
			if tc.oneErrLine {
				assert.Equal(t, 1, bytes.Count([]byte(errOut), []byte("\n")), "one line: %q", errOut)
			}
		})
	}
}

func TestBootHelpHasExamples(t *testing.T) {
	code, out, _ := runCLI(t, "boot", "--help")
	assert.Equal(t, 0, code)
	for _, want := range []string{"Examples:", "--disk", "--virtio", "--smp", "--memory", "--timeout", "--trace", "Ctrl-A X"} {
		assert.Contains(t, out, want)
	}
}

// TestMain lets the test binary act as rvemu itself for tests that need a
// separate process (signals, terminals); see rvemuCommand.
func TestMain(m *testing.M) {
	if os.Getenv("RVEMU_BE_MAIN") == "1" {
		if os.Getenv(testPanicEnv) == "1" {
			// A host bug on a goroutine no deferred call covers.
			testHookRunning = func() { go panic("test: a host bug") }
		}
		main()
	}
	os.Exit(m.Run())
}

// testPanicEnv makes rvemuCommand's rvemu panic once the board runs.
const testPanicEnv = "RVEMU_TEST_PANIC"

// testExecEnv names a program to run this test binary with when it starts
// itself as rvemu: the linux/arm64 tests run under qemu-aarch64 (make
// test), and without binfmt the host cannot start an arm64 binary alone.
const testExecEnv = "RVEMU_TEST_EXEC"

// rvemuCommand is this test binary run as rvemu with args.
func rvemuCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self, args...)
	if runner := os.Getenv(testExecEnv); runner != "" {
		cmd = exec.Command(runner, append([]string{self}, args...)...)
	}
	cmd.Env = append(os.Environ(), "RVEMU_BE_MAIN=1")
	// A test that fails half-way leaves no emulator running (killing one
	// that has exited already does nothing).
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	return cmd
}

func TestSIGTERMStopsTheMachine(t *testing.T) {
	// The guest prints one byte and spins: once the byte arrives, the
	// machine runs and the signal handler is in place.
	kernel := rvasm.Build(t, `
	.globl _start
_start:
	li t0, 0x10000000
	li t1, 'r'
	sb t1, 0(t0)
1:	j 1b
`, rvasm.Options{})
	cmd := rvemuCommand(t, "boot", kernel)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	first := make([]byte, 1)
	_, err = io.ReadFull(stdout, first)
	require.NoError(t, err)
	assert.Equal(t, "r", string(first))
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 128+int(syscall.SIGTERM), exit.ExitCode())
	assert.Contains(t, errOut.String(), "stopped by signal 15")
}
