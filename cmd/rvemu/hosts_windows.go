package main

import (
	"os"
	"path/filepath"
)

// hostsFile names the host's static name table, whose names the guest's
// DNS queries are answered from (Windows keeps it under the system root).
var hostsFile = filepath.Join(systemRoot(), "System32", "drivers", "etc", "hosts")

func systemRoot() string {
	if r := os.Getenv("SystemRoot"); r != "" {
		return r
	}
	return `C:\Windows`
}
