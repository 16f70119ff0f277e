//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package console

import "golang.org/x/sys/unix"

// keepOutputProcessing turns output post-processing back on after
// term.MakeRaw, so the guest's bare newlines start a new line.
func keepOutputProcessing(fd int) {
	if tio, err := unix.IoctlGetTermios(fd, unix.TIOCGETA); err == nil {
		tio.Oflag |= unix.OPOST | unix.ONLCR
		_ = unix.IoctlSetTermios(fd, unix.TIOCSETA, tio)
	}
}
