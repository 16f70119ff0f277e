package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildDir is where tests/guest/Makefile puts the guest ELFs (gitignored).
const buildDir = "build"

var (
	buildOnce sync.Once
	buildErr  error
	buildLog  []byte
)

// requireTool fails the test when a host tool is missing, naming the
// Debian package that provides it: CI installs them, so a missing tool is
// a broken setup, never a reason to skip.
func requireTool(t *testing.T, tool, debianPackage string) {
	t.Helper()
	_, err := exec.LookPath(tool)
	require.NoErrorf(t, err, "%s not found on PATH: install the Debian package %s", tool, debianPackage)
}

// buildGuests runs the guest Makefile once per test binary.
func buildGuests(t *testing.T) {
	t.Helper()
	requireTool(t, "make", "make")
	requireTool(t, "riscv64-unknown-elf-gcc", "gcc-riscv64-unknown-elf")
	buildOnce.Do(func() {
		abs, err := filepath.Abs(buildDir)
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("make", "-s", "-C", "guest", "BUILD="+abs)
		buildLog, buildErr = cmd.CombinedOutput()
	})
	require.NoErrorf(t, buildErr, "building guest programs:\n%s", buildLog)
}

func guestELF(t *testing.T, program string) string {
	t.Helper()
	path := filepath.Join(buildDir, program+".elf")
	_, err := os.Stat(path)
	require.NoError(t, err)
	return path
}
