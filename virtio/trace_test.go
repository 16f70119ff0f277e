package virtio

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestHook(t *testing.T) {
	tests := []struct {
		name   string
		typ    uint32
		sector uint64
		n      uint32
		want   string // type/status names
		status uint8
	}{
		{"read", reqIn, 3, 1024, "read", statusOK},
		{"write", reqOut, 5, 512, "write", statusOK},
		{"flush", reqFlush, 0, 0, "flush", statusOK},
		{"read past the end", reqIn, 16, 512, "read", statusIOErr},
		{"unsupported", 11, 0, 0, "unknown", statusUnsupp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, false, 16)
			var got []Request
			r.dev.SetRequestHook(func(req Request) { got = append(got, req) })
			r.setup(8)
			head, _ := r.request(tc.typ, tc.sector, bufBase, tc.n)
			r.notify()
			require.Len(t, got, 1)
			assert.Equal(t, Request{Type: tc.typ, Sector: tc.sector, Length: tc.n, Status: tc.status, Head: head}, got[0])
			assert.Equal(t, tc.want, got[0].TypeName())
		})
	}
	assert.Equal(t, "ioerr", Request{Status: statusIOErr}.StatusName())
}
