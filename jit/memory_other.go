//go:build !((linux || darwin || freebsd || netbsd || openbsd || windows) && (amd64 || arm64))

package jit

import "errors"

// Supported: this host has no translator; the interpreter runs everything.
const Supported = false

const (
	protWrite = 0
	protExec  = 0
)

var errUnsupported = errors.New("jit: no translator for this host")

func pageSize() int { return 4096 }

func mapRegion(n int) ([]byte, error) { return nil, errUnsupported }

func unmapRegion(b []byte) error { return errUnsupported }

func protect(b []byte, prot int) error { return errUnsupported }
