package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// mountDir binds dir at at, in the init's own mount namespace: first every
// mount is made private there, so nothing done inside reaches the host's
// namespace (a user namespace's copy is a slave already; this says so
// whatever the host's propagation).
func mountDir(dir, at string) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the run's mounts private: %w", err)
	}
	if err := unix.Mount(dir, at, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("mounting %s at %s: %w", dir, at, err)
	}
	return nil
}
