//go:build (linux || darwin || freebsd || netbsd || openbsd) && (amd64 || arm64)

package jit

import "golang.org/x/sys/unix"

// Supported: this host runs translated code.
const Supported = true

const (
	protWrite = unix.PROT_READ | unix.PROT_WRITE
	protExec  = unix.PROT_READ | unix.PROT_EXEC
)

func pageSize() int { return unix.Getpagesize() }

func mapRegion(n int) ([]byte, error) {
	return unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
}

func unmapRegion(b []byte) error { return unix.Munmap(b) }

func protect(b []byte, prot int) error { return unix.Mprotect(b, prot) }
