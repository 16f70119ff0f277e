package class

import (
	"bytes"
	"context"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512M": 512 << 20, "2G": 2 << 30, "1GiB": 1 << 30, "4096": 4096, "1.5G": 3 << 29, "64k": 64 << 10, "0": 0} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "lots", "-1G", "2X"} {
		_, err := parseSize(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseShard(t *testing.T) {
	i, n, err := parseShard("2/5")
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 5}, [2]int{i, n})
	for _, bad := range []string{"5/5", "-1/3", "1", "a/b", "0/0"} {
		_, _, err := parseShard(bad)
		assert.Error(t, err, bad)
	}
}

func TestOptionsAnywhere(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	j := fs.Int("j", 1, "")
	q := fs.Bool("q", false, "")
	ops, err := parseAnywhere(fs, []string{"GRADER", "-j", "4", "SUBS", "-q", "--", "-not-an-option"})
	require.NoError(t, err)
	assert.Equal(t, []string{"GRADER", "SUBS", "-not-an-option"}, ops)
	assert.Equal(t, 4, *j)
	assert.True(t, *q)
}

func TestMainUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"grader"}, "rvemu class: want GRADER and SUBMISSIONS, got 1 operand(s) (rvemu class --help)\n"},
		{[]string{"--memory", "lots", "g", "s"}, "rvemu class: --memory: \"lots\": want a size such as 512M or 2G\n"},
		{[]string{"--shard", "3/3", "g", "s"}, "rvemu class: --shard: \"3/3\": want I/N with 0 <= I < N (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX/COMPLETIONS)\n"},
		{[]string{"--bogus", "g", "s"}, "rvemu class: flag provided but not defined: -bogus (rvemu class --help)\n"},
		{[]string{"merge"}, "rvemu class: merge: name the parts (each a --shard run's -o folder)\n"},
		{[]string{"gradescope", "g", "s"}, "rvemu class: gradescope: want GRADER SUBMISSION RESULTS.json, got 2 operand(s)\n"},
	} {
		var out, errs bytes.Buffer
		code := Main(context.Background(), c.args, &out, &errs, false)
		assert.Equal(t, exitUsage, code, c.args)
		assert.Equal(t, c.want, errs.String(), c.args)
	}
	var out bytes.Buffer
	assert.Equal(t, exitOK, Main(context.Background(), []string{"--help"}, &out, io.Discard, false))
	assert.Contains(t, out.String(), "usage: rvemu class")
	for _, l := range bytes.Split(out.Bytes(), []byte("\n")) {
		assert.LessOrEqual(t, len(l), 80, "help line: %s", l)
	}
}
