package netpath

import (
	"encoding/binary"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/e1000"
	"github.com/rvemu/rvemu/pcap"
	"github.com/rvemu/rvemu/pci"
	"github.com/rvemu/rvemu/usernet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Board addresses as on QEMU virt, and the lab driver's ring layout.
const (
	ramBase = 0x8000_0000
	winBase = 0x4000_0000
	txRing  = ramBase + 0x1000
	rxRing  = ramBase + 0x2000
	rxBufs  = ramBase + 0x10000
	txBufs  = ramBase + 0x30000
	nDesc   = 16
)

// E1000 register offsets the lab driver uses (Intel 8254x manual).
const (
	rCTRL, rICR, rIMS, rRCTL, rTCTL, rTIPG = 0x0, 0xC0, 0xD0, 0x100, 0x400, 0x410
	rRDBAL, rRDLEN, rRDH, rRDT             = 0x2800, 0x2808, 0x2810, 0x2818
	rTDBAL, rTDLEN, rTDH, rTDT             = 0x3800, 0x3808, 0x3810, 0x3818
	rMTA, rRA                              = 0x5200, 0x5400
)

type irqLine struct{ up bool }

func (l *irqLine) Set(v bool) { l.up = v }

// board is the NIC side of the machine plus a driver for it.
type board struct {
	t    testing.TB
	bus  *bus.Bus
	win  bus.Device
	irq  *irqLine
	nic  *e1000.E1000
	net  *usernet.Net
	next uint32 // next RX descriptor the driver looks at
}

func (b *board) wr(off, v uint32) { b.win.Write(uint64(off), 4, uint64(v)) }
func (b *board) rd(off uint32) uint32 {
	return uint32(b.win.Read(uint64(off), 4))
}

// probe finds the NIC the way xv6's pci_init does and programs its BARs.
func (b *board) probe(ecam bus.Device) {
	for dev := uint64(0); dev < 32; dev++ {
		off := dev << 13 // xv6's pointer arithmetic quirk
		if ecam.Read(off, 4) != 0x100E_8086 {
			continue
		}
		ecam.Write(off+4, 4, 7)
		for i := uint64(0); i < 6; i++ {
			old := ecam.Read(off+0x10+4*i, 4)
			ecam.Write(off+0x10+4*i, 4, 0xFFFF_FFFF)
			ecam.Write(off+0x10+4*i, 4, old)
		}
		ecam.Write(off+0x10, 4, winBase)
		return
	}
	b.t.Fatal("E1000 not found by the xv6 scan")
}

func (b *board) initNIC() {
	b.wr(rIMS, 0)
	b.wr(rCTRL, b.rd(rCTRL)|0x0040_0000)
	b.wr(rIMS, 0)
	b.wr(rTDBAL, txRing)
	b.wr(rTDLEN, nDesc*16)
	b.wr(rTDH, 0)
	b.wr(rTDT, 0)
	for i := uint64(0); i < nDesc; i++ {
		require.NoError(b.t, b.bus.WriteU64(rxRing+16*i, rxBufs+2048*i))
	}
	b.wr(rRDBAL, rxRing)
	b.wr(rRDH, 0)
	b.wr(rRDT, nDesc-1)
	b.wr(rRDLEN, nDesc*16)
	b.wr(rRA, 0x1200_5452)
	b.wr(rRA+4, 0x8000_5634)
	for i := uint32(0); i < 128; i++ {
		b.wr(rMTA+4*i, 0)
	}
	b.wr(rTCTL, 1<<1|1<<3|0x10<<4|0x40<<12)
	b.wr(rTIPG, 10|8<<10|6<<20)
	b.wr(rRCTL, 1<<1|1<<15|1<<26)
	b.wr(rIMS, 1<<7)
}

func (b *board) transmit(frame []byte) {
	tail := b.rd(rTDT)
	buf := uint64(txBufs + 2048*tail)
	require.NoError(b.t, b.bus.WriteDMA(buf, frame))
	d := make([]byte, 16)
	binary.LittleEndian.PutUint64(d, buf)
	binary.LittleEndian.PutUint16(d[8:], uint16(len(frame)))
	d[11] = 1 | 8 // EOP | RS
	require.NoError(b.t, b.bus.WriteDMA(txRing+16*uint64(tail), d))
	b.wr(rTDT, (tail+1)%nDesc)
}

// receive drains the RX ring like xv6's interrupt handler.
func (b *board) receive() [][]byte {
	b.wr(rICR, 0xFFFF_FFFF)
	var got [][]byte
	for {
		d := make([]byte, 16)
		require.NoError(b.t, b.bus.ReadDMA(rxRing+16*uint64(b.next), d))
		if d[12]&1 == 0 {
			return got
		}
		f := make([]byte, binary.LittleEndian.Uint16(d[8:]))
		require.NoError(b.t, b.bus.ReadDMA(binary.LittleEndian.Uint64(d), f))
		got = append(got, f)
		require.NoError(b.t, b.bus.WriteDMA(rxRing+16*uint64(b.next)+12, []byte{0}))
		b.wr(rRDT, b.next)
		b.next = (b.next + 1) % nDesc
	}
}

// guestMAC and the lab's frames, built by hand as the xv6 net stack would.
var guestMAC = []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for sum > 0xFFFF {
		sum = sum&0xFFFF + sum>>16
	}
	return ^uint16(sum)
}

