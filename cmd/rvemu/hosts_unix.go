//go:build !windows

package main

// hostsFile names the host's static name table, whose names the guest's
// DNS queries are answered from.
var hostsFile = "/etc/hosts"
