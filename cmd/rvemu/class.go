package main

import (
	"errors"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/rvemu/rvemu/class"
)

// classCommand is `rvemu class`: a whole class's submissions of one lab,
// graded with the lab's own make grade (package class parses its options).
func classCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:            "class",
		Usage:           "grade a folder of students' lab submissions with the lab's make grade, several at once, into a gradebook",
		ArgsUsage:       "[OPTIONS] GRADER SUBMISSIONS  |  merge [-o OUT] PART...",
		SkipFlagParsing: true,
		HideHelp:        true,
		Action: func(c *cli.Context) error {
			live := false
			if f, ok := stderr.(*os.File); ok {
				live = term.IsTerminal(int(f.Fd()))
			}
			code := class.Main(c.Context, c.Args().Slice(), stdout, stderr, live)
			if code == 0 {
				return nil
			}
			return &exitError{code: code, err: errors.New("")}
		},
	}
}
