//go:build !unix

package main

import (
	"os"
	"syscall"
)

// stopSignals end a run with the terminal restored: on Windows Ctrl-Break
// arrives as os.Interrupt, and closing the console window, logging off or
// shutting down as SIGTERM.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}
