package machine

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockImage locks the whole file without waiting (LockFileEx): exclusive
// for a writer, shared for a reader. Windows drops the lock when the
// handle closes, also when the process is killed.
func lockImage(f *os.File, exclusive bool) error {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errDiskBusy
	}
	return err
}
