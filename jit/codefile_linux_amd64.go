package jit

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapCodeFile puts a memory file (memfd) under code, the code area of a
// fresh mapping, readable and executable and never writable: code is
// written into the file with pwrite and appears there at once, so
// publishing needs no protection change. Why: on this VM an mprotect of
// a batch took 90-110 µs against ~4 µs for a pwrite of a block, and it
// shoots down the TLBs of every thread of the process, interrupting the
// other harts (bench/RESULTS.md). It returns -1 where the kernel refuses
// (no memfd, a sandbox): the code area then stays the anonymous mapping
// that is made executable batch by batch.
func mapCodeFile(code []byte) int {
	if codeFileOff {
		return -1
	}
	// MFD_EXEC: where the kernel seals memory files against execution by
	// default (vm.memfd_noexec=1, Linux 6.3 on), ask for an executable
	// one; older kernels do not know the flag.
	fd, err := unix.MemfdCreate("rvemu-jit", unix.MFD_CLOEXEC|unix.MFD_EXEC)
	if err == unix.EINVAL {
		fd, err = unix.MemfdCreate("rvemu-jit", unix.MFD_CLOEXEC)
	}
	if err != nil {
		return -1
	}
	if err := unix.Ftruncate(fd, int64(len(code))); err != nil {
		unix.Close(fd)
		return -1
	}
	_, err = unix.MmapPtr(fd, 0, unsafe.Pointer(unsafe.SliceData(code)), uintptr(len(code)),
		unix.PROT_READ|unix.PROT_EXEC, unix.MAP_SHARED|unix.MAP_FIXED)
	if err != nil {
		// The anonymous mapping under code is untouched (MAP_FIXED fails
		// before it replaces anything).
		unix.Close(fd)
		return -1
	}
	return fd
}

// writeCodeFile writes b at offset off of the code file.
func writeCodeFile(fd int, b []byte, off int) error {
	for len(b) > 0 {
		n, err := unix.Pwrite(fd, b, int64(off))
		if err != nil {
			return err
		}
		b, off = b[n:], off+n
	}
	return nil
}

// prefaultCodeFile allocates the file's pages under code[from:to] and maps
// them (MADV_POPULATE_READ, Linux 5.14 on): one system call each instead
// of a fault per page when the code there first runs. Only a hint.
func prefaultCodeFile(fd int, code []byte, from, to int) {
	if to <= from || unix.Fallocate(fd, 0, int64(from), int64(to-from)) != nil {
		return
	}
	start := uintptr(unsafe.Pointer(&code[from]))
	unix.Syscall(unix.SYS_MADVISE, start, uintptr(to-from), unix.MADV_POPULATE_READ)
	runtime.KeepAlive(code)
}

func closeCodeFile(fd int) { unix.Close(fd) }
