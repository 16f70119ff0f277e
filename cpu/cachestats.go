package cpu

import "unsafe"

// DecodeCacheBytes is the memory the decoded-instruction cache holds now:
// pages in use and dropped pages kept for reuse. It grows as code runs
// from new physical pages, up to maxCodePages pages, so soak runs can tell
// it apart from a leak. Call it when no hart runs.
// In parallel mode it is the sum of the harts' own caches.
func (s *System) DecodeCacheBytes() int {
	pages := s.codePages + len(s.free)
	if s.parallel {
		for _, h := range s.harts {
			pages += h.cc.codePages + len(h.cc.free)
		}
	}
	return pages * int(unsafe.Sizeof(codePage{}))
}
