package gdbstub

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListenAddress(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{":1234", "127.0.0.1:1234", true},
		{"1234", "127.0.0.1:1234", true},
		{"tcp::1234", "127.0.0.1:1234", true}, // QEMU's -gdb spelling
		{"127.0.0.1:1234", "127.0.0.1:1234", true},
		{"0.0.0.0:1234", "0.0.0.0:1234", true}, // only when asked
		{"localhost:0", "localhost:0", true},
		{"[::1]:1234", "[::1]:1234", true},
		{"", "", false},
		{"host:", "", false},
		{":notaport", "", false},
		{"a:b:c", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ListenAddress(c.in)
			if !c.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// dial connects a debugger to s and returns a function that asks one
// question (acknowledgement skipped).
func dial(t *testing.T, s *Server) (net.Conn, func(string) string) {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	require.NoError(t, err)
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	r := bufio.NewReader(c)
	return c, func(p string) string {
		_, err := c.Write([]byte("$" + p + "#" + sum(p)))
		require.NoError(t, err)
		for {
			f, err := readFrame(r)
			require.NoError(t, err)
			if f.kind == framePacket {
				return string(f.payload)
			}
		}
	}
}

func TestServerServesOneDebuggerAfterAnother(t *testing.T) {
	ft := newFakeTarget(1)
	defer ft.stop()
	s, err := Listen("127.0.0.1:0", ft, nil)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, "127.0.0.1", s.Addr().(*net.TCPAddr).IP.String())

	c1, ask1 := dial(t, s)
	assert.Equal(t, "QC01", ask1("qC"))
	assert.Equal(t, "OK", ask1("D"))
	c1.Close()

	c2, ask2 := dial(t, s)
	defer c2.Close()
	assert.Equal(t, "T05thread:01;", ask2("?"))
	assert.Equal(t, []string{"attach", "detach", "attach"}, ft.log())
}

func TestServerCloseHangsUp(t *testing.T) {
	ft := newFakeTarget(1)
	defer ft.stop()
	s, err := Listen("127.0.0.1:0", ft, nil)
	require.NoError(t, err)
	c, ask := dial(t, s)
	defer c.Close()
	assert.Equal(t, "QC01", ask("qC"))
	require.NoError(t, s.Close())
	_, err = bufio.NewReader(c).ReadByte()
	assert.Error(t, err, "connection closed")
	_, err = net.Dial("tcp", s.Addr().String())
	assert.Error(t, err, "no longer listening")
}
