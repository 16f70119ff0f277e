package tests

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// xv6Console is a running guest whose serial console the test drives
// through pipes: it types lines and waits for the shell prompt.
type xv6Console struct {
	t       testing.TB
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	mu      sync.Mutex
	out     []byte        // everything the guest printed so far
	changed chan struct{} // closed and replaced on every new output
	exited  chan struct{}
}

const xv6Prompt = "$ "

// xv6Build runs make in xv6/ with extra variables and returns the build
// directory (relative to xv6/ as make sees it, absolute here).
func xv6Build(t testing.TB, vars ...string) string {
	t.Helper()
	for _, tool := range []string{"make", "riscv64-unknown-elf-gcc", "qemu-system-riscv64"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s is required to build and boot xv6", tool)
	}
	dir := "build"
	for _, v := range vars {
		if b, ok := strings.CutPrefix(v, "B="); ok {
			dir = b
		}
	}
	cmd := exec.Command("make", append([]string{"-s", "-C", "../xv6"}, vars...)...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "make xv6: %s", out)
	abs, err := filepath.Abs(filepath.Join("../xv6", dir))
	require.NoError(t, err)
	return abs
}

// bootXv6QEMU boots kernel.img with a private copy of fs.img on QEMU's virt
// board and returns once the first prompt is printed.
func bootXv6QEMU(t testing.TB, buildDir string, harts int) *xv6Console {
	t.Helper()
	disk := copyImage(t, buildDir)
	cmd := exec.Command("qemu-system-riscv64", "-machine", "virt", "-bios", "none",
		"-kernel", filepath.Join(buildDir, "kernel.img"), "-m", "128M",
		"-smp", fmt.Sprint(harts), "-nographic", "-monitor", "none", "-serial", "stdio",
		"-global", "virtio-mmio.force-legacy=false",
		"-drive", "file="+disk+",if=none,format=raw,id=x0",
		"-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0")
	c := startConsole(t, cmd, nil)
	c.waitFor(xv6Prompt, 0)
	return c
}

// stop kills the emulator; calling it again does nothing.
func (c *xv6Console) stop() {
	_ = c.cmd.Process.Kill()
	<-c.exited
	_ = c.cmd.Wait()
}

func (c *xv6Console) collect(r io.Reader) {
	defer close(c.exited)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		c.mu.Lock()
		c.out = append(c.out, buf[:n]...)
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (c *xv6Console) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.out)
}

// waitFor blocks until s appears in the output at or after byte from, and
// returns the offset just past it.
func (c *xv6Console) waitFor(s string, from int) int {
	c.t.Helper()
	deadline := time.After(40 * time.Second)
	for {
		c.mu.Lock()
		i := bytes.Index(c.out[from:], []byte(s))
		changed := c.changed
		c.mu.Unlock()
		if i >= 0 {
			return from + i + len(s)
		}
		select {
		case <-changed:
		case <-c.exited:
			c.t.Fatalf("guest exited while waiting for %q", s)
		case <-deadline:
			c.t.Fatalf("timed out waiting for %q", s)
		}
	}
}

// run types one command line and returns the lines it printed before the
// next prompt (the echo of the command itself excluded).
func (c *xv6Console) run(line string) []string {
	c.t.Helper()
	return c.typeKeys(line+"\n", line+"\n")
}

// typeKeys sends raw keystrokes, waits for the console to echo them as
// echo, and returns the lines printed after that up to the next prompt.
func (c *xv6Console) typeKeys(keys, echo string) []string {
	c.t.Helper()
	c.mu.Lock()
	mark := len(c.out)
	c.mu.Unlock()
	_, err := io.WriteString(c.stdin, keys)
	require.NoError(c.t, err)
	start := c.waitFor(echo, mark)
	end := c.waitFor(xv6Prompt, start)
	text := strings.TrimSuffix(c.output()[start:end-len(xv6Prompt)], "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// copyImage copies the build's fs.img for one boot: the guest writes its
// disk, and every test starts from the same file system.
func copyImage(t testing.TB, buildDir string) string {
	t.Helper()
	img, err := os.ReadFile(filepath.Join(buildDir, "fs.img"))
	require.NoError(t, err)
	disk := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(disk, img, 0o644))
	return disk
}

// startConsole starts an emulator whose stdout is the guest console.
// stderr goes to its own writer, or joins the console when nil. The
// emulator is killed at cleanup, and a failing test logs what it printed.
func startConsole(t testing.TB, cmd *exec.Cmd, stderr io.Writer) *xv6Console {
	t.Helper()
	c := &xv6Console{t: t, cmd: cmd, changed: make(chan struct{}), exited: make(chan struct{})}
	var err error
	c.stdin, err = cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = stderr
	if stderr == nil {
		cmd.Stderr = cmd.Stdout
	}
	require.NoError(t, cmd.Start())
	go c.collect(stdout)
	t.Cleanup(func() {
		c.stop()
		if t.Failed() {
			t.Logf("console output:\n%s", c.output())
		}
	})
	return c
}
