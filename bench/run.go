//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// emulators: the rvemu binary (its default engine, the translator), QEMU
// ("" when absent), and whether to run rvemu's interpreter (--jit=off)
// too, as the baseline the translator must not fall behind.
type emulators struct {
	rvemu, qemu string
	interp      bool
}

// sample is one run: the measured seconds and the emulator's peak RSS.
type sample struct {
	seconds    float64 // the workload's clock (see workload.typed)
	sinceStart float64 // process start to the until line (typed workloads)
	cpu        float64 // user+system CPU seconds of the emulator process
	rssKiB     int64
	instret    uint64
	udp        *udpStats // the UDP round-trip workload's figures
}

type result struct {
	w                   workload
	rvemu, qemu, interp series
}

const runLimit = 5 * time.Minute

// measure alternates rvemu and QEMU runs (A B A B ...; A B C with rvemu's
// interpreter) so that a noisy machine hurts them alike. A run that fails (the guest hangs or the
// emulator dies) is kept as a failure, reported, and left out of the
// medians; the workload fails only when every run of an emulator failed.
func measure(env *emulators, w workload, runs int) (result, error) {
	r := result{w: w}
	for i := 0; i < runs; i++ {
		r.rvemu.add(runOnce(env.rvemu, w, w.rvemuArgs))
		if env.interp {
			r.interp.add(runOnce(env.rvemu, w, w.interpArgs))
		}
		if env.qemu != "" {
			r.qemu.add(runOnce(env.qemu, w, w.qemuArgs))
		}
	}
	if len(r.rvemu.samples) == 0 {
		return r, fmt.Errorf("every rvemu run failed; the first: %s", r.rvemu.failed[0])
	}
	if env.interp && len(r.interp.samples) == 0 {
		return r, fmt.Errorf("every run of rvemu's interpreter failed; the first: %s", r.interp.failed[0])
	}
	if env.qemu != "" && len(r.qemu.samples) == 0 {
		return r, fmt.Errorf("every qemu run failed; the first: %s", r.qemu.failed[0])
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
	w.want = re
	return w.hit
}

func (w *watcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// since is the output from byte offset from on.
func (w *watcher) since(from int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf.Bytes()[from:])
}

func (w *watcher) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Len()
}

// session is a booted guest at its first prompt, for a workload's drive.
type session struct {
	stdin io.Writer
	out   *watcher
	// wait blocks until the channel fires, the emulator exits or the run's
	// time limit passes.
	wait func(<-chan struct{}) error
}

// driven is what a drive measured.
type driven struct {
	seconds float64
	udp     *udpStats
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
	cmd.Stderr = out // a guest error or an emulator complaint shows in the failure's tail
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return sample{}, err
	}
	defer stdin.Close()

	var first <-chan struct{}
	switch {
	case w.typed != "" || w.drive != nil:
		first = out.expect(prompt)
	case w.until != nil:
		first = out.expect(w.until)
	}
	exited := make(chan error, 1)
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	go func() { exited <- cmd.Wait() }()
	limit := runLimit
	if w.limit > 0 {
		limit = w.limit
	}
	deadline := time.After(limit)

	wait := func(ch <-chan struct{}) error {
		select {
		case <-ch:
			return nil
		case err := <-exited:
			exited <- err
			return fmt.Errorf("exited (%v) before the expected output; output:\n%s", err, tail(out.String()))
		case <-deadline:
			return fmt.Errorf("no expected output within %v; output:\n%s", limit, tail(out.String()))
		}
	}
	s, err := drive(w, out, stdin, wait, first, exited, deadline, started, limit)
	cmd.Process.Kill()
	<-exited
	if err != nil {
		return sample{}, err
	}
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

// drive runs the workload's part between process start and the end of its
// clock.
func drive(w workload, out *watcher, stdin io.Writer, wait func(<-chan struct{}) error,
	first <-chan struct{}, exited chan error, deadline <-chan time.Time, started time.Time, limit time.Duration) (sample, error) {
	switch {
	case first == nil: // run to poweroff
		select {
		case err := <-exited:
			elapsed := time.Since(started)
			exited <- err
			if err != nil {
				return sample{}, fmt.Errorf("%v; output:\n%s", err, tail(out.String()))
			}
			return sample{seconds: elapsed.Seconds()}, nil
		case <-deadline:
			return sample{}, fmt.Errorf("did not finish within %v", limit)
		}
	case w.drive != nil:
		if err := wait(first); err != nil {
			return sample{}, err
		}
		d, err := w.drive(&session{stdin: stdin, out: out, wait: wait})
		if err != nil {
			return sample{}, fmt.Errorf("%w; output:\n%s", err, tail(out.String()))
		}
		return sample{seconds: d.seconds, udp: d.udp}, nil
	case w.typed != "":
		if err := wait(first); err != nil {
			return sample{}, err
		}
		mark := out.Len()
		done := out.expect(w.until)
		t0 := time.Now()
		if _, err := io.WriteString(stdin, w.typed+"\n"); err != nil {
			return sample{}, err
		}
		if err := wait(done); err != nil {
			return sample{}, err
		}
		end := time.Now()
		if w.failed != nil && w.failed.MatchString(out.since(mark)) {
			return sample{}, fmt.Errorf("the guest reported a failure; output:\n%s", tail(out.String()))
		}
		return sample{seconds: end.Sub(t0).Seconds(), sinceStart: end.Sub(started).Seconds()}, nil
	default:
		if err := wait(first); err != nil {
			return sample{}, err
		}
		return sample{seconds: time.Since(started).Seconds()}, nil
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}
