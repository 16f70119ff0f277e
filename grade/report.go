package grade

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// WriteTable prints the score table and the lab grader's last line,
// "Score: N/M". A FAIL row is followed by the expected pattern and the
// closest line the guest printed.
func WriteTable(w io.Writer, s *Score) {
	width := len("test")
	for _, r := range s.Tests {
		width = max(width, len(r.Name))
	}
	fmt.Fprintf(w, "%-*s  %6s  %-6s  %s\n", width, "test", "points", "result", "time")
	for _, r := range s.Tests {
		result, at := "FAIL", "-"
		switch {
		case !r.Counted:
			result = "n/a"
		case r.OK:
			result = "OK"
			switch {
			case r.Time >= time.Millisecond:
				at = r.Time.Round(time.Millisecond).String()
			case r.Time > 0:
				at = "<1ms"
			}
		}
		fmt.Fprintf(w, "%-*s  %6d  %-6s  %s\n", width, r.Name, r.Points, result, at)
		if r.Counted && !r.OK {
			closest := r.Closest
			if closest == "" {
				closest = "(no output)"
			}
			fmt.Fprintf(w, "    expected: %s\n    closest:  %s\n", r.Expected, closest)
		}
	}
	if s.Note != "" {
		fmt.Fprintf(w, "note: %s\n", s.Note)
	}
	fmt.Fprintf(w, "Score: %d/%d\n", s.Points, s.Max)
}

// WriteJSON stores the score for scripts (--json FILE).
func WriteJSON(path string, s *Score) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
