package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rvemu/rvemu/xv6lab"
)

// machine is one way to be qemu-system-riscv64 for the lab's Makefile.
type machine struct {
	Key     string // "rvemu" or "qemu"
	pathDir string // put first in PATH ("" leaves PATH alone)
	Version string // first line of `qemu-system-riscv64 --version` as the Makefile will find it
}

const qemuName = "qemu-system-riscv64"

// rvemuMachine makes a directory holding a symlink qemu-system-riscv64 ->
// the rvemu binary (as the README tells students to), so that the tree's
// Makefile, which names QEMU by that name, runs rvemu.
func rvemuMachine(bin, scratch string) (machine, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return machine{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return machine{}, fmt.Errorf("%s not found: run `make build` first", bin)
	}
	dir := filepath.Join(scratch, "rvemu-as-qemu")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return machine{}, err
	}
	link := filepath.Join(dir, qemuName)
	os.Remove(link)
	if err := os.Symlink(abs, link); err != nil {
		return machine{}, err
	}
	m := machine{Key: "rvemu", pathDir: dir}
	if m.Version, err = m.version(); err != nil {
		return m, err
	}
	if !strings.Contains(m.Version, "rvemu") {
		return m, fmt.Errorf("%s in %s answers %q, not rvemu", qemuName, dir, m.Version)
	}
	return m, nil
}

// qemuMachine is the qemu-system-riscv64 on PATH, which must be QEMU itself.
func qemuMachine() (machine, error) {
	m := machine{Key: "qemu"}
	if _, err := exec.LookPath(qemuName); err != nil {
		return m, fmt.Errorf("%s not on PATH: apt-get install qemu-system-misc", qemuName)
	}
	var err error
	if m.Version, err = m.version(); err != nil {
		return m, err
	}
	if strings.Contains(m.Version, "rvemu") || !strings.HasPrefix(m.Version, "QEMU emulator version") {
		return m, fmt.Errorf("the %s on PATH is not QEMU: %q", qemuName, m.Version)
	}
	return m, nil
}

func (m machine) path() string {
	if m.pathDir == "" {
		return os.Getenv("PATH")
	}
	return m.pathDir + string(os.PathListSeparator) + os.Getenv("PATH")
}

func (m machine) version() (string, error) {
	name := qemuName // exec.Command looks names up in our own PATH, not cmd.Env's
	if m.pathDir != "" {
		name = filepath.Join(m.pathDir, qemuName)
	}
	cmd := exec.Command(name, "--version")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %v", qemuName, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first), nil
}

// gradeRun is one `make grade` of one tree on one machine.
type gradeRun struct {
	Tree    xv6lab.Tree   `json:"tree"`
	Machine string        `json:"machine"`
	Version string        `json:"version"`
	Rep     int           `json:"rep"`
	Start   time.Time     `json:"start"`
	Wall    float64       `json:"wall_s"`
	Load    string        `json:"load"` // /proc/loadavg's three averages when the grade started
	Exit    int           `json:"exit"`
	Report  xv6lab.Report `json:"report"`
	Note    string        `json:"note,omitempty"` // why there is no score (build failure, timeout)
}

type runOptions struct {
	self      string        // this program, run again inside the namespace
	nice      int           // niceness of make grade and all it starts
	limit     time.Duration // a grade still running after this is ended
	logDir    string        // each grade's output, kept for reading failures
	gradeArgs string        // GRADEFLAGS words (gradelib test filters); "" leaves the Makefile's
}

// errRefused: the namespace check failed; nothing was graded and nothing
// should be.
var errRefused = errors.New("refused")

// runGrade runs the tree's own `make grade` with m as qemu-system-riscv64,
// inside a fresh network namespace, and parses what gradelib printed.
func runGrade(t xv6lab.Tree, m machine, rep int, o runOptions) (gradeRun, error) {
	r := gradeRun{Tree: t, Machine: m.Key, Version: m.Version, Rep: rep, Start: time.Now(), Load: loadAverage()}
	command := []string{"nice", "-n", strconv.Itoa(o.nice), "make", "grade"}
	command = append(command, t.MakeArgs...)
	if o.gradeArgs != "" {
		command = append(command, "GRADEFLAGS=-v "+o.gradeArgs)
	}
	cmd := exec.Command("unshare", unshareArgs(o.self, command)...)
	cmd.Dir = t.Dir
	cmd.Env = gradeEnv(m.path())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logName := filepath.Join(o.logDir, fmt.Sprintf("%s-%s-%s-%d.log", sanitize(t.Name), t.Lab, m.Key, rep))
	logFile, err := os.Create(logName)
	if err != nil {
		return r, err
	}
	defer logFile.Close()
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, logFile)
	cmd.Stderr = cmd.Stdout
	cmd.Stdin = nil
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("unshare: %w (util-linux)", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case <-time.After(o.limit):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case werr = <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			werr = <-done
		}
		r.Note = fmt.Sprintf("ended after the harness's limit of %s", o.limit)
	}
	// Nothing the grade started may outlive it.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	r.Wall = time.Since(r.Start).Seconds()
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		r.Exit = ee.ExitCode()
	} else if werr != nil {
		return r, werr
	}
	if bytes.Contains(out.Bytes(), []byte("labs: refusing to grade")) {
		return r, fmt.Errorf("%w: %s", errRefused, lastLine(out.String()))
	}
	r.Report = xv6lab.ParseReport(bytes.NewReader(out.Bytes()))
	if !r.Report.Scored && r.Note == "" {
		r.Note = "no score: " + lastLine(out.String())
	}
	return r, nil
}

// gradeEnv is our environment for the tree's make, with PATH set and the
// outer make's variables removed (`make labs` must not hand its jobserver
// or flags to the lab's Makefile).
func gradeEnv(path string) []string {
	env := []string{"PATH=" + path, innerEnv + "=1"}
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case "PATH", innerEnv, "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS":
			continue
		}
		env = append(env, e)
	}
	return env
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '@' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}
