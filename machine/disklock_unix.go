//go:build unix

package machine

import (
	"errors"
	"os"
	"syscall"
)

// lockImage takes a whole-file advisory lock (flock) without waiting:
// exclusive for a writer, shared for a reader. The kernel drops it when
// the process ends, however it ends, so a killed rvemu leaves no stale lock.
func lockImage(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errDiskBusy
	}
	return err
}
