package main

import (
	"context"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/rvemu/rvemu/class"
)

// runClass is `rvemu class`: a whole class's submissions of one lab,
// graded with the lab's own make grade (package class parses its options
// and picks the exit status).
func runClass(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	live := false
	if f, ok := stderr.(*os.File); ok {
		live = term.IsTerminal(int(f.Fd()))
	}
	return class.Main(ctx, args, stdout, stderr, live)
}
