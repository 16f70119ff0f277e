package grade

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"
)

// WriteTable prints the score table and the lab grader's last line,
// "Score: N/M".
func WriteTable(w io.Writer, s *Score) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "test\tpoints\tresult\ttime\n")
	for _, r := range s.Tests {
		result, at := "FAIL", "-"
		switch {
		case !r.Counted:
			result = "n/a"
		case r.OK:
			result = "OK"
			if r.Time > 0 {
				at = r.Time.Round(10 * time.Millisecond).String()
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", r.Name, r.Points, result, at)
		if r.Counted && !r.OK {
			fmt.Fprintf(tw, "    expected: %s\t\t\t\n", r.Expected)
			closest := r.Closest
			if closest == "" {
				closest = "(no output)"
			}
			fmt.Fprintf(tw, "    closest:  %s\t\t\t\n", closest)
		}
	}
	tw.Flush()
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
