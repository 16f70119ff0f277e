//go:build !linux

package jit

// Prefault does nothing where the host has no MADV_POPULATE_WRITE: pages
// fault in at first touch.
func Prefault(b []byte) {}
