package e1000

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/pci"
	"github.com/stretchr/testify/require"
)

// The test board: RAM at 0x8000_0000, the PCI window at 0x4000_0000, and a
// driver that programs the NIC the way xv6's e1000_init does.
const (
	ramBase   = 0x8000_0000
	ramSize   = 1 << 20
	winBase   = 0x4000_0000
	txRingPA  = ramBase + 0x1000
	rxRingPA  = ramBase + 0x2000
	rxBufPA   = ramBase + 0x10000 // 16 buffers of 2 KiB
	txBufPA   = ramBase + 0x30000
	ringSize  = 16
	cmdEOPRS  = txCmdEOP | txCmdRS
	xv6RCTL   = rctlEN | rctlBAM | rctlSECRC // SZ_2048 is 0
	xv6TCTL   = tctlEN | tctlPSP | 0x10<<4 | 0x40<<12
	unitMAC   = "52:54:00:12:34:56"
	broadcast = "ff:ff:ff:ff:ff:ff"
)

type line struct{ level bool }

func (l *line) Set(v bool) { l.level = v }

type rig struct {
	t      *testing.T
	bus    *bus.Bus
	host   *pci.Host
	nic    *E1000
	irq    *line
	sent   [][]byte
	logs   []string
	window bus.Device
}

func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	r := &rig{t: t, bus: bus.New(ramBase, ramSize), irq: &line{}}
	cfg.Transmit = func(f []byte) { r.sent = append(r.sent, f) }
	cfg.Log = func(format string, args ...any) { r.logs = append(r.logs, fmt.Sprintf(format, args...)) }
	r.nic = New(r.bus, cfg)
	r.host = pci.NewHost(winBase, [4]bus.IRQLine{nil, r.irq, nil, nil})
	r.host.Attach(1, 0, r.nic.PCI())
	r.window = r.host.Window()
	ecam := r.host.ECAM()
	cfgBase := uint64(1 << 15)
	ecam.Write(cfgBase+4, 4, 7) // I/O, memory, bus master
	ecam.Write(cfgBase+0x10, 4, winBase)
	return r
}

func (r *rig) wr(off uint32, v uint32) { r.window.Write(uint64(off), 4, uint64(v)) }
func (r *rig) rd(off uint32) uint32    { return uint32(r.window.Read(uint64(off), 4)) }

// initLikeXv6 follows the lab's e1000_init register sequence.
func (r *rig) initLikeXv6() {
	r.wr(regIMS, 0)
	r.wr(regCTRL, r.rd(regCTRL)|ctrlResetAlt)
	r.wr(regIMS, 0)
	r.wr(regTDBAL, txRingPA)
	r.wr(regTDLEN, ringSize*descSize)
	r.wr(regTDH, 0)
	r.wr(regTDT, 0)
	for i := uint64(0); i < ringSize; i++ {
		require.NoError(r.t, r.bus.WriteU64(rxRingPA+16*i, rxBufPA+2048*i))
	}
	r.wr(regRDBAL, rxRingPA)
	r.wr(regRDH, 0)
	r.wr(regRDT, ringSize-1)
	r.wr(regRDLEN, ringSize*descSize)
	r.wr(regRA, 0x1200_5452)
	r.wr(regRA+4, 0x5634|raValid)
	for i := uint32(0); i < 128; i++ {
		r.wr(regMTA+4*i, 0)
	}
	r.wr(regTCTL, xv6TCTL)
	r.wr(regTIPG, 10|8<<10|6<<20)
	r.wr(regRCTL, xv6RCTL)
	r.wr(regRDTR, 0)
	r.wr(regRADV, 0)
	r.wr(regIMS, IntRXT0)
}

// send queues one frame on the TX ring as xv6's e1000_transmit does.
func (r *rig) send(frame []byte, cmd byte) {
	tail := r.rd(regTDT)
	buf := uint64(txBufPA + 2048*tail)
	require.NoError(r.t, r.bus.WriteDMA(buf, frame))
	d := make([]byte, 16)
	binary.LittleEndian.PutUint64(d, buf)
	binary.LittleEndian.PutUint16(d[8:], uint16(len(frame)))
	d[11] = cmd
	require.NoError(r.t, r.bus.WriteDMA(txRingPA+16*uint64(tail), d))
	r.wr(regTDT, (tail+1)%ringSize)
}

// rxDesc returns length and status of RX descriptor i and its data.
func (r *rig) rxDesc(i uint32) (length uint16, status byte, data []byte) {
	d := make([]byte, 16)
	require.NoError(r.t, r.bus.ReadDMA(rxRingPA+16*uint64(i), d))
	length = binary.LittleEndian.Uint16(d[8:])
	data = make([]byte, length)
	require.NoError(r.t, r.bus.ReadDMA(binary.LittleEndian.Uint64(d), data))
	return length, d[12], data
}

// recycle hands descriptor RDT+1 back like xv6's e1000_recv loop does.
func (r *rig) recycle() {
	next := (r.rd(regRDT) + 1) % ringSize
	require.NoError(r.t, r.bus.WriteDMA(rxRingPA+16*uint64(next)+12, []byte{0}))
	r.wr(regRDT, next)
}

// frame builds an Ethernet frame to dst with a payload marker.
func frame(dst string, payloadLen int, marker byte) []byte {
	f := make([]byte, 14+payloadLen)
	var m [6]byte
	fmt.Sscanf(dst, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5])
	copy(f, m[:])
	copy(f[6:], []byte{0x52, 0x55, 0x0a, 0, 2, 2})
	f[12], f[13] = 0x08, 0x00
	for i := 14; i < len(f); i++ {
		f[i] = marker
	}
	return f
}
