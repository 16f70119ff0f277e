package sandbox

import (
	"context"
	"errors"
)

// The class grader drives make, Python and a cross compiler: on Windows it
// runs inside WSL, where it is Linux.
var errWindows = errors.New("sandbox: runs need Linux or macOS (on Windows, use WSL)")

func RunInitIfAsked()                                      {}
func Probe() error                                         { return errWindows }
func Run(context.Context, Isolation, Job) (Outcome, error) { return Outcome{}, errWindows }
