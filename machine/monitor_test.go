package machine

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/gdbstub"
	"github.com/rvemu/rvemu/internal/rvasm"
)

// countGuest counts forever in the dword at 0x80000028 on hart 0; other
// harts wait in WFI (no interrupt is enabled: for good).
const countGuest = `
	.option norvc
	.globl _start
_start:
	la t0, counter        # 0x80000000, 0x80000004
	bnez a0, 2f           # 0x80000008
1:	ld t1, 0(t0)          # 0x8000000c
	addi t1, t1, 1
	sd t1, 0(t0)
	j 1b
2:	wfi                   # 0x8000001c
	j 2b
	.align 3
counter: .dword 0         # 0x80000028
`

// bootCountGuest is countGuest that first counts its boots in the word at
// 0x80100000, outside the image (a reset keeps RAM there).
const bootCountGuest = `
	.option norvc
	.globl _start
_start:
	la t0, counter        # 0x80000000, 0x80000004
	bnez a0, 2f           # 0x80000008
	j boots               # 0x8000000c
1:	ld t1, 0(t0)          # 0x80000010
	addi t1, t1, 1
	sd t1, 0(t0)
	j 1b
2:	wfi                   # 0x80000020
	j 2b
counter: .dword 0         # 0x80000028
boots:	li t2, 0x80100000
	lw t3, 0(t2)
	addi t3, t3, 1
	sw t3, 0(t2)
	j 1b
`

// startMonitored runs countGuest with cfg (Kernel filled in) until the
// test ends.
func startMonitored(t *testing.T, cfg Config) (*Machine, chan runResult) {
	t.Helper()
	return startMonitoredGuest(t, countGuest, cfg)
}

// startMonitoredGuest runs the guest src with cfg until the test ends.
func startMonitoredGuest(t *testing.T, src string, cfg Config) (*Machine, chan runResult) {
	t.Helper()
	cfg.Kernel = rvasm.Build(t, src, rvasm.Options{})
	cfg.RAM, cfg.Timeout = 16<<20, 30*time.Second
	m, err := New(cfg)
	require.NoError(t, err)
	done := make(chan runResult, 1)
	go func() {
		code, err := m.Run(context.Background())
		done <- runResult{code: code, err: err}
	}()
	t.Cleanup(func() {
		m.MonitorCommand("quit")
		<-done
	})
	return m, done
}

// ask runs a monitor command that must leave the machine running.
func ask(t *testing.T, m *Machine, line string) string {
	t.Helper()
	out, alive := m.MonitorCommand(line)
	require.True(t, alive, line)
	return out
}

// counter reads the guest's count through the monitor.
func counter(t *testing.T, m *Machine) uint64 {
	t.Helper()
	return xpValue(t, m, "xp /1ug 0x80000028")
}

// xpValue runs an xp of one unsigned value and returns the value.
func xpValue(t *testing.T, m *Machine, xp string) uint64 {
	t.Helper()
	out := ask(t, m, xp)
	f := strings.Fields(out)
	require.Len(t, f, 2, out)
	v, err := strconv.ParseUint(f[1], 10, 64)
	require.NoError(t, err)
	return v
}

// boots reads bootCountGuest's count of its boots through the monitor.
func boots(t *testing.T, m *Machine) uint64 {
	t.Helper()
	return xpValue(t, m, "xp /1uw 0x80100000")
}

