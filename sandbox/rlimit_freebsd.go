package sandbox

import "syscall"

func setFileSizeLimit(n int64) error {
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}
