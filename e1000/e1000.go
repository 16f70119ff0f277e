// Package e1000 models the Intel 82540EM gigabit NIC (QEMU's "e1000") as a
// PCI function: its BAR0 registers, the legacy descriptor rings it reaches
// by DMA, and a frame link to whatever network is on the other end.
//
// All methods run on the machine loop; the device has no goroutines.
package e1000

import (
	"fmt"
	"log"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/pci"
)

// PCI identity of the 82540EM as QEMU presents it.
const (
	VendorID = 0x8086
	DeviceID = 0x100E
	Revision = 3
	Class    = 0x020000
	BAR0Size = 128 << 10
	BAR1Size = 64
)

// DefaultMAC is QEMU's default guest address.
var DefaultMAC = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

// DefaultRxQueue is how many frames wait while the receive ring is full.
const DefaultRxQueue = 64

// Config sets up a NIC.
type Config struct {
	MAC [6]byte // zero value means DefaultMAC
	// Transmit receives each frame the guest sends (no FCS). The slice is
	// the callee's to keep. It may call Receive re-entrantly.
	Transmit func(frame []byte)
	// Log reports guest mistakes, once per cause. Nil means the log package.
	Log func(format string, args ...any)
	// RxQueue bounds frames waiting for receive descriptors (0: default).
	RxQueue int
	// Check turns on the driver checker (check.go) when its Warn is set.
	Check CheckConfig
	// Trace receives --trace e1000 lines (trace.go); nil: none.
	Trace func(line string)
}

// Stats are host-side counters for an exit summary. Unlike the guest's
// statistics registers they never clear.
type Stats struct {
	TxFrames, RxFrames uint64
	RxFiltered         uint64 // dropped by the address filter
	RxOverflow         uint64 // dropped because the wait queue was full
	RxBadSize          uint64 // too long, a runt, or larger than the ring
	RxDisabled         uint64 // dropped while RCTL.EN was clear
	TxDropped          uint64 // bad descriptors or buffers
}

// E1000 is one NIC.
type E1000 struct {
	bus      *bus.Bus
	cfg      pci.Config
	transmit func([]byte)
	logf     func(string, ...any)
	logged   map[string]bool

	mac    [6]byte
	regs   [BAR0Size / 4]uint32 // register storage; the table (table.go) says what accesses do
	eeprom eeprom
	phy    [32]uint16

	txFrame []byte // frame being gathered across descriptors
	txBad   bool   // part of txFrame could not be read
	rxWait  [][]byte
	rxLimit int
	stats   Stats

	// watch are the driver checker and the tracer, in that order; empty
	// unless --check e1000 or --trace e1000 (watch.go).
	watch []watcher
}

// New returns a NIC that DMAs through b. Attach its PCI() config to a host.
func New(b *bus.Bus, c Config) *E1000 {
	e := &E1000{bus: b, transmit: c.Transmit, logf: c.Log, logged: map[string]bool{}, rxLimit: c.RxQueue}
	if e.logf == nil {
		e.logf = log.Printf
	}
	if e.transmit == nil {
		e.transmit = func([]byte) {}
	}
	if e.rxLimit <= 0 {
		e.rxLimit = DefaultRxQueue
	}
	if c := newChecker(c.Check); c != nil {
		e.watch = append(e.watch, c)
	}
	if t := newTracer(c.Trace); t != nil {
		e.watch = append(e.watch, t)
	}
	e.mac = c.MAC
	if e.mac == [6]byte{} {
		e.mac = DefaultMAC
	}
	e.cfg = pci.Config{
		VendorID: VendorID, DeviceID: DeviceID, Revision: Revision, Class: Class,
		SubsystemVendorID: 0x1af4, SubsystemID: 0x1100,
		InterruptPin: 1,
		BARs: [6]pci.BAR{
			{Size: BAR0Size, Regs: e},
			{Size: BAR1Size, IO: true},
		},
		CommandChanged: func(uint16) { e.deliverWaiting() },
	}
	e.eeprom.load(e.mac)
	e.reset()
	return e
}

// PCI returns the function's configuration header for pci.Host.Attach.
func (e *E1000) PCI() *pci.Config { return &e.cfg }

// MAC returns the station address the EEPROM holds.
func (e *E1000) MAC() [6]byte { return e.mac }

// Stats returns the host-side counters.
func (e *E1000) Stats() Stats { return e.stats }

