package class

import (
	"errors"
	"io"
)

// The class grader runs grades on Linux and macOS (WSL on Windows).
func lockFile(string) (io.Closer, error) { return nil, errors.New("no port slots on Windows") }
