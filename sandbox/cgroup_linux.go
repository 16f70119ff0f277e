package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A cgroup of the run's own, under this process's cgroup (so it stays
// within whatever limits this process has), with the memory and pids
// controllers: a memory limit on the whole tree (swap included) and a
// limit on its processes. cgroup v1 (a hierarchy per controller) and v2
// (one hierarchy, when this process's cgroup delegates the controllers)
// are both used; where neither can be written, newCgroup fails and the
// run falls back to the watchdog.
type cgroup struct {
	v2   bool
	mem  string // directory holding the memory controls
	pids string // directory holding the pids controls
}

// newCgroup makes the run's cgroup and sets the limits.
func newCgroup(name string, l Limits) (*cgroup, error) {
	if dir, ok := v2Dir(); ok {
		cg, err := newCgroupV2(filepath.Join(dir, name), l)
		if err == nil {
			return cg, nil
		}
	}
	mem, err := v1Dir("memory")
	if err != nil {
		return nil, err
	}
	pids, err := v1Dir("pids")
	if err != nil {
		return nil, err
	}
	cg := &cgroup{mem: filepath.Join(mem, name), pids: filepath.Join(pids, name)}
	for _, d := range []string{cg.mem, cg.pids} {
		if err := os.Mkdir(d, 0o755); err != nil {
			cg.remove()
			return nil, err
		}
	}
	if l.Memory > 0 {
		v := strconv.FormatInt(l.Memory, 10)
		if err := writeControl(cg.mem, "memory.limit_in_bytes", v); err != nil {
			cg.remove()
			return nil, err
		}
		// Memory and swap together, where the kernel accounts swap.
		if _, err := os.Stat(filepath.Join(cg.mem, "memory.memsw.limit_in_bytes")); err == nil {
			writeControl(cg.mem, "memory.memsw.limit_in_bytes", v)
		}
	}
	if l.Procs > 0 {
		if err := writeControl(cg.pids, "pids.max", strconv.Itoa(l.Procs)); err != nil {
			cg.remove()
			return nil, err
		}
	}
	return cg, nil
}

func newCgroupV2(dir string, l Limits) (*cgroup, error) {
	parent := filepath.Dir(dir)
	ctl, err := os.ReadFile(filepath.Join(parent, "cgroup.subtree_control"))
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(ctl), "memory") || !strings.Contains(string(ctl), "pids") {
		if err := writeControl(parent, "cgroup.subtree_control", "+memory +pids"); err != nil {
			return nil, err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	cg := &cgroup{v2: true, mem: dir, pids: dir}
	if l.Memory > 0 {
		if err := writeControl(dir, "memory.max", strconv.FormatInt(l.Memory, 10)); err != nil {
			cg.remove()
			return nil, err
		}
		writeControl(dir, "memory.swap.max", "0")
	}
	if l.Procs > 0 {
		if err := writeControl(dir, "pids.max", strconv.Itoa(l.Procs)); err != nil {
			cg.remove()
			return nil, err
		}
	}
	return cg, nil
}

// add moves pid (and so everything it starts later) into the cgroup.
func (c *cgroup) add(pid int) error {
	for _, d := range c.dirs() {
		if err := writeControl(d, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

func (c *cgroup) dirs() []string {
	if c.mem == c.pids {
		return []string{c.mem}
	}
	return []string{c.mem, c.pids}
}

// oomKilled: the kernel killed a process of the run for memory.
func (c *cgroup) oomKilled() bool {
	file := "memory.oom_control"
	if c.v2 {
		file = "memory.events"
	}
	return readCounter(filepath.Join(c.mem, file), "oom_kill") > 0
}

// procsRefused: a fork of the run failed at the process limit.
func (c *cgroup) procsRefused() bool {
	return readCounter(filepath.Join(c.pids, "pids.events"), "max") > 0
}

// peakMemory is the most memory the run held at once, in bytes.
func (c *cgroup) peakMemory() int64 {
	file := "memory.max_usage_in_bytes"
	if c.v2 {
		file = "memory.peak"
	}
	b, err := os.ReadFile(filepath.Join(c.mem, file))
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v
}

func (c *cgroup) peakProcs() int {
	b, err := os.ReadFile(filepath.Join(c.pids, "pids.peak"))
	if err != nil {
		return 0
	}
	v, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return v
}

// remove kills whatever is left in the cgroup and deletes it.
func (c *cgroup) remove() {
	for _, d := range c.dirs() {
		for try := 0; try < 50; try++ {
			for _, pid := range readPids(filepath.Join(d, "cgroup.procs")) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			if err := os.Remove(d); err == nil || os.IsNotExist(err) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func writeControl(dir, file, value string) error {
	if err := os.WriteFile(filepath.Join(dir, file), []byte(value), 0o644); err != nil {
		return fmt.Errorf("cgroup %s: %w", file, err)
	}
	return nil
}

// readCounter reads "key N" from a flat-keyed control file.
func readCounter(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok && k == key {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

func readPids(path string) []int {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids
}

// v2Dir is this process's cgroup directory in a cgroup v2 hierarchy.
func v2Dir() (string, bool) {
	path, ok := selfCgroup(func(controllers string) bool { return controllers == "" })
	if !ok {
		return "", false
	}
	mount, ok := cgroupMount("cgroup2", "")
	if !ok {
		return "", false
	}
	return filepath.Join(mount, path), true
}

// v1Dir is this process's cgroup directory in the v1 hierarchy of controller.
func v1Dir(controller string) (string, error) {
	path, ok := selfCgroup(func(controllers string) bool {
		for _, c := range strings.Split(controllers, ",") {
			if c == controller {
				return true
			}
		}
		return false
	})
	if !ok {
		return "", fmt.Errorf("no %s cgroup", controller)
	}
	mount, ok := cgroupMount("cgroup", controller)
	if !ok {
		return "", fmt.Errorf("the %s cgroup hierarchy is not mounted", controller)
	}
	return filepath.Join(mount, path), nil
}

// selfCgroup finds this process's path in /proc/self/cgroup
// ("ID:CONTROLLERS:PATH") for the hierarchy whose controllers match.
func selfCgroup(match func(controllers string) bool) (string, bool) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", false
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.SplitN(l, ":", 3)
		if len(f) == 3 && match(f[1]) {
			if f[1] == "" && f[0] != "0" {
				continue
			}
			return f[2], true
		}
	}
	return "", false
}

// cgroupMount finds where a cgroup hierarchy is mounted (fstype cgroup2,
// or cgroup with controller among its options), from /proc/self/mountinfo.
// Only mounts of the hierarchy's root are used.
func cgroupMount(fstype, controller string) (string, bool) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", false
	}
	for _, l := range strings.Split(string(b), "\n") {
		pre, post, ok := strings.Cut(l, " - ")
		if !ok {
			continue
		}
		pf, sf := strings.Fields(pre), strings.Fields(post)
		if len(pf) < 5 || len(sf) < 3 || sf[0] != fstype || pf[3] != "/" {
			continue
		}
		if controller == "" {
			return pf[4], true
		}
		for _, o := range strings.Split(sf[2], ",") {
			if o == controller {
				return pf[4], true
			}
		}
	}
	return "", false
}
