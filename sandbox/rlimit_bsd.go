//go:build unix && !linux && !freebsd

package sandbox

import "syscall"

func setFileSizeLimit(n int64) error {
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(n), Max: uint64(n)})
}
