package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// runAs runs the CLI in-process under a given program name.
func runAs(t *testing.T, argv0 string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	devnull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer devnull.Close()
	var out, errOut bytes.Buffer
	code = run(append([]string{argv0}, args...), devnull, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestQEMUFrontEnd(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	boot := []string{"-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "16M", "-smp", "cpus=1", "-nographic"}
	tests := []struct {
		name     string
		argv0    string
		args     []string
		wantCode int
		wantOut  string // prefix of stdout
		wantErr  string // stderr, exactly
	}{
		{"version as subcommand", "rvemu", []string{"qemu", "-version"}, 0, "QEMU emulator version 7.2.0 (rvemu ", ""},
		{"version as symlink", "/usr/local/bin/qemu-system-riscv64", []string{"--version"}, 0, "QEMU emulator version 7.2.0 (rvemu ", ""},
		{"help as symlink", "qemu-system-riscv64", []string{"-help"}, 0, "QEMU emulator version", ""},
		{"unknown option", "qemu-system-riscv64", []string{"-vga", "std"}, 2, "", "qemu-system-riscv64: -vga: invalid option\n"},
		{"unknown option via rvemu qemu", "rvemu", []string{"qemu", "-kernel", "k", "-vnc", ":0"}, 2, "", "qemu-system-riscv64: -vnc: invalid option\n"},
		{"-S with neither debugger nor monitor", "qemu-system-riscv64", append(boot, "-S", "-monitor", "none"), 2, "",
			"qemu-system-riscv64: -S: with neither -gdb nor a monitor on the terminal, nothing could start the harts\n"},
		{"-S with the monitor out of reach", "qemu-system-riscv64", append(boot, "-S"), 2, "",
			"qemu-system-riscv64: -S: the monitor is out of reach (stdin is not a terminal, and the guest's console takes it): add -gdb tcp::PORT, or -serial none to give stdin to the monitor\n"},
		{"boots the lab's line", "qemu-system-riscv64", boot, 3, "k", ""},
		{"-m over 4G", "qemu-system-riscv64", []string{"-machine", "virt", "-kernel", kernel, "-m", "5G"}, 2, "",
			"qemu-system-riscv64: -m: 5368709120 bytes of RAM: want a multiple of 4 KiB from 1 MiB to 4 GiB\n"},
		{"missing kernel file", "qemu-system-riscv64", []string{"-machine", "virt", "-kernel", "/nonexistent/kernel"}, 2, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runAs(t, tt.argv0, tt.args...)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", errOut)
			assert.True(t, strings.HasPrefix(out, tt.wantOut), "stdout %q", out)
			if tt.wantErr != "" {
				assert.Equal(t, tt.wantErr, errOut)
			}
			if code == exitUsage {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			}
			if code == 3 {
				assert.Empty(t, errOut, "a clean run says nothing")
			}
		})
	}
}

func TestQEMUHelpHasGDBLine(t *testing.T) {
	_, out, _ := runAs(t, "qemu-system-riscv64", "-help")
	hasGDB := false
	for _, l := range strings.Split(out, "\n") {
		hasGDB = hasGDB || strings.HasPrefix(l, "-gdb")
	}
	assert.True(t, hasGDB, "lab Makefiles choose -gdb by grepping '^-gdb' in -help")
}

func TestGradeUsage(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no kernel", []string{"grade"}, "no KERNEL given"},
		{"two kernels", []string{"grade", kernel, kernel}, "one KERNEL expected, got 2"},
		{"not an ELF kernel", []string{"grade", textFile(t)}, "is not an ELF executable"},
		{"2018 is not a course year", []string{"grade", "--lab", "2018", kernel}, "want one of 2019, 2020, 2021, 2022, 2023, 2024, 2025, auto"},
		{"missing kernel", []string{"grade", "/nonexistent/k"}, "no such file"},
		{"bad lab", []string{"grade", "--lab", "2018", kernel}, `lab "2018"`},
		{"bad virtio", []string{"grade", "--virtio", "v3", kernel}, "virtio mode"},
		{"bad ports", []string{"grade", "--forward-ports", "x", kernel}, "--forward-ports"},
		{"bad check", []string{"grade", "--check", "virtio", kernel}, `check "virtio": want e1000 or none`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errOut, tt.wantErr)
		})
	}
}

func TestGradeHelpShowsLabDNS(t *testing.T) {
	_, out, _ := runCLI(t, "grade", "--help")
	assert.Contains(t, out, "pdos.csail.mit.edu=128.52.129.126")
	assert.Contains(t, out, "--lab")
}

// A guest that powers off before any prompt: grading ends at once with a
// note, a zero score and exit status 1.
func TestGradeGuestWithoutShell(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	fwd := fmt.Sprintf("%d,%d", freeUDPPort(t), freeUDPPort(t))
	code, out, _ := runCLI(t, "grade", "--lab", "2020", "-m", "16M", "--server-port", "0", "--forward-ports", fwd, kernel)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "note: the guest stopped before the first prompt")
	assert.Contains(t, out, "Score: 0/99\n")
}

// freeUDPPort is a port on 127.0.0.1 nothing listens on right now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// The lab grader's way in: `make qemu-gdb` runs QEMU with -S -gdb
// tcp::PORT, the grader connects and sends one continue packet.
func TestQEMUFrontEndWaitsForGDBContinue(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	port := freeTCPPort(t)
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := runAs(t, "qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-kernel", kernel,
			"-m", "16M", "-nographic", "-S", "-gdb", fmt.Sprintf("tcp::%d", port))
		done <- result{code, out, errOut}
	}()

	var conn net.Conn
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return false
		}
		conn = c
		return true
	}, 10*time.Second, 20*time.Millisecond, "the stub listens before the guest runs")
	defer conn.Close()
	select {
	case r := <-done:
		t.Fatalf("ran before the debugger said continue: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
	_, err := conn.Write([]byte("$c#63"))
	require.NoError(t, err)
	select {
	case r := <-done:
		assert.Equal(t, 3, r.code, "stderr: %s", r.err)
		assert.Equal(t, "k", r.out)
	case <-time.After(10 * time.Second):
		t.Fatal("the guest did not run after continue")
	}
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestQEMUCheckFromEnvironment(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	boot := []string{"-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "16M", "-nographic"}
	tests := []struct {
		env      string
		wantCode int
		wantErr  string
	}{
		{"e1000", 3, ""},
		{"none", 3, ""},
		{"virtio", 2, "qemu-system-riscv64: RVEMU_CHECK: check \"virtio\": want e1000 or none\n"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(checkEnv, tt.env)
			code, _, errOut := runAs(t, "qemu-system-riscv64", boot...)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", errOut)
			assert.Equal(t, tt.wantErr, errOut)
		})
	}
}
