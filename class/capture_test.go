package class

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLineLimiterCutsLongLines(t *testing.T) {
	var b bytes.Buffer
	l := &lineLimiter{w: &b}
	long := strings.Repeat("x", maxLine+100)
	// Written in pieces that split lines anywhere.
	in := "short\n" + long + "\nafter\n"
	for len(in) > 0 {
		n := min(len(in), 777)
		l.Write([]byte(in[:n]))
		in = in[n:]
	}
	lines := strings.Split(b.String(), "\n")
	assert.Equal(t, "short", lines[0])
	assert.Equal(t, strings.Repeat("x", maxLine)+" [line cut]", lines[1])
	assert.Equal(t, "after", lines[2])
}

func TestHeadTailKeepsBothEnds(t *testing.T) {
	h := newHeadTail(10, 8)
	h.Write([]byte("0123456789abcdefghijklmnopqrstuvwxyz"))
	assert.Equal(t, "0123456789\n[... 18 bytes of output left out ...]\nstuvwxyz", string(h.Bytes()))
	small := newHeadTail(10, 8)
	small.Write([]byte("0123"))
	assert.Equal(t, "0123", string(small.Bytes()))
}
