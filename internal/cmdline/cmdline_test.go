package cmdline

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type parsed struct {
	disk     string
	smp      int
	stats    bool
	timeout  time.Duration
	fwd      []string
	operands []string
}

func newTestSet(p *parsed) *Set {
	p.smp = 1
	s := New("prog run", "KERNEL")
	s.String(&p.disk, "disk", "FILE", "disk image")
	s.Int(&p.smp, "smp", "N", "harts")
	s.Bool(&p.stats, "stats", "print counters")
	s.Duration(&p.timeout, "timeout,t", "DURATION", "stop after")
	s.Strings(&p.fwd, "hostfwd", "RULE", "forward a port")
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    parsed
		wantErr string // whole message; "" for none
	}{
		{"options before the operand", []string{"--disk", "fs.img", "--smp", "3", "k"},
			parsed{disk: "fs.img", smp: 3, operands: []string{"k"}}, ""},
		{"options after the operand", []string{"k", "--disk", "fs.img", "--smp", "3"},
			parsed{disk: "fs.img", smp: 3, operands: []string{"k"}}, ""},
		{"mixed, = form, single dash", []string{"--smp=3", "k", "-disk", "fs.img", "--stats"},
			parsed{disk: "fs.img", smp: 3, stats: true, operands: []string{"k"}}, ""},
		{"switch set false", []string{"--stats=false", "k"}, parsed{smp: 1, operands: []string{"k"}}, ""},
		{"-- ends options", []string{"--smp", "2", "--", "--disk", "k"},
			parsed{smp: 2, operands: []string{"--disk", "k"}}, ""},
		{"lone dash is an operand", []string{"-"}, parsed{smp: 1, operands: []string{"-"}}, ""},
		{"repeatable option", []string{"--hostfwd", "a", "k", "--hostfwd=b"},
			parsed{smp: 1, fwd: []string{"a", "b"}, operands: []string{"k"}}, ""},
		{"value may start with a dash", []string{"--smp", "-1"}, parsed{smp: -1}, ""},
		{"seconds as a plain number", []string{"--timeout", "5"}, parsed{smp: 1, timeout: 5 * time.Second}, ""},
		{"short alias", []string{"-t", "1m30s"}, parsed{smp: 1, timeout: 90 * time.Second}, ""},
		{"unknown option", []string{"k", "--frobnicate"}, parsed{}, "--frobnicate: unknown option"},
		{"typo gets a suggestion", []string{"--timout", "5"}, parsed{}, "--timout: unknown option (did you mean --timeout?)"},
		{"missing value", []string{"k", "--disk"}, parsed{}, "--disk: needs a value (FILE)"},
		{"bad number", []string{"--smp", "three"}, parsed{}, `--smp: "three" is not a whole number`},
		{"bad duration", []string{"--timeout", "5x"}, parsed{}, `--timeout: "5x" is not a duration (like 30, 30s, 2m or 1h30m)`},
		{"given twice", []string{"--smp", "2", "--smp", "3"}, parsed{}, "--smp: given twice"},
		{"the same again", []string{"--stats", "k", "--stats", "--smp", "2", "-smp=2"},
			parsed{smp: 2, stats: true, operands: []string{"k"}}, ""},
		{"bad switch value", []string{"--stats=maybe"}, parsed{}, `--stats: "maybe" is not true or false`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got parsed
			s := newTestSet(&got)
			ops, err := s.Parse(tc.args)
			if tc.wantErr != "" {
				require.Error(t, err)
				var ce *Error
				assert.True(t, errors.As(err, &ce))
				assert.Equal(t, tc.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			got.operands = ops
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSeenAndHelp(t *testing.T) {
	var p parsed
	s := newTestSet(&p)
	_, err := s.Parse([]string{"--smp", "1", "-t", "1s"})
	require.NoError(t, err)
	assert.True(t, s.Seen("smp"))
	assert.True(t, s.Seen("timeout"), "seen under any of its names")
	assert.False(t, s.Seen("disk"))

	for _, args := range [][]string{{"-h"}, {"k", "--help"}, {"-help"}} {
		_, err := newTestSet(&parsed{}).Parse(args)
		assert.ErrorIs(t, err, ErrHelp, "%v", args)
	}
}

func TestHelpFitsEightyColumns(t *testing.T) {
	var p parsed
	s := newTestSet(&p)
	s.Section("Network")
	var long string
	s.String(&long, "a-rather-long-option-name", "PLACEHOLDER", strings.Repeat("word ", 40))
	s.Describe("An about text that is long enough to need wrapping: "+strings.Repeat("lorem ipsum ", 12),
		"Examples:\n   prog run --disk fs.img kernel\n")
	var b bytes.Buffer
	s.WriteHelp(&b)
	out := b.String()
	for _, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, len(l), 79, "%q", l)
	}
	assert.Contains(t, out, "Usage: prog run [OPTIONS] KERNEL\n")
	assert.Contains(t, out, "  -t, --timeout DURATION  stop after\n")
	assert.Contains(t, out, "  --smp N                 harts (default 1)\n")
	assert.Contains(t, out, "\nNetwork:\n  --a-rather-long-option-name PLACEHOLDER\n                          word word")
	assert.Contains(t, out, "\n   prog run --disk fs.img kernel\n", "example lines kept as written")
}
