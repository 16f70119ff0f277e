package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

type emulators struct{ rvemu, qemu string }

// sample is one run: the measured seconds and the emulator's peak RSS.
type sample struct {
	seconds float64
	cpu     float64 // user+system CPU seconds of the emulator process
	rssKiB  int64
	instret uint64
}

type series struct{ samples []sample }

func (s series) median(f func(sample) float64) float64 {
	if len(s.samples) == 0 {
		return 0
	}
	v := make([]float64, len(s.samples))
	for i, x := range s.samples {
		v[i] = f(x)
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

type result struct {
	w           workload
	rvemu, qemu series
}

const runLimit = 5 * time.Minute

// measure alternates rvemu and QEMU runs (A B A B ...) so that a noisy
// machine hurts both alike.
func measure(env *emulators, w workload, runs int) (result, error) {
	r := result{w: w}
	for i := 0; i < runs; i++ {
		s, err := runOnce(env.rvemu, w, w.rvemuArgs)
		if err != nil {
			return r, fmt.Errorf("rvemu run %d: %w", i+1, err)
		}
		r.rvemu.samples = append(r.rvemu.samples, s)
		if env.qemu == "" {
			continue
		}
		s, err = runOnce(env.qemu, w, w.qemuArgs)
		if err != nil {
			return r, fmt.Errorf("qemu run %d: %w", i+1, err)
		}
		r.qemu.samples = append(r.qemu.samples, s)
	}
	return r, nil
}

// watcher collects the guest's console output and signals when a pattern
// first matches.
type watcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want *regexp.Regexp
	hit  chan struct{}
	from int
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.want != nil && w.want.Match(w.buf.Bytes()[w.from:]) {
		w.want = nil
		close(w.hit)
	}
	return len(p), nil
}

// expect arms the watcher for pattern in output written from now on.
func (w *watcher) expect(re *regexp.Regexp) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hit = make(chan struct{})
	w.from = w.buf.Len()
	if re.Match(w.buf.Bytes()) && w.from == 0 {
		close(w.hit)
		return w.hit
	}
	w.want = re
	return w.hit
}

func (w *watcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func runOnce(bin string, w workload, args func(disk string) []string) (sample, error) {
	dir, err := os.MkdirTemp("", "rvemu-bench-")
	if err != nil {
		return sample{}, err
	}
	defer os.RemoveAll(dir)
	disk, err := w.scratchDisk(dir)
	if err != nil {
		return sample{}, err
	}
	cmd := exec.Command(bin, args(disk)...)
	out := &watcher{}
	cmd.Stdout = out
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return sample{}, err
	}
	defer stdin.Close()

	var started time.Time
	var first <-chan struct{}
	switch {
	case w.typed != "":
		first = out.expect(prompt)
	case w.until != nil:
		first = out.expect(w.until)
	}
	exited := make(chan error, 1)
	started = time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(runLimit)

	wait := func(ch <-chan struct{}) error {
		select {
		case <-ch:
			return nil
		case err := <-exited:
			exited <- err
			return fmt.Errorf("exited (%v) before the expected output; output:\n%s", err, tail(out.String()))
		case <-deadline:
			return fmt.Errorf("no expected output within %v; output:\n%s", runLimit, tail(out.String()))
		}
	}
	var elapsed time.Duration
	switch {
	case first == nil: // run to poweroff
		select {
		case err := <-exited:
			elapsed = time.Since(started)
			if err != nil {
				return sample{}, fmt.Errorf("%v; output:\n%s", err, tail(out.String()))
			}
			exited <- nil
		case <-deadline:
			cmd.Process.Kill()
			return sample{}, fmt.Errorf("did not finish within %v", runLimit)
		}
	case w.typed != "":
		if err := wait(first); err != nil {
			cmd.Process.Kill()
			return sample{}, err
		}
		done := out.expect(w.until)
		t0 := time.Now()
		io.WriteString(stdin, w.typed+"\n")
		if err := wait(done); err != nil {
			cmd.Process.Kill()
			return sample{}, err
		}
		elapsed = time.Since(t0)
	default:
		if err := wait(first); err != nil {
			cmd.Process.Kill()
			return sample{}, err
		}
		elapsed = time.Since(started)
	}
	cmd.Process.Kill()
	<-exited
	s := sample{seconds: elapsed.Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rssKiB = ru.Maxrss
	}
	s.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	if w.instret != nil {
		if m := w.instret.FindStringSubmatch(out.String()); m != nil {
			s.instret, _ = strconv.ParseUint(m[1], 10, 64)
		}
	}
	return s, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}
