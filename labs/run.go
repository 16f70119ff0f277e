//go:build linux

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
	Env     []string      `json:"env,omitempty"`  // RVEMU_* settings rvemu ran with
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
func runGrade(t xv6lab.Tree, m xv6lab.Machine, rep int, o runOptions) (gradeRun, error) {
	r := gradeRun{Tree: t, Machine: m.Key, Version: m.Version, Rep: rep, Start: time.Now(), Load: loadAverage()}
	if m.Key == "rvemu" {
		r.Env = rvemuEnv()
	}
	command := []string{"nice", "-n", strconv.Itoa(o.nice), "make", "grade"}
	command = append(command, t.MakeArgs...)
	if o.gradeArgs != "" {
		command = append(command, "GRADEFLAGS=-v "+o.gradeArgs)
	}
	cmd := exec.Command("unshare", unshareArgs(o.self, command)...)
	cmd.Dir = t.Dir
	cmd.Env = gradeEnv(m.Path())
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
	keepSavedOutput(t.Dir, strings.TrimSuffix(logName, ".log"))
	r.Report = xv6lab.ParseReport(bytes.NewReader(out.Bytes()))
	if !r.Report.Scored && r.Note == "" && o.gradeArgs == "" {
		r.Note = "no score: " + lastLine(out.String())
	}
	return r, nil
}

// keepSavedOutput copies the console transcripts gradelib saved for failed
// tests (xv6.out.TEST) next to the grade's log: the tree's next `make
// grade` starts with `make clean`, which deletes them.
func keepSavedOutput(dir, prefix string) {
	saved, _ := filepath.Glob(filepath.Join(dir, "xv6.out.*"))
	for _, f := range saved {
		if b, err := os.ReadFile(f); err == nil {
			os.WriteFile(prefix+"."+strings.TrimPrefix(filepath.Base(f), "xv6.out."), b, 0o644)
		}
	}
}

// gradeEnv is our environment for the tree's make (xv6lab.MakeEnv), with
// the namespace child's marker.
func gradeEnv(path string) []string {
	return append(xv6lab.MakeEnv(path, innerEnv), innerEnv+"=1")
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
