package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperEnv makes the test binary, run as a sandboxed command, do one
// thing (see TestMain) instead of running the tests.
const helperEnv = "SANDBOX_TEST_HELPER"

func TestMain(m *testing.M) {
	RunInitIfAsked()
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "dns":
		os.Exit(askLabDNS())
	case "alloc":
		// 320 MiB, every page touched.
		b := make([]byte, 320<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		fmt.Println("allocated", len(b))
		os.Exit(0)
	case "bind":
		// Holds 127.0.0.1:25000 for a second.
		l, err := net.Listen("tcp4", "127.0.0.1:25000")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("bound")
		time.Sleep(time.Second)
		l.Close()
		os.Exit(0)
	case "interfaces":
		ifs, _ := net.Interfaces()
		for _, i := range ifs {
			fmt.Println("interface", i.Name, i.Flags&net.FlagUp != 0)
		}
		os.Exit(0)
	}
	os.Exit(3)
}

// askLabDNS sends the net lab's query (pdos.csail.mit.edu, type A) to
// 8.8.8.8:53 and prints the address answered.
func askLabDNS() int {
	q := []byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, label := range []string{"pdos", "csail", "mit", "edu"} {
		q = append(q, byte(len(label)))
		q = append(q, label...)
	}
	q = append(q, 0, 0, 1, 0, 1)
	c, err := net.Dial("udp4", "8.8.8.8:53")
	if err != nil {
		fmt.Println("dial:", err)
		return 1
	}
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write(q); err != nil {
		fmt.Println("send:", err)
		return 1
	}
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil || n < 4 {
		fmt.Println("receive:", err)
		return 1
	}
	a := buf[n-4 : n]
	fmt.Printf("answer %d.%d.%d.%d\n", a[0], a[1], a[2], a[3])
	return 0
}

func self(t *testing.T) string {
	exe, err := os.Executable()
	require.NoError(t, err)
	return exe
}

func runJob(t *testing.T, iso Isolation, l Limits, env []string, dir string, dns bool, command ...string) (Outcome, string) {
	t.Helper()
	var out bytes.Buffer
	if l.Wall == 0 {
		l.Wall = time.Minute
	}
	o, err := Run(context.Background(), iso, Job{
		Command: command, Dir: dir, Env: append([]string{"PATH=" + os.Getenv("PATH")}, env...),
		Limits: l, LabDNS: dns, Output: &out,
	})
	require.NoError(t, err, out.String())
	return o, out.String()
}

// The grader relies on the namespaces wherever it runs on Linux: CI too.
func TestProbe(t *testing.T) {
	require.NoError(t, Probe())
}

func TestOnlyLoopbackInside(t *testing.T) {
	o, out := runJob(t, Namespaces, Limits{}, []string{helperEnv + "=interfaces"}, "", false, self(t))
	assert.Equal(t, 0, o.Exit)
	assert.Equal(t, "interface lo true\n", out)
}

// The lab's DNS query to 8.8.8.8 is answered inside the namespace, on its
// loopback: nothing leaves.
func TestLabDNSAnsweredOnLoopback(t *testing.T) {
	o, out := runJob(t, Namespaces, Limits{}, []string{helperEnv + "=dns"}, "", true, self(t))
	assert.Equal(t, 0, o.Exit, out)
	assert.Equal(t, "answer 128.52.129.126\n", out)

	// Without LabDNS there is no route to 8.8.8.8 at all.
	o, out = runJob(t, Namespaces, Limits{}, []string{helperEnv + "=dns"}, "", false, self(t))
	assert.Equal(t, 1, o.Exit, out)
	assert.Contains(t, out, "network is unreachable")
}

// MountAt: the command runs in its tree seen at the given path (what the
// compiler writes into debug information is the same for every run), it
// writes into that tree, and the host's directory at that path stays empty.
func TestMountAtShowsTheTreeThere(t *testing.T) {
	tree, at := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(tree, "mine.txt"), []byte("student\n"), 0o644))
	var out bytes.Buffer
	o, err := Run(context.Background(), Namespaces, Job{
		Command: []string{"sh", "-c", "pwd; echo $PWD; cat mine.txt; echo built > out.txt"},
		Dir:     tree, MountAt: at, Env: []string{"PATH=" + os.Getenv("PATH"), "PWD=/elsewhere"},
		Limits: Limits{Wall: time.Minute}, Output: &out,
	})
	require.NoError(t, err, out.String())
	assert.Equal(t, 0, o.Exit, out.String())
	assert.Equal(t, at+"\n"+at+"\nstudent\n", out.String())
	b, err := os.ReadFile(filepath.Join(tree, "out.txt"))
	require.NoError(t, err)
	assert.Equal(t, "built\n", string(b))
	left, err := os.ReadDir(at)
	require.NoError(t, err)
	assert.Empty(t, left, "the mount stayed inside the run's namespace")

	// Without namespaces the command runs in Dir itself.
	out.Reset()
	o, err = Run(context.Background(), ProcessGroup, Job{
		Command: []string{"pwd"}, Dir: tree, MountAt: at,
		Env: []string{"PATH=" + os.Getenv("PATH")}, Limits: Limits{Wall: time.Minute}, Output: &out,
	})
	require.NoError(t, err)
	assert.Equal(t, tree+"\n", out.String())
}

