package machine

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/bus"
)

const (
	testToHost   = RAMBase + 0x1000
	testFromHost = RAMBase + 0x1008
	testMagic    = RAMBase + 0x2000
	testBuf      = RAMBase + 0x3000
)

func newTestHTIF() (*htif, *bytes.Buffer, *bytes.Buffer) {
	var console, log bytes.Buffer
	b := bus.New(RAMBase, 1<<20)
	return &htif{bus: b, tohost: testToHost, fromhost: testFromHost, console: &console, log: &log}, &console, &log
}

func TestHTIFExit(t *testing.T) {
	tests := []struct {
		name     string
		tohost   uint64
		wantDone bool
		wantCode int
		wantLog  string
	}{
		{"idle", 0, false, 0, ""},
		{"pass", 1, true, 0, ""},
		{"fail test 3", 3<<1 | 1, true, 3, "rvemu: htif: FAIL: test 3\n"},
		{"fail test 42", 42<<1 | 1, true, 42, "rvemu: htif: FAIL: test 42\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _, log := newTestHTIF()
			require.NoError(t, h.bus.WriteU64(testToHost, tc.tohost))
			code, done := h.poll()
			assert.Equal(t, tc.wantDone, done)
			assert.Equal(t, tc.wantCode, code)
			assert.Equal(t, tc.wantLog, log.String())
		})
	}
}

func TestHTIFConsoleWrite(t *testing.T) {
	h, console, _ := newTestHTIF()
	for _, c := range []byte("hi\n") {
		require.NoError(t, h.bus.WriteU64(testToHost, 1<<56|1<<48|uint64(c)))
		_, done := h.poll()
		require.False(t, done)
		to, _ := h.bus.ReadU64(testToHost)
		from, _ := h.bus.ReadU64(testFromHost)
		assert.Zero(t, to, "tohost consumed")
		assert.Equal(t, uint64(1<<56|1<<48|0x100|uint64(c)), from, "acknowledged")
	}
	assert.Equal(t, "hi\n", console.String())
}

func TestHTIFSyscallWrite(t *testing.T) {
	tests := []struct {
		name    string
		args    []uint64
		wantRet int64
		wantOut string
	}{
		{"write stdout", []uint64{sysWrite, 1, testBuf, 5}, 5, "hello"},
		{"write stderr", []uint64{sysWrite, 2, testBuf, 2}, 2, "he"},
		{"write bad buffer", []uint64{sysWrite, 1, 0x10, 5}, errNoSys, ""},
		{"unknown syscall", []uint64{93, 0}, errNoSys, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, console, _ := newTestHTIF()
			require.NoError(t, h.bus.WriteDMA(testBuf, []byte("hello")))
			for i, a := range tc.args {
				require.NoError(t, h.bus.WriteU64(testMagic+8*uint64(i), a))
			}
			require.NoError(t, h.bus.WriteU64(testToHost, testMagic))
			_, done := h.poll()
			assert.False(t, done)
			ret, _ := h.bus.ReadU64(testMagic)
			from, _ := h.bus.ReadU64(testFromHost)
			assert.Equal(t, tc.wantRet, int64(ret))
			assert.Equal(t, uint64(1), from)
			assert.Equal(t, tc.wantOut, console.String())
		})
	}
}
