//go:build !unix && !windows

package machine

import "os"

// lockImage: no advisory file locks on this platform.
func lockImage(f *os.File, exclusive bool) error { return nil }