func TestExitStatusAndOutput(t *testing.T) {
	for _, iso := range []Isolation{Namespaces, ProcessGroup} {
		t.Run(iso.String(), func(t *testing.T) {
			o, out := runJob(t, iso, Limits{}, nil, t.TempDir(), false, "sh", "-c", "echo hello; pwd; exit 7")
			assert.Equal(t, 7, o.Exit)
			assert.Equal(t, EndedNot, o.Ended)
			assert.True(t, strings.HasPrefix(out, "hello\n/"), out)
		})
	}
}

func TestWallLimitEndsTheWholeTree(t *testing.T) {
	for _, iso := range []Isolation{Namespaces, ProcessGroup} {
		t.Run(iso.String(), func(t *testing.T) {
			dir := t.TempDir()
			// A background child that would write a file after the limit.
			o, _ := runJob(t, iso, Limits{Wall: 500 * time.Millisecond}, nil, dir, false,
				"sh", "-c", "(sleep 2; touch late) & sleep 30")
			assert.Equal(t, EndedWall, o.Ended)
			assert.Less(t, o.Wall, 10*time.Second)
			time.Sleep(2500 * time.Millisecond)
			assert.NoFileExists(t, filepath.Join(dir, "late"), "a process outlived its run")
		})
	}
}

// In a PID namespace an orphan dies with the run even when the command
// itself exits normally.
func TestOrphansEndWithTheRun(t *testing.T) {
	dir := t.TempDir()
	o, _ := runJob(t, Namespaces, Limits{}, nil, dir, false, "sh", "-c", "(sleep 2; touch late) & exit 0")
	assert.Equal(t, 0, o.Exit)
	time.Sleep(3 * time.Second)
	assert.NoFileExists(t, filepath.Join(dir, "late"))
}

func TestMemoryLimit(t *testing.T) {
	o, out := runJob(t, Namespaces, Limits{Memory: 128 << 20}, []string{helperEnv + "=alloc"}, "", false, self(t))
	assert.Equal(t, EndedMemory, o.Ended, out)
	assert.NotContains(t, out, "allocated")

	o, out = runJob(t, Namespaces, Limits{Memory: 1 << 30}, []string{helperEnv + "=alloc"}, "", false, self(t))
	assert.Equal(t, EndedNot, o.Ended, out)
	assert.Contains(t, out, "allocated")
	assert.Greater(t, o.PeakMemory, int64(300<<20))
}

// Where no cgroup can be made, the watchdog holds the same limits from
// samples of /proc.
func TestWatchdogLimits(t *testing.T) {
	cgroupsAllowed = false
	defer func() { cgroupsAllowed = true }()
	for _, iso := range []Isolation{Namespaces, ProcessGroup} {
		t.Run(iso.String(), func(t *testing.T) {
			o, out := runJob(t, iso, Limits{Memory: 128 << 20}, []string{helperEnv + "=alloc"}, "", false, self(t))
			assert.Equal(t, EndedMemory, o.Ended, out)
			o, out = runJob(t, iso, Limits{Procs: 40}, nil, "", false,
				"sh", "-c", "i=0; while [ $i -lt 200 ]; do sleep 5 & i=$((i+1)); done; wait")
			assert.Equal(t, EndedProcs, o.Ended, out)
		})
	}
}

func TestProcessLimit(t *testing.T) {
	o, out := runJob(t, Namespaces, Limits{Procs: 40}, nil, "", false,
		"sh", "-c", "i=0; while [ $i -lt 200 ]; do sleep 5 & i=$((i+1)); done; wait")
	assert.Equal(t, EndedProcs, o.Ended, out)
}

func TestFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	o, out := runJob(t, Namespaces, Limits{FileSize: 1 << 20}, nil, dir, false,
		"sh", "-c", "head -c 5000000 /dev/zero > big; echo done")
	assert.Equal(t, EndedFile, o.Ended, out)
	assert.Equal(t, "big", o.Detail)
	fi, err := os.Stat(filepath.Join(dir, "big"))
	require.NoError(t, err)
	assert.Equal(t, int64(1<<20), fi.Size())
}

func TestRunsDoNotShareAPortSpace(t *testing.T) {
	// Two runs at once bind the same TCP port on their loopbacks.
	type res struct {
		o   Outcome
		out string
	}
	ch := make(chan res, 2)
	for i := 0; i < 2; i++ {
		go func() {
			var b bytes.Buffer
			o, err := Run(context.Background(), Namespaces, Job{Command: []string{self(t)},
				Env: []string{helperEnv + "=bind"}, Limits: Limits{Wall: time.Minute}, Output: &b})
			assert.NoError(t, err)
			ch <- res{o, b.String()}
		}()
	}
	for i := 0; i < 2; i++ {
		r := <-ch
		assert.Equal(t, 0, r.o.Exit, r.out)
		assert.Equal(t, "bound\n", r.out)
	}
}
