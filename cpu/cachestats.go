package cpu

import "unsafe"

// DecodeCacheBytes is the memory the decoded-instruction cache holds now:
// pages in use and dropped pages kept for reuse. It grows as code runs
// from new physical pages, up to maxCodePages pages, so soak runs can tell
// it apart from a leak. Call it when no hart runs.
func (s *System) DecodeCacheBytes() int {
	return (s.codePages + len(s.free)) * int(unsafe.Sizeof(codePage{}))
}
