package tests

import (
	"bytes"
	"debug/elf"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/ptytest"
)

// termSession is a program run on a pseudo-terminal, as a student runs
// QEMU: keys go to ctrl, the console is read from stdout.
type termSession struct {
	t    *testing.T
	cmd  *exec.Cmd
	ctrl interface{ Write([]byte) (int, error) }

	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startOnTerminal(t *testing.T, name string, args ...string) *termSession {
	t.Helper()
	ctrl, tty := ptytest.Open(t)
	s := &termSession{t: t, cmd: exec.Command(name, args...), ctrl: ctrl, done: make(chan struct{})}
	s.cmd.Stdin = tty
	stdout, err := s.cmd.StdoutPipe()
	require.NoError(t, err)
	s.cmd.Stderr = s.cmd.Stdout
	require.NoError(t, s.cmd.Start())
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := stdout.Read(buf)
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
		s.cmd.Wait()
	})
	return s
}

// ansi matches the cursor movements of QEMU's line editor.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// output is what the program printed so far, carriage returns and cursor
// movements taken out.
func (s *termSession) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.ReplaceAll(ansi.ReplaceAllString(s.out.String(), ""), "\r", "")
}

// waitFor waits until want appears after offset from and returns the
// offset just past it.
func (s *termSession) waitFor(want string, from int) int {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out := s.output()
		if from <= len(out) {
			if i := strings.Index(out[from:], want); i >= 0 {
				return from + i + len(want)
			}
		}
		select {
		case <-s.done:
			s.t.Fatalf("exited before %q; output:\n%s", want, s.output())
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.t.Fatalf("no %q within a minute; output:\n%s", want, s.output())
	return 0
}

func (s *termSession) send(keys string) {
	_, err := s.ctrl.Write([]byte(keys))
	require.NoError(s.t, err)
}

// monitorCommand switches to the monitor if asked, runs a command and
// returns its output lines (from header on, when given).
func (s *termSession) monitorCommand(cmd string, from int) (lines []string, end int) {
	s.t.Helper()
	s.send(cmd + "\r")
	start := s.waitFor(cmd+"\n", from)
	end = s.waitFor("(qemu) ", start)
	text := s.output()[start : end-len("(qemu) ")]
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n"), end
}

// infoMemOn boots the ptdump guest on a QEMU-compatible command line and
// returns what "info mem" prints for its table, reached by Ctrl-A C.
func infoMemOn(t *testing.T, program string, prefix ...string) []string {
	args := append(prefix, "-machine", "virt", "-bios", "none", "-m", "128M", "-nographic", "-nic", "none",
		"-kernel", guestELF(t, "ptdump"))
	s := startOnTerminal(t, program, args...)
	at := s.waitFor("ptdump: ready\n", 0)
	s.send("\x01c")
	at = s.waitFor("(qemu) ", at)
	lines, _ := s.monitorCommand("info mem", at)
	s.send("quit\r")
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not quit", program)
	}
	return lines
}

// TestInfoMemMatchesQEMU compares rvemu's "info mem" with QEMU 7.2's, line
// for line, on the page table tests/guest/ptdump.c builds: merged runs,
// breaks at physical and virtual gaps, permission changes and table
// pages, superpages, reserved bits, the upper half.
func TestInfoMemMatchesQEMU(t *testing.T) {
	buildGuests(t)
	requireTool(t, "qemu-system-riscv64", "qemu-system-misc")
	rvemu := buildRvemu(t)
	want := infoMemOn(t, "qemu-system-riscv64")
	got := infoMemOn(t, rvemu, "qemu")
	require.Greater(t, len(want), 15, "QEMU's listing: %q", want)
	assert.Equal(t, "vaddr            paddr            size             attr", want[0])
	assert.Equal(t, want, got)
}

// gdbMonitorAtShellGets boots our xv6 at one hart on program (QEMU, or
// rvemu's QEMU front end) halted for gdb, lets gdb stop the shell where
// it reads its first command (gets, a user address) and returns what
// `monitor info mem` prints there: the shell's page table.
func gdbMonitorAtShellGets(t *testing.T, build string, program string, prefix ...string) []string {
	t.Helper()
	port := freeTCPPort(t)
	disk := copyImage(t, build)
	kernel := filepath.Join(build, "kernel.img")
	args := append(prefix, "-machine", "virt", "-bios", "none", "-kernel", kernel, "-m", "128M", "-smp", "1",
		"-nographic", "-monitor", "none", "-serial", "stdio", "-global", "virtio-mmio.force-legacy=false",
		"-drive", "file="+disk+",if=none,format=raw,id=x0", "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0",
		"-S", "-gdb", fmt.Sprintf("tcp::%d", port))
	cmd := exec.Command(program, args...)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Not a trial connection: QEMU lets the harts run when a debugger
	// goes away.
	require.Eventually(t, func() bool { return listening(t, port) }, 10*time.Second, 20*time.Millisecond,
		"%s never listened", program)
	gets := symbolIn(t, filepath.Join(build, "bin", "sh"), "gets")
	out := gdbBatch(t, kernel, fmt.Sprintf("target remote :%d", port), fmt.Sprintf("hbreak *%#x", gets), "c",
		"monitor info mem", "kill")
	out = strings.ReplaceAll(out, "\r", "")
	start := strings.Index(out, "vaddr ")
	require.GreaterOrEqual(t, start, 0, "no info mem in:\n%s", out)
	var lines []string
	for _, l := range strings.Split(out[start:], "\n") {
		if !strings.HasPrefix(l, "vaddr") && !strings.HasPrefix(l, "-") && !regexp.MustCompile(`^[0-9a-f]{16} `).MatchString(l) {
			break
		}
		lines = append(lines, l)
	}
	return lines
}

// symbolIn is a function's address in an ELF.
func symbolIn(t *testing.T, path, name string) uint64 {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return 0
}

// TestInfoMemOfXv6ProcessMatchesQEMU: the shell's page table at its
// first gets, through gdb's `monitor info mem`, on QEMU 7.2 and on
// rvemu: same pages, same physical addresses, same A and D bits (the
// hardware walker sets them the same way).
func TestInfoMemOfXv6ProcessMatchesQEMU(t *testing.T) {
	requireTool(t, "qemu-system-riscv64", "qemu-system-misc")
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	want := gdbMonitorAtShellGets(t, build, "qemu-system-riscv64")
	got := gdbMonitorAtShellGets(t, build, rvemu, "qemu")
	require.Greater(t, len(want), 5, "QEMU's listing: %q", want)
	assert.Regexp(t, `^0000000000000000 [0-9a-f]{16} 0000000000001000 r-xu-a-$`, want[2], "the shell's text page")
	assert.Equal(t, want, got)
}

// freeTCPPort is a loopback port nothing listens on right now.
func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// listening reports whether something listens on TCP port (Linux's
// /proc/net/tcp: local address, then state 0A for LISTEN).
func listening(t *testing.T, port int) bool {
	t.Helper()
	data, err := os.ReadFile("/proc/net/tcp")
	require.NoError(t, err)
	want := fmt.Sprintf(":%04X ", port)
	for _, l := range strings.Split(string(data), "\n")[1:] {
		f := strings.Fields(l)
		if len(f) > 3 && strings.HasSuffix(f[1]+" ", want) && f[3] == "0A" {
			return true
		}
	}
	return false
}
