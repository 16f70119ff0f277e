package gdbstub

import (
	"bufio"
	"bytes"
	"net"
	"testing"
	"time"
)

// sinkConn is a net.Conn whose writes collect in a buffer: the fuzzer
// drives a session without a socket and reads back what it answered.
type sinkConn struct {
	out bytes.Buffer
}

func (c *sinkConn) Read([]byte) (int, error)         { return 0, net.ErrClosed }
func (c *sinkConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *sinkConn) Close() error                     { return nil }
func (c *sinkConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *sinkConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *sinkConn) SetDeadline(time.Time) error      { return nil }
func (c *sinkConn) SetReadDeadline(time.Time) error  { return nil }
func (c *sinkConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzPackets feeds arbitrary bytes from a "debugger" through the packet
// layer and the command dispatch, against the fake target. Nothing may
// panic, and every reply the stub writes must itself be a well-formed
// packet (good checksum, nothing but packets, acks and nothing else).
func FuzzPackets(f *testing.F) {
	for _, seed := range []string{
		"+$?#3f",
		"$qSupported:multiprocess+;swbreak+#c9$g#67$p20#d2",
		"$m80000000,40#8d$M80000000,2:abcd#00$X80000000,1:}]#00",
		"$Z0,80000000,4#00$z0,80000000,4#00$Z2,80000010,8#00$c#63\x03",
		"$Hg2#00$Hc-1#00$vCont;s:1;c#00$s#73$D#44",
		"$QStartNoAckMode#b0-$qXfer:features:read:target.xml:0,ffff#00",
		"$P1f=0102030405060708#00$G" + string(bytes.Repeat([]byte("00"), 33*8)) + "#00$k#6b",
		"$}#}$}*#00---\x03\x03$#00",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ft := newFakeTarget(2)
		defer ft.stop()
		conn := &sinkConn{}
		s := newSession(conn, ft, make(chan struct{}))
		ft.onLoop(func() { ft.Attach(s.onStop) })
		s.harts = 2
		s.stopReply = "T05thread:01;"

		r := bufio.NewReader(bytes.NewReader(data))
		for frames := 0; frames < 1000 && !s.ended; frames++ {
			fr, err := readFrame(r)
			if err != nil {
				break
			}
			s.handleFrame(fr)
		}

		replies := bufio.NewReader(bytes.NewReader(conn.out.Bytes()))
		for {
			b, err := replies.ReadByte()
			if err != nil {
				break
			}
			switch b {
			case '+', '-':
			case '$':
				fr, err := readPacketBody(replies)
				if err != nil {
					t.Fatalf("truncated reply in %q: %v", conn.out.Bytes(), err)
				}
				if fr.kind != framePacket {
					t.Fatalf("reply with a bad checksum in %q", conn.out.Bytes())
				}
			default:
				t.Fatalf("stray byte %q in the replies %q", b, conn.out.Bytes())
			}
		}
	})
}
