package grade

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"sync"
)

// The payloads the labs' host scripts exchange with the guest.
var (
	pingMessage = []byte("a message from xv6!") // 2020/21 guest -> host
	pingReply   = []byte("this is the host!")   // 2020/21 host -> guest
	txOne       = []byte("txone")               // 2024 guest -> host, first
	rxOne       = []byte("rxone")               // 2024 host -> guest port 2001
)

// Host is the lab's host side: a UDP server on 127.0.0.1 only.
type Host struct {
	mode    HostMode
	conn    *net.UDPConn
	rxOneTo netip.AddrPort // where the 2024 "rxone" goes (a forwarded port)
	done    chan struct{}

	mu       sync.Mutex
	lines    []string
	received int
	decided  HostMode // HostAuto: what the first datagram showed
}

// loopback is the only address a Host binds or sends to.
var loopback = netip.MustParseAddr("127.0.0.1")

// StartHost listens on 127.0.0.1:port (0 picks a free port, for tests).
// rxOnePort is the host port forwarded to the guest's port 2001 (2024).
func StartHost(mode HostMode, port, rxOnePort uint16) (*Host, error) {
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, port)))
	if err != nil {
		return nil, fmt.Errorf("host server on 127.0.0.1:%d: %w (another lab server or grade run on this port? pick one with --server-port)", port, err)
	}
	h := &Host{mode: mode, conn: conn, rxOneTo: netip.AddrPortFrom(loopback, rxOnePort),
		done: make(chan struct{}), decided: mode}
	go h.serve()
	return h, nil
}

// Port is the port the server listens on.
func (h *Host) Port() uint16 { return h.conn.LocalAddr().(*net.UDPAddr).AddrPort().Port() }

// Lines is what the host side reported so far (the 2024 script's stdout).
func (h *Host) Lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.lines...)
}

// Received counts the datagrams the server got.
func (h *Host) Received() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.received
}

// Mode is the behaviour the host settled on (HostAuto until the first
// datagram tells).
func (h *Host) Mode() HostMode {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.decided
}

// Close stops the server and waits for it.
func (h *Host) Close() error {
	err := h.conn.Close()
	<-h.done
	return err
}

func (h *Host) report(format string, args ...any) {
	h.mu.Lock()
	h.lines = append(h.lines, fmt.Sprintf(format, args...))
	h.mu.Unlock()
}

func (h *Host) serve() {
	defer close(h.done)
	buf := make([]byte, 65536)
	for {
		n, from, err := h.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return // closed
		}
		if !from.Addr().Unmap().IsLoopback() {
			continue // only the emulator on this machine talks to us
		}
		h.answer(buf[:n], from)
	}
}

// answer handles one datagram; replies go back to the loopback sender only.
func (h *Host) answer(msg []byte, from netip.AddrPort) {
	h.mu.Lock()
	first := h.received == 0
	h.received++
	mode := h.decided
	if mode == HostAuto && first {
		switch {
		case bytes.Equal(msg, txOne):
			mode = HostTxOneThenEcho
		case bytes.Equal(msg, pingMessage):
			mode = HostReply
		default:
			mode = HostEcho
		}
		h.decided = mode
	}
	h.mu.Unlock()

	switch mode {
	case HostReply:
		h.send(pingReply, from)
	case HostEcho:
		h.send(msg, from)
	case HostTxOneThenEcho:
		if !first {
			h.send(msg, from)
			return
		}
		if bytes.Equal(msg, txOne) {
			h.report("txone: OK")
		} else {
			h.report("txone: received incorrect payload %q", msg)
		}
		h.report("rxone: sending one UDP packet")
		h.send(rxOne, h.rxOneTo)
	}
}

func (h *Host) send(msg []byte, to netip.AddrPort) {
	if !to.Addr().Unmap().IsLoopback() {
		return // network safety: never anywhere but this machine
	}
	h.conn.WriteToUDPAddrPort(msg, to)
}
