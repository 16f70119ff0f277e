package machine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckRAM(t *testing.T) {
	tests := []struct {
		ram uint64
		ok  bool
	}{
		{1 << 20, true},
		{128 << 20, true},
		{3 << 30, true}, // the 2019 labs' -m 3G
		{4 << 30, true},
		{4<<30 + 4096, false},
		{1<<20 - 4096, false},
		{128<<20 + 1, false},
		{0, false},
	}
	for _, tc := range tests {
		err := CheckRAM(tc.ram)
		assert.Equal(t, tc.ok, err == nil, "%d: %v", tc.ram, err)
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
		{"odd memory", Config{Kernel: "k", RAM: 1<<20 + 1}, "bytes of RAM"},
		{"tiny memory", Config{Kernel: "k", RAM: 4096}, "bytes of RAM"},
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
