package xv6lab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Machine is one way to be qemu-system-riscv64 for the lab's Makefile.
type Machine struct {
	Key     string // "rvemu" or "qemu"
	PathDir string // put first in PATH ("" leaves PATH alone)
	Version string // first line of `qemu-system-riscv64 --version` as the Makefile will find it
}

// QEMUName is the program the lab Makefiles run.
const QEMUName = "qemu-system-riscv64"

// RvemuMachine makes a directory holding a symlink qemu-system-riscv64 ->
// the rvemu binary (as the README tells students to), so that the tree's
// Makefile, which names QEMU by that name, runs rvemu.
func RvemuMachine(bin, scratch string) (Machine, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return Machine{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return Machine{}, fmt.Errorf("%s not found: run `make build` first", bin)
	}
	// Absolute: the PATH entry is used by make in another directory, where
	// a relative one would find nothing and fall through to the real QEMU.
	dir, err := filepath.Abs(filepath.Join(scratch, "rvemu-as-qemu"))
	if err != nil {
		return Machine{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Machine{}, err
	}
	link := filepath.Join(dir, QEMUName)
	os.Remove(link)
	if err := os.Symlink(abs, link); err != nil {
		return Machine{}, err
	}
	m := Machine{Key: "rvemu", PathDir: dir}
	if m.Version, err = m.version(); err != nil {
		return m, err
	}
	if !strings.Contains(m.Version, "rvemu") {
		return m, fmt.Errorf("%s in %s answers %q, not rvemu", QEMUName, dir, m.Version)
	}
	return m, nil
}

// QEMUMachine is the qemu-system-riscv64 on PATH, which must be QEMU itself.
func QEMUMachine() (Machine, error) {
	m := Machine{Key: "qemu"}
	if _, err := exec.LookPath(QEMUName); err != nil {
		return m, fmt.Errorf("%s not on PATH: apt-get install qemu-system-misc", QEMUName)
	}
	var err error
	if m.Version, err = m.version(); err != nil {
		return m, err
	}
	if strings.Contains(m.Version, "rvemu") || !strings.HasPrefix(m.Version, "QEMU emulator version") {
		return m, fmt.Errorf("the %s on PATH is not QEMU: %q", QEMUName, m.Version)
	}
	return m, nil
}

// Path is the PATH under which the Makefile finds this machine.
func (m Machine) Path() string {
	if m.PathDir == "" {
		return os.Getenv("PATH")
	}
	return m.PathDir + string(os.PathListSeparator) + os.Getenv("PATH")
}

func (m Machine) version() (string, error) {
	name := QEMUName // exec.Command looks names up in our own PATH, not cmd.Env's
	if m.PathDir != "" {
		name = filepath.Join(m.PathDir, QEMUName)
	}
	cmd := exec.Command(name, "--version")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %v", QEMUName, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first), nil
}

// MakeEnv is this process's environment for a lab tree's make: PATH set
// to path, and neither an outer make's variables (`make labs` must not
// hand its jobserver or flags to the lab's Makefile) nor the names in drop.
func MakeEnv(path string, drop ...string) []string {
	env := []string{"PATH=" + path}
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case "PATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS":
			continue
		}
		if slices.Contains(drop, k) {
			continue
		}
		env = append(env, e)
	}
	return env
}
