package machine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"128M", 128 << 20, false},
		{"128m", 128 << 20, false},
		{"1G", 1 << 30, false},
		{"512K", 512 << 10, false},
		{"64MiB", 64 << 20, false},
		{"134217728", 128 << 20, false},
		{"", 0, true},
		{"0", 0, true},
		{"12X", 0, true},
		{"-1M", 0, true},
		{"99999999999G", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseModes(t *testing.T) {
	v, err := ParseVirtioMode("legacy")
	require.NoError(t, err)
	assert.Equal(t, VirtioLegacy, v)
	v, err = ParseVirtioMode("modern")
	require.NoError(t, err)
	assert.Equal(t, VirtioModern, v)
	_, err = ParseVirtioMode("v3")
	assert.Error(t, err)

	c, err := ParseClock("virtual")
	require.NoError(t, err)
	assert.Equal(t, ClockVirtual, c)
	_, err = ParseClock("sundial")
	assert.Error(t, err)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults ok", Config{Kernel: "k"}, ""},
		{"no kernel", Config{}, "no kernel"},
		{"too many harts", Config{Kernel: "k", Harts: 9}, "harts"},
		{"odd memory", Config{Kernel: "k", RAM: 1<<20 + 1}, "memory"},
		{"tiny memory", Config{Kernel: "k", RAM: 4096}, "memory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg.withDefaults()
			err := cfg.validate()
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestParseCheck(t *testing.T) {
	tests := []struct {
		in      string
		want    Check
		wantErr bool
	}{
		{"", 0, false},
		{"none", 0, false},
		{"e1000", CheckE1000, false},
		{" E1000 ", CheckE1000, false},
		{"virtio", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCheck(tc.in)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
