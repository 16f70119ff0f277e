package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInetChecksum(t *testing.T) {
	tests := []struct {
		name   string
		pieces [][]byte
		want   uint16
	}{
		{"RFC 1071 example", [][]byte{{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}}, 0x220d},
		{"odd length pads with zero", [][]byte{{0x01}}, ^uint16(0x0100)},
		{"pieces add up", [][]byte{{0x00, 0x01}, {0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}}, 0x220d},
		{"data with its checksum folds to zero", [][]byte{{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x22, 0x0d}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, inetChecksum(tc.pieces...))
		})
	}
}
