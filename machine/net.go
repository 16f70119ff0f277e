package machine

import (
	"fmt"
	"io"
	"time"

	"github.com/rvemu/rvemu/e1000"
	"github.com/rvemu/rvemu/pcap"
	"github.com/rvemu/rvemu/trace"
	"github.com/rvemu/rvemu/usernet"
)

// network is the board's part of the net: the NIC, the user network on the
// other end of its cable, and the optional capture between them.
type network struct {
	nic    *e1000.E1000
	nicCfg e1000.Config // how the NIC is made again on a reset
	user   *usernet.Net
	dump   *pcap.Writer
}

// wireNet creates the NIC and the user network and attaches the NIC to the
// PCI host. Frames cross on the machine loop only: the loop itself watches
// usernet's wake channel (between hart turns and in its idle sleep) and
// runs Poll, with no goroutine hop between a host datagram and the guest.
func (m *Machine) wireNet() error {
	c := m.cfg.Net
	if !c.Enabled {
		return nil
	}
	n := &network{}
	logf := m.logs.printf
	toGuest := func(f []byte) {
		// The hart that takes this frame's interrupt runs its handler
		// through to the echo in one long turn (see rxTurnQuantum).
		m.rxTurn = true
		m.lastNet = time.Now()
		n.nic.Receive(f)
	}
	fromGuest := func(f []byte) {
		m.lastNet = time.Now()
		n.user.FromGuest(f)
	}
	if c.PCAP != "" {
		w, err := pcap.Create(c.PCAP)
		if err != nil {
			return fmt.Errorf("pcap: %w", err)
		}
		n.dump = w
		toGuest, fromGuest = w.Tap(toGuest), w.Tap(fromGuest)
	}
	if m.cfg.Trace.Has(trace.Net) {
		toGuest = trace.Frames(m.cfg.TraceOut, "net->guest", toGuest)
		fromGuest = trace.Frames(m.cfg.TraceOut, "guest->net", fromGuest)
	}
	if m.script != nil {
		// Replay: the recording is the host side. Frames for the guest
		// come from it at their points; the guest's own go nowhere, and no
		// host socket is opened.
		m.script.DeliverFrames(toGuest)
		fromGuest = func([]byte) {}
		if m.cfg.Trace.Has(trace.Net) {
			fromGuest = trace.Frames(m.cfg.TraceOut, "guest->net", fromGuest)
		}
	} else if m.rec != nil {
		toGuest = m.holdFrames(toGuest)
	}
	nicCfg := e1000.Config{MAC: c.MAC, Transmit: fromGuest, Log: logf, Check: m.e1000Check()}
	if m.cfg.Trace.Has(trace.E1000) {
		out := m.cfg.TraceOut
		nicCfg.Trace = func(line string) { io.WriteString(out, line+"\n") }
	}
	n.nicCfg = nicCfg
	m.net = n
	m.attachNIC()
	if m.script == nil {
		user, err := usernet.New(usernet.Config{
			ToGuest: toGuest, HostFwd: c.userHostFwd(), DNS: c.userDNS(), Egress: c.Egress.user(), Log: logf,
			OnHostSend: c.OnHostSend,
		})
		if err != nil {
			if n.dump != nil {
				n.dump.Close()
			}
			m.net = nil
			return fmt.Errorf("net: %w", err)
		}
		n.user = user
	}
	if n.user != nil {
		m.netWake = n.user.Wake()
	}
	return nil
}

// NetSummary is the network's counters after Run, one line ("usernet: N
// frames from guest, ...; e1000: ..."), "" when the guest never used the
// network; lost says that some frame or datagram was dropped on the way
// (a front end shows the line then, and otherwise only when asked).
func (m *Machine) NetSummary() (line string, lost bool) { return m.netSummary, m.netLost }

// attachNIC makes the E1000 and plugs it into the PCI host at 00:01.0.
func (m *Machine) attachNIC() {
	m.net.nic = e1000.New(m.bus, m.net.nicCfg)
	m.pci.Attach(nicSlot, 0, m.net.nic.PCI())
}

// pollNet runs the user network's Poll if a host socket or timer
// signalled, and reports whether it did. It is the loop's only way to the
// host side: cheap enough to ask between every two hart turns.
func (m *Machine) pollNet() bool {
	select {
	case <-m.netWake:
		m.net.user.Poll()
		return true
	default:
		return false
	}
}

// closeNet closes host sockets and the capture, and keeps the counters of
// a run whose guest used the network for NetSummary.
func (m *Machine) closeNet() error {
	n := m.net
	if n == nil {
		return nil
	}
	m.net = nil
	m.netWake = nil
	if n.user != nil {
		n.user.Close()
		if st := n.user.Stats(); st.FromGuest+st.ToGuest > 0 {
			nic := n.nic.Stats()
			m.netSummary = fmt.Sprintf("%v; %v", st, nic)
			m.netLost = len(st.Drops) > 0 || nic.RxOverflow+nic.RxBadSize+nic.RxDisabled+nic.TxDropped > 0
		}
	}
	if n.dump != nil {
		if err := n.dump.Close(); err != nil {
			return fmt.Errorf("pcap: %w", err)
		}
	}
	return nil
}
