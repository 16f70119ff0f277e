package machine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFinisher(t *testing.T) {
	tests := []struct {
		name     string
		offset   uint64
		value    uint64
		wantDone bool
		wantCode int
		reset    bool
	}{
		{"pass", 0, 0x5555, true, 0, false},
		{"fail with code", 0, 3<<16 | 0x3333, true, 3, false},
		{"fail code 0xffff", 0, 0xffff<<16 | 0x3333, true, 0xffff, false},
		{"reset ends the run as a reset", 0, 0x7777, true, 0, true},
		{"unknown command ignored", 0, 0x1234, false, 0, false},
		{"other offset ignored", 4, 0x5555, false, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f finisher
			f.Write(tc.offset, 4, tc.value)
			code, done := f.exited()
			assert.Equal(t, tc.wantDone, done)
			assert.Equal(t, tc.wantCode, code)
			assert.Equal(t, tc.reset, f.reset)
			assert.Zero(t, f.Read(0, 4))
		})
	}
}

func TestFinisherKeepsFirstStatus(t *testing.T) {
	var f finisher
	f.Write(0, 4, 7<<16|0x3333)
	f.Write(0, 4, 0x5555)
	code, done := f.exited()
	assert.True(t, done)
	assert.Equal(t, 7, code)
}
