package tests

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bootRvemuXv6 boots our xv6 on rvemu with disk as its image and returns
// once the first prompt is printed.
func bootRvemuXv6(t *testing.T, rvemu, buildDir, disk string, flags ...string) *xv6Console {
	t.Helper()
	args := append([]string{"boot", "--disk", disk, "--timeout", "300s"}, flags...)
	cmd := exec.Command(rvemu, append(args, filepath.Join(buildDir, "kernel.img"))...)
	c := startConsole(t, cmd, nil)
	c.waitFor(xv6Prompt, 0)
	return c
}

// payload is the text file n holds: several words, so that echo makes
// several write calls, short enough that a command line stays within the
// kernel's 128-byte console line.
func payload(n int) string {
	words := make([]string, 4)
	for i := range words {
		words[i] = fmt.Sprintf("f%02d-w%d-%s", n, i, strings.Repeat(string(rune('a'+n%26)), 10))
	}
	return strings.Join(words, " ")
}

// TestKillKeepsFlushedWrites: rvemu is SIGKILLed while the guest creates
// files. Every file whose write the guest saw complete (the shell ran the
// next command) must be in the image, read back by booting it again.
func TestKillKeepsFlushedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("boots xv6 twice; the e2e pass runs it")
	}
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	disk := copyImage(t, build)

	c := bootRvemuXv6(t, rvemu, build, disk)
	// Files written one command at a time: each is done when the prompt
	// comes back.
	const settled = 3
	for n := 0; n < settled; n++ {
		c.run(fmt.Sprintf("echo %s > f%02d", payload(n), n))
	}
	// Then lines typed as soon as the previous one reports "ok N" (printed
	// only after file N was written; typing further ahead would overflow
	// the kernel's console line), and the kill right after the last line
	// reaches the shell: its writes are in flight.
	const streamed = 12
	last := settled + streamed - 1
	mark := 0
	for n := settled; n <= last; n++ {
		line := fmt.Sprintf("echo %s > f%02d ; echo ok  %02d\n", payload(n), n, n)
		_, err := io.WriteString(c.stdin, line)
		require.NoError(t, err)
		if n == last {
			c.waitFor(line, mark)
			break
		}
		// Typed with two spaces, printed with one: the echo of the
		// typed line does not match.
		mark = c.waitFor(fmt.Sprintf("ok %02d\n", n), mark)
	}
	require.NoError(t, c.cmd.Process.Signal(os.Kill))
	c.stop()

	out := c.output()
	var done []int
	for n := 0; n <= last; n++ {
		if n < settled || strings.Contains(out, fmt.Sprintf("ok %02d\n", n)) {
			done = append(done, n)
		}
	}
	t.Logf("killed with %d of %d files reported written", len(done), last+1)

	again := bootRvemuXv6(t, rvemu, build, disk)
	for _, n := range done {
		got := again.run(fmt.Sprintf("cat f%02d", n))
		assert.Equal(t, []string{payload(n)}, got, "file f%02d", n)
	}
}

// TestDiskSnapshotKeepsImage: with --disk-snapshot the guest reads back
// what it wrote during the run, and the image file is byte for byte what
// it was before.
func TestDiskSnapshotKeepsImage(t *testing.T) {
	if testing.Short() {
		t.Skip("boots xv6; the e2e pass runs it")
	}
	build := xv6Build(t)
	rvemu := buildRvemu(t)
	disk := copyImage(t, build)
	before, err := os.ReadFile(disk)
	require.NoError(t, err)

	c := bootRvemuXv6(t, rvemu, build, disk, "--disk-snapshot")
	c.run("echo " + payload(1) + " > snap")
	assert.Equal(t, []string{payload(1)}, c.run("cat snap"))
	c.run("rm README.md")
	c.stop()

	after, err := os.ReadFile(disk)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "image changed by a snapshot run")
}
