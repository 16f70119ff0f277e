package machine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func diskFile(t *testing.T) (path string, contents []byte) {
	t.Helper()
	contents = bytes.Repeat([]byte("rvemu disk "), 1000)[:8192]
	path = filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(path, contents, 0o644))
	return path, contents
}

// A snapshot run sees its own writes, and the file keeps its contents.
func TestDiskSnapshotLeavesFileUntouched(t *testing.T) {
	path, orig := diskFile(t)
	d, err := openDisk(path, true)
	require.NoError(t, err)
	_, err = d.WriteAt([]byte("guest data"), 1000)
	require.NoError(t, err)
	require.NoError(t, d.Sync())
	got := make([]byte, 10)
	_, err = d.ReadAt(got, 1000)
	require.NoError(t, err)
	assert.Equal(t, "guest data", string(got))
	require.NoError(t, d.Close())

	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, orig, after)
}

// Without snapshot a write is in the file as soon as WriteAt returns (the
// guest's request completes after it), before any FLUSH.
func TestDiskWritesReachTheFile(t *testing.T) {
	path, _ := diskFile(t)
	d, err := openDisk(path, false)
	require.NoError(t, err)
	defer d.Close()
	_, err = d.WriteAt([]byte("guest data"), 1000)
	require.NoError(t, err)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "guest data", string(after[1000:1010]))
}

// One writer at a time; snapshot runs share the image with each other but
// not with a writer. Closing the disk releases the lock.
func TestDiskLock(t *testing.T) {
	tests := []struct {
		name          string
		first, second bool // snapshot?
		refused       bool
	}{
		{"two writers", false, false, true},
		{"writer then snapshot", false, true, true},
		{"snapshot then writer", true, false, true},
		{"two snapshots", true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := diskFile(t)
			first, err := openDisk(path, tc.first)
			require.NoError(t, err)
			second, err := openDisk(path, tc.second)
			if tc.refused {
				require.ErrorIs(t, err, errDiskBusy)
				assert.Contains(t, err.Error(), path)
				assert.NotContains(t, err.Error(), "\n")
			} else {
				require.NoError(t, err)
				require.NoError(t, second.Close())
			}
			require.NoError(t, first.Close())
			again, err := openDisk(path, tc.second)
			require.NoError(t, err, "lock released at close")
			require.NoError(t, again.Close())
		})
	}
}
