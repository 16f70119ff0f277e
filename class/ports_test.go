package class

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No two slots share a port, whichever of the lab's four each one is.
func TestSlotPortsAreDisjoint(t *testing.T) {
	owner := map[int]int{}
	for k := 0; k < slotCount; k++ {
		gdb, server, fwd1, fwd2 := uidPorts(portBase + k)
		for _, p := range []int{gdb, server, fwd1, fwd2} {
			if o, taken := owner[p]; taken {
				t.Fatalf("port %d of slot %d is also slot %d's", p, k, o)
			}
			owner[p] = k
		}
	}
}

func TestPortSlots(t *testing.T) {
	// Two graders on one host (two shards): never the same slot at once.
	a, err := newPortSlots(filepath.Join(t.TempDir(), "a"))
	require.NoError(t, err)
	b, err := newPortSlots(filepath.Join(t.TempDir(), "b"))
	require.NoError(t, err)
	dirA, uidA, err := a.take()
	require.NoError(t, err)
	_, uidB, err := b.take()
	require.NoError(t, err)
	assert.NotEqual(t, uidA, uidB)
	b.give(uidB)
	a.give(uidA)

	// The slot's id answers -u with the slot's uid and passes the rest on;
	// Python's os.getuid says the same.
	out, err := exec.Command(filepath.Join(dirA, "id"), "-u").Output()
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(out)), itoa(uidA))
	out, err = exec.Command(filepath.Join(dirA, "id"), "-g").Output()
	require.NoError(t, err)
	assert.Equal(t, itoa(os.Getgid()), strings.TrimSpace(string(out)))
	py := exec.Command("python3", "-c", "import os; print(os.getuid())")
	py.Env = append(os.Environ(), "PYTHONPATH="+dirA)
	out, err = py.Output()
	require.NoError(t, err)
	assert.Equal(t, itoa(uidA), strings.TrimSpace(string(out)))
}

func itoa(n int) string { return strconv.Itoa(n) }
