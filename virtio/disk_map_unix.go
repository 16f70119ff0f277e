//go:build unix

package virtio

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapImage maps the whole file shared, for writing too when the file was
// opened read-write. It returns nil when the file cannot be mapped (empty,
// too large for the address space, a file system without mmap): the disk
// then reads and writes the file.
func mapImage(f *os.File, size int64) (mapped []byte, writable bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, false
	}
	fd := int(f.Fd())
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return nil, false
	}
	writable = flags&unix.O_ACCMODE == unix.O_RDWR
	prot := unix.PROT_READ
	if writable {
		prot |= unix.PROT_WRITE
	}
	mapped, err = unix.Mmap(fd, 0, int(size), prot, unix.MAP_SHARED)
	if err != nil {
		return nil, false
	}
	return mapped, writable
}

// syncImage writes the mapping's dirty pages to the file and waits.
func syncImage(mapped []byte) error { return unix.Msync(mapped, unix.MS_SYNC) }

func unmapImage(mapped []byte) { _ = unix.Munmap(mapped) }
