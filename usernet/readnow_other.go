//go:build !unix

package usernet

import "net/netip"

// direct: no non-blocking reads off unix; the reader goroutines do it all.
type direct struct{}

func newDirect(*forward) *direct { return nil }

func (*direct) next() ([]byte, netip.AddrPort, bool) { return nil, netip.AddrPort{}, false }
