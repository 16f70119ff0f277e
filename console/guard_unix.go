//go:build unix

package console

import (
	"os"
	"os/exec"
	"syscall"
)

// guardTerminalFd is where the guard finds the terminal: the first file
// passed beyond stdin, stdout and stderr.
const guardTerminalFd = 3

func passTerminal(cmd *exec.Cmd, f *os.File) { cmd.ExtraFiles = []*os.File{f} }

func guardTerminal() (int, error) { return guardTerminalFd, nil }

var guardIgnored = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}
