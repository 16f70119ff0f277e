package sandbox

import "golang.org/x/sys/unix"

func setFileSizeLimit(n int64) error {
	return unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: uint64(n), Max: uint64(n)})
}
