package console

import (
	"os"
	"os/exec"
)

// passTerminal: nothing to pass; the guard shares rvemu's console and
// opens its input itself.
func passTerminal(cmd *exec.Cmd, f *os.File) {}

// conin keeps the guard's console handle open (and out of the collector's
// reach) for the guard's whole life.
var conin *os.File

func guardTerminal() (int, error) {
	var err error
	if conin, err = os.OpenFile("CONIN$", os.O_RDWR, 0); err != nil {
		return 0, err
	}
	return int(conin.Fd()), nil
}

var guardIgnored = []os.Signal{os.Interrupt}
