//go:build unix

package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// watchEvery is how often the run's processes are sampled (peaks, and the
// limits where no cgroup holds them).
const watchEvery = 200 * time.Millisecond

var runCounter atomic.Int64

// cgroupsAllowed lets tests take the watchdog's path on hosts with cgroups.
var cgroupsAllowed = true

// Run runs job under iso and its limits and says how it ended. An error
// means the sandbox itself could not be made or checked (nothing of the
// job ran, or it was ended at once); a command that fails, or that a limit
// ended, is an Outcome.
func Run(ctx context.Context, iso Isolation, job Job) (Outcome, error) {
	if len(job.Command) == 0 {
		return Outcome{}, errors.New("sandbox: no command")
	}
	cfg := initConfig{Command: job.Command, Dir: job.Dir, Env: job.Env, Nice: job.Nice,
		Namespaces: iso == Namespaces, LabDNS: job.LabDNS && iso == Namespaces, FileSize: job.Limits.FileSize}
	if iso == Namespaces {
		cfg.MountAt = job.MountAt
	}
	return run(ctx, iso, cfg, job.Limits, job)
}

// Probe tells whether this host lets us make the namespaces, by starting
// an init that sets them up, checks that only loopback is there, and
// exits. nil means Namespaces will work.
func Probe() error {
	_, err := run(context.Background(), Namespaces, initConfig{Namespaces: true, LabDNS: true, CheckOnly: true},
		Limits{Wall: 30 * time.Second}, Job{})
	return err
}

func run(ctx context.Context, iso Isolation, cfg initConfig, l Limits, job Job) (Outcome, error) {
	self, err := os.Executable()
	if err != nil {
		return Outcome{}, err
	}
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return Outcome{}, err
	}
	defer cfgW.Close()
	stR, stW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		return Outcome{}, err
	}
	defer stR.Close()

	cmd := exec.Command(self)
	cmd.Env = []string{InitEnv + "=1"}
	if job.Output != nil {
		cmd.Stdout, cmd.Stderr = job.Output, job.Output
	}
	cmd.ExtraFiles = []*os.File{cfgR, stW}
	cmd.SysProcAttr = sysProcAttr(iso)
	// A process that left the group and kept our output open must not
	// hold Wait forever.
	cmd.WaitDelay = 2 * time.Second

	var cg *cgroup
	if cgroupsAllowed && (l.Memory > 0 || l.Procs > 0) {
		cg, _ = newCgroup("rvemu-run-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(runCounter.Add(1), 10), l)
	}
	if cg != nil {
		defer cg.remove()
	}
	start := time.Now()
	err = cmd.Start()
	cfgR.Close()
	stW.Close()
	if err != nil {
		if iso == Namespaces {
			return Outcome{}, fmt.Errorf("namespaces not permitted here: %w", err)
		}
		return Outcome{}, err
	}
	pid := cmd.Process.Pid
	kill := func() {
		syscall.Kill(-pid, syscall.SIGKILL) // the init's group ...
		syscall.Kill(pid, syscall.SIGKILL)  // ... and the init (with it, its PID namespace)
	}
	if cg != nil {
		if err := cg.add(pid); err != nil {
			kill()
			cmd.Wait()
			return Outcome{}, err
		}
	}
	// The init waits for its configuration: only now, inside the cgroup,
	// may it start anything.
	if err := json.NewEncoder(cfgW).Encode(cfg); err != nil {
		kill()
		cmd.Wait()
		return Outcome{}, err
	}
	cfgW.Close()

	var out Outcome
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	wall := time.NewTimer(l.Wall)
	defer wall.Stop()
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	end := func(why Ended) {
		if out.Ended == EndedNot {
			out.Ended = why
		}
		kill()
	}
wait:
	for {
		select {
		case <-done:
			break wait
		case <-wall.C:
			end(EndedWall)
		case <-ctx.Done():
			end(EndedStopped)
		case <-tick.C:
			mem, procs := sampleTree(pid)
			out.PeakMemory = max(out.PeakMemory, mem)
			out.PeakProcs = max(out.PeakProcs, procs)
			if cg == nil && l.Memory > 0 && mem > l.Memory {
				end(EndedMemory)
			}
			if cg == nil && l.Procs > 0 && procs > l.Procs {
				end(EndedProcs)
			}
		}
	}
	// Whatever is left of the group goes now.
	syscall.Kill(-pid, syscall.SIGKILL)
	out.Wall = time.Since(start)

	var st initStatus
	if err := json.NewDecoder(stR).Decode(&st); err != nil {
		// The init was killed (a limit, or the caller) before it could say.
		st = initStatus{Exit: -1}
		if out.Ended == EndedNot {
			out.Signal = "SIGKILL"
		}
	}
	if st.Error != "" {
		return out, errors.New(st.Error)
	}
	out.Exit, out.Signal = st.Exit, orString(out.Signal, st.Signal)
	if cg != nil {
		if cg.oomKilled() {
			out.Ended = orEnded(out.Ended, EndedMemory)
		}
		if cg.procsRefused() {
			out.Ended = orEnded(out.Ended, EndedProcs)
		}
		out.PeakMemory = max(out.PeakMemory, cg.peakMemory())
		out.PeakProcs = max(out.PeakProcs, cg.peakProcs())
	}
	if out.Signal == "SIGXFSZ" {
		out.Ended = orEnded(out.Ended, EndedFile)
	}
	if l.FileSize > 0 && job.Dir != "" && out.Ended == EndedNot {
		if f := fileAtLimit(job.Dir, l.FileSize); f != "" {
			out.Ended, out.Detail = EndedFile, f
		}
	}
	return out, nil
}

// fileAtLimit names a file under dir that grew to the size limit (a
// write there was cut short), or "". It looks at no more than 100000
// entries.
func fileAtLimit(dir string, limit int64) string {
	found, seen := "", 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if seen++; seen > 100000 {
			return filepath.SkipAll
		}
		if err != nil {
			return nil // unreadable: not looked into
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil && fi.Size() >= limit {
				found, _ = filepath.Rel(dir, path)
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orEnded(a, b Ended) Ended {
	if a != EndedNot {
		return a
	}
	return b
}
