package main

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

func TestGDBFlags(t *testing.T) {
	kernel := rvasm.Build(t, guestPrintAndExit, rvasm.Options{})
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"stub listening, nobody attaches: the guest runs", []string{"boot", "-m", "16M", "--gdb", "127.0.0.1:0", kernel}, 3, "rvemu: gdb listening on 127.0.0.1:"},
		{"wait without an address", []string{"boot", "--gdb-wait", kernel}, exitUsage, "--gdb-wait needs --gdb"},
		{"bad address", []string{"boot", "--gdb", "127.0.0.1:nope", kernel}, exitUsage, "--gdb: gdb address"},
		{"port taken", []string{"boot", "--gdb", busy.Addr().String(), kernel}, exitUsage, "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			assert.Equal(t, tt.wantCode, code, stderr)
			assert.Contains(t, stderr, tt.wantErr)
		})
	}
}