func TestMonitorStopAndCont(t *testing.T) {
	m, done := startMonitored(t, Config{Paused: true})
	assert.Equal(t, "VM status: paused\n", ask(t, m, "info status"))
	assert.Zero(t, counter(t, m), "-S: nothing ran")
	assert.Equal(t, "", ask(t, m, "cont"))
	require.Eventually(t, func() bool { return counter(t, m) > 1000 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, "", ask(t, m, "stop"))
	stopped := counter(t, m)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, stopped, counter(t, m), "stopped harts do not count")
	// Guest time stands still while stopped, as on QEMU.
	t0 := ask(t, m, "p /u $time")
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, t0, ask(t, m, "p /u $time"), "mtime frozen")
	regs := ask(t, m, "info registers")
	assert.Contains(t, regs, "\nCPU#0\n pc       00000000800000")
	assert.Contains(t, regs, "\n f0/ft0   0000000000000000 f1/ft1   0000000000000000", "F and D: f registers too")
	assert.Equal(t, "0\n", ask(t, m, "p /x $fcsr"))
	assert.Regexp(t, `^\* CPU #0: pc=0x00000000800000[01][0-9a-f] mode=M\n$`, ask(t, m, "info cpus"))

	// After cont it goes on from there: 20 ms stopped are not in mtime.
	frozen, err := strconv.ParseUint(strings.TrimSpace(t0), 10, 64)
	require.NoError(t, err)
	began := time.Now()
	ask(t, m, "cont")
	ask(t, m, "stop")
	ran := time.Since(began)
	now, err := strconv.ParseUint(strings.TrimSpace(ask(t, m, "p /u $time")), 10, 64)
	require.NoError(t, err)
	assert.LessOrEqual(t, now-frozen, uint64(ran/100)+1, "mtime moved only while running (10 MHz)")

	out, alive := m.MonitorCommand("quit")
	assert.Equal(t, "", out)
	assert.False(t, alive)
	r := <-done
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code)
	done <- r // for the cleanup
	out, alive = m.MonitorCommand("info status")
	assert.False(t, alive, "after the end: no machine")
	assert.Empty(t, out)
}

func TestMonitorDevices(t *testing.T) {
	m, _ := startMonitored(t, Config{Net: NetConfig{Enabled: true}})
	pci := ask(t, m, "info pci")
	assert.Contains(t, pci, "  Bus  0, device   0, function 0:\n    Host bridge: PCI device 1b36:0008\n      PCI subsystem 1af4:1100\n")
	assert.Contains(t, pci, "    Ethernet controller: PCI device 8086:100e\n      PCI subsystem 1af4:1100\n      IRQ 0, pin A\n")
	assert.Contains(t, pci, "      BAR0: 32 bit memory at 0xffffffffffffffff [0x0001fffe].\n", "the guest never enabled it")
	assert.Equal(t, "e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:56\n \\ net0: index=0,type=user,net=10.0.2.0,restrict=off\n",
		ask(t, m, "info network"))
	assert.Equal(t, "No translation or protection\n", ask(t, m, "info mem"))
	assert.Equal(t, "unknown command: 'bogus'\n", ask(t, m, "bogus"))
}

// With a GDB stub, stop and cont go through the debugger, so that gdb
// hears of a stop and the monitor does not resume harts gdb holds.
func TestMonitorWithDebugger(t *testing.T) {
	m, _ := startMonitored(t, Config{GDBListen: "127.0.0.1:0", GDBWait: true, Harts: 2})
	assert.Equal(t, "VM status: paused (debug)\n", ask(t, m, "info status"))
	assert.Equal(t, "", ask(t, m, "cont"), "-S and no gdb yet: the monitor may start it")
	require.Eventually(t, func() bool { return counter(t, m) > 0 && strings.Contains(ask(t, m, "info cpus"), "(halted)") },
		10*time.Second, time.Millisecond, "hart 0 counts, hart 1 waits in WFI")

	stops := make(chan gdbstub.Stop, 4)
	done := make(chan struct{})
	m.Post(func() { m.dbg.Attach(func(s gdbstub.Stop) { stops <- s }); close(done) })
	<-done
	assert.Equal(t, "gdb holds the harts: continue from gdb (or detach it)\n", ask(t, m, "cont"))
	m.Post(func() { m.dbg.Continue() })
	assert.Equal(t, "", ask(t, m, "stop"))
	assert.Equal(t, gdbstub.StopHalted, (<-stops).Reason, "gdb hears of the monitor's stop")
	assert.Equal(t, "VM status: paused (debug)\n", ask(t, m, "info status"))
	assert.Regexp(t, `^\* CPU #0: pc=0x[0-9a-f]+ mode=M\n  CPU #1: pc=0x0*800000(1c|20) mode=M \(halted\)\n$`, ask(t, m, "info cpus"),
		"halted is WFI, not gdb's hold")

	// gdb's own monitor: its CPU follows gdb's thread.
	var out string
	done = make(chan struct{})
	m.Post(func() { out = m.dbg.Command(0, "info registers"); close(done) })
	<-done
	assert.Contains(t, out, "\nCPU#0\n")

	// gdb's monitor system_reset: the board resets and gdb keeps holding
	// the harts, now at the entry.
	done = make(chan struct{})
	m.Post(func() { out = m.dbg.Command(0, "system_reset"); close(done) })
	<-done
	assert.Equal(t, "", out)
	require.Eventually(t, func() bool { return counter(t, m) == 0 }, 10*time.Second, time.Millisecond,
		"the image written again")
	assert.Equal(t, "VM status: paused (debug)\n", ask(t, m, "info status"))
	assert.Regexp(t, `^\* CPU #0: pc=0x0*80000000 mode=M\n  CPU #1: pc=0x0*80000000 mode=M\n$`, ask(t, m, "info cpus"))
}

