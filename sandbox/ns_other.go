//go:build unix && !linux

package sandbox

import (
	"errors"
	"syscall"
)

// Only Linux has the namespaces: elsewhere a run is a process group.
func sysProcAttr(iso Isolation) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// No cgroups and no /proc outside Linux: the memory and process limits
// are not held there (the wall-clock and file-size limits are).
type cgroup struct{}

func newCgroup(string, Limits) (*cgroup, error) { return nil, errors.New("no cgroups") }
func (*cgroup) add(int) error                   { return nil }
func (*cgroup) oomKilled() bool                 { return false }
func (*cgroup) procsRefused() bool              { return false }
func (*cgroup) peakMemory() int64               { return 0 }
func (*cgroup) peakProcs() int                  { return 0 }
func (*cgroup) remove()                         {}

func sampleTree(int) (int64, int) { return 0, 0 }
