package machine

import (
	"errors"
	"strings"

	"github.com/rvemu/rvemu/monitor"
	"github.com/rvemu/rvemu/symtab"
)

// The QEMU monitor (package monitor) sees the board through monitorBoard.
// Its commands run on the machine loop: MonitorCommand posts them there
// from the console, and gdb's "monitor CMD" arrives there through the
// debug target.

// monitorBoard is the board as package monitor sees it.
type monitorBoard struct{ m *Machine }

func (b monitorBoard) Harts() int { return len(b.m.harts) }

func (b monitorBoard) Hart(i int) monitor.Hart {
	h := b.m.harts[i]
	return monitor.Hart{PC: h.PC, X: h.X, Priv: h.Priv, Waiting: h.InWFI(), FPU: true, F: h.F}
}

func (b monitorBoard) CSR(i int, n uint16) uint64 { return b.m.harts[i].ReadCSR(n) }

func (b monitorBoard) ReadPhys(pa uint64, p []byte) bool {
	if !b.m.bus.InRAM(pa, uint64(len(p))) {
		return false
	}
	copy(p, b.m.bus.RAM[pa-b.m.bus.RAMBase:])
	return true
}

func (b monitorBoard) PCI() []monitor.PCIFunction {
	var out []monitor.PCIFunction
	for _, f := range b.m.pci.Functions() {
		c := f.Config
		pf := monitor.PCIFunction{Slot: f.Slot, Func: f.Func,
			VendorID: c.VendorID, DeviceID: c.DeviceID,
			SubsystemVendorID: c.SubsystemVendorID, SubsystemID: c.SubsystemID,
			Class: c.Class, InterruptLine: c.InterruptLine(), InterruptPin: c.InterruptPin}
		for i, bar := range c.BARs {
			if bar.Size == 0 {
				continue
			}
			addr := c.BARAddress(i)
			if bar.IO && c.Command()&1 == 0 || !bar.IO && !c.MemoryEnabled() {
				addr = monitor.PCIUnmapped
			}
			pf.BARs = append(pf.BARs, monitor.PCIBAR{Index: i, IO: bar.IO, Addr: addr, Size: bar.Size})
		}
		out = append(out, pf)
	}
	return out
}

func (b monitorBoard) NICs() []monitor.NIC {
	if b.m.net == nil {
		return nil
	}
	return []monitor.NIC{{Name: "e1000.0", Model: "e1000", MAC: b.m.net.nic.MAC(),
		BackendID: "net0", Backend: "type=user,net=10.0.2.0,restrict=off"}}
}

func (b monitorBoard) Status() string {
	switch {
	case b.m.paused:
		return "paused"
	case b.m.dbg != nil && b.m.dbg.Halted():
		return "paused (debug)"
	}
	return "running"
}

// Stop pauses the harts. With a GDB stub the debugger's halt does it, so
// that an attached gdb hears of the stop and its continue resumes them.
func (b monitorBoard) Stop() {
	if d := b.m.dbg; d != nil {
		if !d.Halted() {
			d.Halt()
		}
		return
	}
	b.m.pause(true)
}

// errHeldByGDB: the monitor does not take the harts from under gdb.
var errHeldByGDB = errors.New("gdb holds the harts: continue from gdb (or detach it)")

func (b monitorBoard) Cont() error {
	b.m.pause(false)
	if d := b.m.dbg; d != nil && d.Halted() {
		if d.Attached() {
			return errHeldByGDB
		}
		d.Continue() // -S with no debugger connected yet
	}
	return nil
}

// Reset is QEMU's system_reset: the board resets as when the guest writes
// the test device's reset value (see reboot), so the kernel boots again;
// with NoReboot the run ends instead (status 0), as QEMU's -no-reboot
// turns a monitor reset into a shutdown. A board stopped by the monitor
// stays stopped after the reset, and a debugger keeps the harts it holds.
func (b monitorBoard) Reset() error {
	b.m.requestReset()
	return nil
}

func (b monitorBoard) Quit() { b.m.quit = true }

// pause stops (or resumes) every hart for the monitor, and guest time
// with them, as QEMU's stop does: a guest sees no time pass while stopped
// (its timers do not all fire at cont).
func (m *Machine) pause(on bool) {
	m.paused = on
	if on {
		m.clock.freeze()
	} else {
		m.clock.thaw()
	}
}

// newMonitor makes a monitor of this board, with the kernel's symbols
// for its disassembly.
func (m *Machine) newMonitor() *monitor.Monitor {
	if m.syms == nil {
		m.syms = symtab.Load(m.cfg.Kernel)
	}
	return monitor.New(monitorBoard{m}, m.syms)
}

// MonitorCommand runs one QEMU monitor command line (package monitor) on
// the machine loop (on the parallel board, with every hart stopped between
// two quanta while it runs) and returns its output. alive is false once the run has
// ended, or is ending by this command (quit). Any goroutine may call it;
// it waits for the loop, and gives up when Run returns.
func (m *Machine) MonitorCommand(line string) (out string, alive bool) {
	var b strings.Builder
	done := make(chan struct{})
	run := func() {
		defer close(done)
		if m.mon == nil {
			m.mon = m.newMonitor()
		}
		m.mon.Exec(line, &b)
		alive = !m.quit && !m.ending()
	}
	select {
	case m.posted <- run:
	case <-m.ended:
		return "", false
	}
	select {
	case <-done:
		return b.String(), alive
	case <-m.ended:
		return "", false
	}
}

// gdbCommands serves gdb's "monitor CMD" with a monitor of its own (its
// current CPU and formats are gdb's, not the console's): the current CPU
// follows gdb's thread whenever gdb switches, and `cpu N` holds until then.
func (m *Machine) gdbCommands() func(hart int, line string) string {
	var mon *monitor.Monitor
	last := -1
	return func(hart int, line string) string {
		if mon == nil {
			mon = m.newMonitor()
		}
		if hart != last {
			mon.SetCPU(hart)
			last = hart
		}
		var b strings.Builder
		mon.Exec(line, &b)
		return b.String()
	}
}
