package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

func TestTraceFlags(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // substring of stderr ("" for none)
		wantFile string // substring of the trace file
	}{
		{"insn range to a file", []string{"--trace", "insn:_start", "--trace-file", "@"}, 3, "",
			"insn: hart 0 M 0x80000000 <_start> 100002b7 lui t0,0x10000\n"},
		{"insn by address", []string{"--trace", "trap,insn:0x80000004-0x80000008", "--trace-file", "@"}, 3, "",
			"<_start+0x4> 06b00313 li t1,107\n"},
		{"unknown symbol", []string{"--trace", "insn:e1000_recv"}, 2, `symbol "e1000_recv": not in the kernel's symbol table`, ""},
		{"empty range", []string{"--trace", "insn:"}, 2, "insn:SYMBOL", ""},
		{"checker on", []string{"--check", "e1000"}, 3, "", ""},
		{"unknown checker", []string{"--check", "disk"}, 2, `check "disk": want e1000 or none`, ""},
		{"unwritable trace file", []string{"--trace", "trap", "--trace-file", "/nonexistent/dir/t.txt"}, 2, "--trace-file", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "trace.txt")
			args := []string{"boot"}
			for _, a := range tc.args {
				if a == "@" {
					a = file
				}
				args = append(args, a)
			}
			code, _, errOut := runCLI(t, append(args, kernel)...)
			assert.Equal(t, tc.wantCode, code, "stderr: %s", errOut)
			if tc.wantErr == "" {
				assert.Empty(t, errOut)
			} else {
				assert.Contains(t, errOut, tc.wantErr)
			}
			if tc.wantFile != "" {
				data, err := os.ReadFile(file)
				require.NoError(t, err)
				assert.Contains(t, string(data), tc.wantFile)
			}
		})
	}
}
