package xv6lab

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A relative scratch folder still gives an absolute PATH entry: make runs
// in the lab tree, where a relative entry would find nothing and the real
// QEMU further down PATH would play the machine.
func TestRvemuMachinePathIsAbsolute(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "fake-rvemu")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\necho 'QEMU emulator version 7.2.0 (rvemu test)'\n"), 0o755))
	t.Chdir(dir)

	m, err := RvemuMachine("fake-rvemu", "scratch")
	require.NoError(t, err)
	assert.True(t, filepath.IsAbs(m.PathDir), m.PathDir)
	assert.Equal(t, filepath.Join(dir, "scratch", "rvemu-as-qemu"), m.PathDir)
	assert.Equal(t, "QEMU emulator version 7.2.0 (rvemu test)", m.Version)
}
