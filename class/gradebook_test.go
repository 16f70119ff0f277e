package class

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleBook() *Gradebook {
	return &Gradebook{
		Lab: "net", Grader: "grader", Machine: "rvemu", Possible: 60,
		Tests: []TestSpec{{"ping", 40}, {"dns", 19}, {"time", 1}},
		Rows: []Row{
			{Student: "zoe", Status: Graded, Score: 41, Possible: 60, Seconds: 12.25, Log: "logs/zoe.log", Tests: []Test{
				{Title: "ping", Points: 40, Max: 40, OK: true, Ran: true},
				{Title: "dns", Max: 19, Ran: true, Why: "MISSING '^DNS OK$'", Closest: "DNS rcode error: 3"},
				{Title: "time", Points: 1, Max: 1, OK: true, Ran: true}}},
			{Student: "=cmd()", Status: BuildFailed, Reason: "-oops: error", Possible: 60, Log: "logs/x.log", Tests: []Test{
				{Title: "ping", Max: 40, Why: "not run"}, {Title: "dns", Max: 19, Why: "not run"}, {Title: "time", Max: 1, Why: "not run"}}},
		},
	}
}

func TestGradebookCSV(t *testing.T) {
	var b strings.Builder
	require.NoError(t, sampleBook().writeCSV(&b))
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"student", "status", "score", "possible", "ping (40)", "dns (19)", "time (1)", "seconds", "reason", "lost"}, recs[0])
	assert.Equal(t, []string{"zoe", "graded", "41", "60", "40", "0", "1", "12.2", "", "dns: closest «DNS rcode error: 3»"}, recs[1])
	// Cells a spreadsheet would take for formulas are quoted.
	assert.Equal(t, "'=cmd()", recs[2][0])
	assert.Equal(t, "'-oops: error", recs[2][8])
	assert.Equal(t, "ping: not run; dns: not run; time: not run", recs[2][9])
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	full := sampleBook()
	a, b := *full, *full
	a.Rows, b.Rows = full.Rows[:1], full.Rows[1:]
	for i, part := range []*Gradebook{&a, &b} {
		p := filepath.Join(dir, "part"+string(rune('0'+i)))
		require.NoError(t, os.MkdirAll(p, 0o755))
		require.NoError(t, part.write(p))
	}
	out := filepath.Join(dir, "merged")
	g, err := Merge(out, []string{filepath.Join(dir, "part0"), filepath.Join(dir, "part1")})
	require.NoError(t, err)
	require.Len(t, g.Rows, 2)
	assert.Equal(t, "=cmd()", g.Rows[0].Student, "rows in student order")
	assert.Equal(t, filepath.Join("..", "part0", "logs", "zoe.log"), g.Rows[1].Log, "logs relative to the merged gradebook")
	again, err := readGradebook(filepath.Join(out, gradebookJSON))
	require.NoError(t, err)
	assert.Equal(t, g, again)

	_, err = Merge(filepath.Join(dir, "twice"), []string{filepath.Join(dir, "part0"), filepath.Join(dir, "part0")})
	assert.ErrorContains(t, err, "zoe is in both")

	other := *full
	other.Tests = other.Tests[:2]
	p := filepath.Join(dir, "other")
	require.NoError(t, os.MkdirAll(p, 0o755))
	require.NoError(t, other.write(p))
	_, err = Merge(filepath.Join(dir, "mixed"), []string{filepath.Join(dir, "part0"), p})
	assert.ErrorContains(t, err, "other tests")
}
