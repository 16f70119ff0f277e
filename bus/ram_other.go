//go:build !linux

package bus

func hugePageSkip([]byte) uint64 { return 0 }

func adviseHugePages([]byte) {}
