//go:build unix

package main

import (
	"os"
	"syscall"
)

// stopSignals end a run with the terminal restored and status 128+N:
// Ctrl-C sent by kill (in raw mode Ctrl-C is the guest's key), kill's
// default, a closed terminal window or a dropped ssh session, and Ctrl-\
// or kill -QUIT (whose default would dump goroutines and leave the
// terminal raw).
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}
