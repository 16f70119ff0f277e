//go:build unix

package class

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive lock on path (made if missing) without
// waiting; closing the result releases it. The kernel releases it too if
// this process dies.
func lockFile(path string) (io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