// logOnce reports a guest error the first time its cause is seen, so a
// misbehaving guest cannot flood the host log.
func (e *E1000) logOnce(cause string, format string, args ...any) {
	if e.logged[cause] {
		return
	}
	e.logged[cause] = true
	e.logf("e1000: "+format, args...)
}

// reset puts every register in its power-on state, as CTRL.RST does.
func (e *E1000) reset() {
	e.regs = [BAR0Size / 4]uint32{}
	e.regs[regCTRL/4] = ctrlSLU | 1<<0 // full duplex, link up
	e.regs[regRA/4] = uint32(e.mac[0]) | uint32(e.mac[1])<<8 | uint32(e.mac[2])<<16 | uint32(e.mac[3])<<24
	e.regs[regRA/4+1] = uint32(e.mac[4]) | uint32(e.mac[5])<<8 | raValid
	e.regs[regTIPG/4] = 0
	e.eeprom.resetBus()
	e.phy = defaultPHY
	e.txFrame, e.txBad = nil, false
	e.rxWait = nil
	e.updateIRQ()
}

func (e *E1000) reg(off uint32) uint32       { return e.regs[off/4] }
func (e *E1000) setReg(off uint32, v uint32) { e.regs[off/4] = v }

// Read implements bus.Device for BAR0.
func (e *E1000) Read(off uint64, size int) uint64 {
	if size == 8 {
		return e.Read(off, 4) | e.Read(off+4, 4)<<32
	}
	if off >= BAR0Size {
		return 0
	}
	v := uint64(e.read32(uint32(off &^ 3)))
	v >>= (off & 3) * 8
	return v & (1<<(8*size) - 1)
}

// Write implements bus.Device for BAR0. Narrow writes merge into the
// stored dword without triggering read side effects.
func (e *E1000) Write(off uint64, size int, v uint64) {
	if size == 8 {
		e.Write(off, 4, v&0xFFFF_FFFF)
		e.Write(off+4, 4, v>>32)
		return
	}
	if off >= BAR0Size {
		return
	}
	aligned := uint32(off &^ 3)
	val := uint32(v)
	if size < 4 {
		shift := (off & 3) * 8
		mask := uint32(1<<(8*size)-1) << shift
		val = uint32(v) << shift & mask
		if r := registerAt(aligned); r == nil || r.acc != w1 {
			val |= e.reg(aligned) &^ mask
		}
	}
	e.write32(aligned, val)
}

// read32 is a guest read of the dword at off, as the table says.
func (e *E1000) read32(off uint32) uint32 {
	r := registerAt(off)
	if r == nil {
		e.logOnce(fmt.Sprintf("read %#x", off), "read of unknown register %#x", off)
		return 0
	}
	v := e.reg(off)
	if r.read != nil {
		v = r.read(e, off)
	}
	e.notify(event{kind: evRead, reg: r, off: off, v: v})
	return v
}

// write32 is a guest write of the dword at off, as the table says.
func (e *E1000) write32(off uint32, v uint32) {
	r := registerAt(off)
	if r == nil {
		e.logOnce(fmt.Sprintf("write %#x", off), "write of unknown register %#x", off)
		return
	}
	e.notify(event{kind: evWrite, reg: r, off: off, v: v})
	switch {
	case r.write != nil:
		r.write(e, off, v)
	case r.acc != ro:
		e.setReg(off, v&^r.reserved)
	}
	if r.then != nil {
		r.then(e)
	}
	e.notify(event{kind: evWritten, reg: r, off: off, v: v})
}

// raise sets interrupt causes and re-evaluates the line.
func (e *E1000) raise(cause uint32) {
	e.setReg(regICR, e.reg(regICR)|cause)
	e.updateIRQ()
}

// updateIRQ drives the level-triggered INTA: high while ICR & IMS != 0.
func (e *E1000) updateIRQ() {
	level := e.reg(regICR)&e.reg(regIMS) != 0
	e.cfg.SetINTx(level)
	e.notify(event{kind: evLine, level: level})
}

// String is a one-line summary for the end of a run.
func (s Stats) String() string {
	return fmt.Sprintf("e1000: %d frames sent, %d received; dropped: %d filtered, %d while RX off, %d bad size, %d queue overflow, %d bad TX",
		s.TxFrames, s.RxFrames, s.RxFiltered, s.RxDisabled, s.RxBadSize, s.RxOverflow, s.TxDropped)
}