func udpToGateway(srcPort, dstPort uint16, payload string) []byte {
	f := make([]byte, 14+20+8+len(payload))
	copy(f, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(f[6:], guestMAC)
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(payload)))
	ip[8], ip[9] = 100, 17
	copy(ip[12:], []byte{10, 0, 2, 15, 10, 0, 2, 2})
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip[:20]))
	u := ip[20:]
	binary.BigEndian.PutUint16(u[0:], srcPort)
	binary.BigEndian.PutUint16(u[2:], dstPort)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
	copy(u[8:], payload)
	return f
}

// arpAnswer is the guest's reply to who-has 10.0.2.15.
func arpAnswer(req []byte) []byte {
	f := make([]byte, 14+28)
	copy(f, req[6:12])
	copy(f[6:], guestMAC)
	binary.BigEndian.PutUint16(f[12:], 0x0806)
	a := f[14:]
	copy(a, []byte{0, 1, 8, 0, 6, 4, 0, 2})
	copy(a[8:], guestMAC)
	copy(a[14:], []byte{10, 0, 2, 15})
	copy(a[18:], req[14+8:14+14])  // target hw = requester
	copy(a[24:], req[14+14:14+18]) // target ip = requester
	return f
}

func echoServer(t testing.TB) uint16 {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, src, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			conn.WriteToUDP(buf[:n], src)
		}
	}()
	return uint16(conn.LocalAddr().(*net.UDPAddr).Port)
}

// newBoard builds bus, PCI host, NIC and user network, with the link
// optionally captured, and runs the xv6 probe and init.
func newBoard(t testing.TB, dump *pcap.Writer) *board {
	b := &board{t: t, bus: bus.New(ramBase, 1<<20), irq: &irqLine{}}
	fromGuest := func(f []byte) { b.net.FromGuest(f) }
	toGuest := func(f []byte) { b.nic.Receive(f) }
	if dump != nil {
		fromGuest, toGuest = dump.Tap(fromGuest), dump.Tap(toGuest)
	}
	b.nic = e1000.New(b.bus, e1000.Config{Transmit: fromGuest})
	var err error
	b.net, err = usernet.New(usernet.Config{ToGuest: toGuest})
	require.NoError(t, err)
	t.Cleanup(func() { b.net.Close() })
	host := pci.NewHost(winBase, [4]bus.IRQLine{nil, b.irq, nil, nil})
	host.Attach(1, 0, b.nic.PCI())
	b.win = host.Window()
	b.probe(host.ECAM())
	b.initNIC()
	return b
}

// awaitIP runs the machine loop's part: wait for Wake, Poll, take
// interrupts, answer ARP; it returns the first IP frame the guest receives.
func (b *board) awaitIP() []byte {
	deadline := time.After(5 * time.Second)
	for {
		select {
		case <-b.net.Wake():
			b.net.Poll()
		case <-deadline:
			b.t.Fatal("no reply reached the RX ring")
		}
		for b.irq.up {
			for _, f := range b.receive() {
				switch binary.BigEndian.Uint16(f[12:]) {
				case 0x0806:
					b.transmit(arpAnswer(f))
				case 0x0800:
					return f
				}
			}
		}
	}
}

func TestPingThroughNICAndUsernet(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "packets.pcap")
	dump, err := pcap.Create(capture)
	require.NoError(t, err)
	b := newBoard(t, dump)

	port := echoServer(t)
	b.transmit(udpToGateway(2000, port, "a message from xv6!"))

	reply := b.awaitIP()
	assert.Equal(t, guestMAC, reply[:6])
	ip := reply[14:]
	assert.Equal(t, []byte{10, 0, 2, 2, 10, 0, 2, 15}, ip[12:20])
	assert.Equal(t, port, binary.BigEndian.Uint16(ip[20:]), "from 10.0.2.2:P")
	assert.Equal(t, uint16(2000), binary.BigEndian.Uint16(ip[22:]))
	assert.Equal(t, "a message from xv6!", string(ip[28:28+len("a message from xv6!")]))
	require.NoError(t, dump.Close())

	out, err := exec.Command("tshark", "-r", capture, "-T", "fields", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info").Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	require.Len(t, lines, 4, "%s", out)
	assert.True(t, strings.HasPrefix(lines[0], "UDP"), lines[0])
	assert.Contains(t, lines[1], "Who has 10.0.2.15? Tell 10.0.2.2")
	assert.Contains(t, lines[2], "10.0.2.15 is at 52:54:00:12:34:56")
	assert.True(t, strings.HasPrefix(lines[3], "UDP"), lines[3])
	assert.Contains(t, b.net.Stats().String(), "2 frames from guest, 2 to guest, 1 datagrams to host")
}

// BenchmarkPingRoundTrip: one UDP datagram from the guest's TX ring to a Go
// echo server on 127.0.0.1 and back into the RX ring, interrupt included.
func BenchmarkPingRoundTrip(bm *testing.B) {
	b := newBoard(bm, nil)
	port := echoServer(bm)
	ping := udpToGateway(2000, port, "a message from xv6!")
	b.transmit(ping)
	b.awaitIP() // ARP settled
	for bm.Loop() {
		b.transmit(ping)
		b.awaitIP()
	}
}
