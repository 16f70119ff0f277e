//go:build unix && !linux

package sandbox

import (
	"errors"
	"net/netip"
)

// Network namespaces are Linux's: elsewhere the init never asks for them.

var errNoNamespaces = errors.New("network namespaces exist only on Linux")

func loopbackUp() error                   { return errNoNamespaces }
func onlyLoopback() error                 { return errNoNamespaces }
func addLoopbackAddress(netip.Addr) error { return errNoNamespaces }

func mountDir(string, string) error { return errNoNamespaces }