// With harts on goroutines of their own, the monitor holds them at the
// end of their quanta to look at them; stop and cont work as serially.
func TestMonitorParallel(t *testing.T) {
	m, _ := startMonitored(t, Config{Harts: 2})
	require.True(t, m.Parallel(), "the default with two harts")
	require.Eventually(t, func() bool { return counter(t, m) > 1000 }, 10*time.Second, time.Millisecond)
	assert.Regexp(t, `^\* CPU #0: pc=0x00000000800000[01][0-9a-f] mode=M\n  CPU #1: pc=0x`, ask(t, m, "info cpus"))
	assert.Contains(t, ask(t, m, "info registers 1"), "\n mhartid  0000000000000001\n")
	assert.Equal(t, "", ask(t, m, "stop"))
	stopped := counter(t, m)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, stopped, counter(t, m), "stopped harts do not count")
	assert.Equal(t, "VM status: paused\n", ask(t, m, "info status"))
	assert.Equal(t, "", ask(t, m, "cont"))
	require.Eventually(t, func() bool { return counter(t, m) > stopped+1000 }, 10*time.Second, time.Millisecond)
}

// -S with parallel harts: nothing runs until cont.
func TestMonitorParallelStartsPaused(t *testing.T) {
	m, _ := startMonitored(t, Config{Harts: 2, Paused: true})
	time.Sleep(20 * time.Millisecond)
	assert.Zero(t, counter(t, m))
	assert.Equal(t, "", ask(t, m, "cont"))
	require.Eventually(t, func() bool { return counter(t, m) > 0 }, 10*time.Second, time.Millisecond)
}

// system_reset resets the board as the test device's reset value does:
// the image is written again (the count is back to 0) and the harts start
// at the entry. Stopped from the monitor, the board stays stopped after
// the reset, as on QEMU, and counts again after cont.
func TestMonitorSystemReset(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"one hart", Config{}},
		{"two harts on host threads", Config{Harts: 2}},
		{"two harts taking turns", Config{Harts: 2, Threads: ThreadsSingle}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := startMonitoredGuest(t, bootCountGuest, tc.cfg)
			require.Eventually(t, func() bool { return counter(t, m) > 1000 }, 10*time.Second, time.Millisecond)
			assert.Equal(t, uint64(1), boots(t, m), "booted once")
			assert.Equal(t, "", ask(t, m, "system_reset"))
			require.Eventually(t, func() bool { return boots(t, m) == 2 },
				10*time.Second, time.Millisecond, "booted again")

			assert.Equal(t, "", ask(t, m, "stop"))
			assert.Equal(t, "", ask(t, m, "system_reset"))
			require.Eventually(t, func() bool { return counter(t, m) == 0 }, 10*time.Second, time.Millisecond,
				"the image written again")
			assert.Equal(t, "VM status: paused\n", ask(t, m, "info status"))
			assert.Regexp(t, `^\* CPU #0: pc=0x0*80000000 mode=M\n`, ask(t, m, "info cpus"), "at the entry")
			time.Sleep(20 * time.Millisecond)
			assert.Zero(t, counter(t, m), "still stopped")
			assert.Equal(t, uint64(2), boots(t, m))
			assert.Equal(t, "", ask(t, m, "cont"))
			require.Eventually(t, func() bool { return boots(t, m) == 3 },
				10*time.Second, time.Millisecond, "the third boot")
			require.Eventually(t, func() bool { return counter(t, m) > 0 }, 10*time.Second, time.Millisecond)
		})
	}
}

// With NoReboot (-no-reboot) system_reset ends the run with status 0, as
// QEMU's does.
func TestMonitorSystemResetNoReboot(t *testing.T) {
	m, done := startMonitored(t, Config{NoReboot: true})
	require.Eventually(t, func() bool { return counter(t, m) > 0 }, 10*time.Second, time.Millisecond)
	out, alive := m.MonitorCommand("system_reset")
	assert.Equal(t, "", out)
	assert.False(t, alive, "the run ends")
	r := <-done
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code)
	done <- r // for the cleanup
}
