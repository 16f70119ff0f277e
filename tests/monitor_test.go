package tests

import (
	"bytes"
	"os/exec"
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
