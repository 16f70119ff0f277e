package machine

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/rvemu/rvemu/bus"
	"github.com/rvemu/rvemu/cpu"
)

// Parallel mode (--parallel): each hart runs its quanta on a goroutine of
// its own, and the goroutine running Run is left with the host side:
// posted work, the user network, console input and output, the exit.
//
// Devices are serialised by one lock, devMu: every device access of a hart
// takes it (lockedDevice wraps each mapped device), and so does the
// board's device work (frames to the NIC, input to the UART). RAM is not
// behind it: the harts load and store directly, AMOs and LR/SC are host
// atomics (package cpu, parallel.go).
//
// Interrupt lines are sampled by each hart itself, under the lock, at the
// start of each quantum; mip is only ever written by its hart's own
// goroutine. A hart in WFI with nothing pending sleeps on its wake channel
// and a timer at its own deadline (mtimecmp, or stimecmp with Sstc). Who
// changes device state (a hart's MMIO, the board's device work) compares
// every hart's interrupt inputs with what that hart last sampled and wakes
// the ones that differ.
//
// Not repeatable: which hart gets to a lock first depends on the host. So
// the options that need a repeatable run are refused (validateParallel).

// parallel is the parallel board's part of Machine.
type parallel struct {
	// devMu serialises the devices in parallel mode: hart goroutines take
	// it for MMIO, the board for its device work.
	devMu sync.Mutex
	par   *parallelBoard
}

// parallelBoard is the state of a parallel run shared by the goroutines.
type parallelBoard struct {
	stop atomic.Bool
	kick chan struct{}   // hart -> board: exit, or input to feed
	wake []chan struct{} // -> hart i: its interrupt inputs changed, or stop
	// sampled[i] is hart i's interrupt inputs at its last sampling
	// (under devMu).
	sampled []uint64
	wg      sync.WaitGroup
	sleeps  atomic.Uint64
	// running counts harts not asleep in WFI; procs is GOMAXPROCS.
	running atomic.Int32
	procs   int32
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// errParallel is the start of every refusal.
var errParallel = errors.New("--parallel runs harts in no repeatable order")

// validateParallel refuses what needs one hart at a time on one thread.
func (c *Config) validateParallel() error {
	if !c.Parallel {
		return nil
	}
	var with string
	switch {
	case c.Clock == ClockVirtual:
		with = "--clock virtual"
	case c.Record != nil || c.Replay != nil:
		with = "--record/--replay"
	case c.GDBListen != "":
		with = "gdb (-s/-S, --gdb)"
	case c.Trace != 0 || c.TraceInsn != "":
		with = "--trace"
	case c.Check != 0:
		with = "--check"
	case !hostLittleEndian:
		return errors.New("--parallel needs a little-endian host (guest atomics are host atomics)")
	default:
		return nil
	}
	return errors.New(errParallel.Error() + ": it cannot be combined with " + with + "; drop --parallel")
}

var hostLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// lockedDevice serialises a device's register accesses between harts.
type lockedDevice struct {
	dev bus.Device
	mu  *sync.Mutex
}

func (l *lockedDevice) Read(offset uint64, size int) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dev.Read(offset, size)
}

func (l *lockedDevice) Write(offset uint64, size int, value uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dev.Write(offset, size, value)
}

// runParallel is Run's loop in parallel mode.
func (m *Machine) runParallel(ctx context.Context, in *input) (int, error) {
	p := &parallelBoard{kick: make(chan struct{}, 1), sampled: make([]uint64, len(m.harts)),
		procs: int32(runtime.GOMAXPROCS(0))}
	p.running.Store(int32(len(m.harts)))
	for range m.harts {
		p.wake = append(p.wake, make(chan struct{}, 1))
	}
	m.devMu.Lock() // the monitor reads m.par under it
	m.par = p
	m.devMu.Unlock()
	for i, h := range m.harts {
		p.wg.Add(1)
		go m.hartLoop(h, p.wake[i])
	}
	defer func() {
		p.stop.Store(true)
		for _, w := range p.wake {
			signal(w)
		}
		p.wg.Wait()
		m.stats.sleeps = p.sleeps.Load()
	}()
	// Console output is flushed at least this often, and HTIF polled.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()

	for {
		m.devMu.Lock()
		m.stats.turns++
		code, done := m.exited()
		if !done {
			m.runPosted()
			m.pollNet()
			m.feedInput()
			if m.out.Buffered() > 0 {
				m.out.Flush()
			}
			m.wakeChanged()
		}
		inWake := in.wake()
		recentNet := m.net != nil && time.Since(m.lastNet) <= netSpinAfter
		m.devMu.Unlock()
		if done {
			return code, nil
		}
		if recentNet && m.parallelSpinForNet(ctx, inWake) {
			continue
		}

		select {
		case <-ctx.Done():
			if context.Cause(ctx) == ErrTimeout {
				return ExitTimeout, ErrTimeout
			}
			return 1, ctx.Err()
		case fn := <-m.posted:
			m.devMu.Lock()
			fn()
			m.devMu.Unlock()
		case <-m.netWake:
			m.devMu.Lock()
			m.net.user.Poll()
			m.devMu.Unlock()
		case chunk, ok := <-inWake:
			m.devMu.Lock()
			in.accept(chunk, ok)
			m.devMu.Unlock()
		case <-p.kick:
		case <-tick.C:
		}
	}
}

// parallelSpinForNet is spinForNet for the parallel board: right after
// network traffic, poll the host side for up to netSpin before blocking,
// since the next datagram usually comes that soon and a blocked goroutine
// costs a thread wake-up to resume. It reports whether it found work.
func (m *Machine) parallelSpinForNet(ctx context.Context, inWake <-chan []byte) bool {
	start := time.Now()
	for {
		m.devMu.Lock()
		found := m.pollNet() || m.net.user.ReadNow()
		if found {
			m.wakeChanged()
		}
		m.devMu.Unlock()
		if found || len(m.posted) > 0 || len(m.par.kick) > 0 || len(inWake) > 0 || ctx.Err() != nil {
			return true
		}
		if time.Since(start) >= netSpin {
			return false
		}
		runtime.Gosched()
	}
}

// irqInputs is what sampleIRQs would give hart id now (under devMu).
func (m *Machine) irqInputs(id int) uint64 {
	var v uint64
	if m.clint.MSIP(id) {
		v |= ipMSIP
	}
	if m.clint.MTIP(id) {
		v |= ipMTIP
	}
	if m.plic.MEIP(id) {
		v |= ipMEIP
	}
	if m.plic.SEIP(id) {
		v |= ipSEIP
	}
	return v
}

// wakeChanged wakes the harts whose interrupt inputs are no longer what
// they last sampled (under devMu).
func (m *Machine) wakeChanged() {
	p := m.par
	for i := range m.harts {
		if m.irqInputs(i) != p.sampled[i] {
			signal(p.wake[i])
		}
	}
}

// hartLoop runs hart h until the board stops: sample the interrupt lines,
// run a quantum (or sleep in WFI), and after a device access let the
// others know.
func (m *Machine) hartLoop(h *cpu.Hart, wake chan struct{}) {
	p := m.par
	defer p.wg.Done()
	id := h.ID
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	quantum := m.cfg.Quantum
	var before hartState
	hold := &m.hartHolds[id]
	for !p.stop.Load() {
		// The hart's state is its own while it holds hold; the monitor
		// takes every hart's hold to look at them (stopWorld).
		hold.Lock()
		if m.paused {
			hold.Unlock()
			m.hartSleep(wake, timer, 0, false) // until cont wakes it
			continue
		}
		m.devMu.Lock()
		v := m.irqInputs(id)
		p.sampled[id] = v
		h.SetIP(ipMSIP|ipMTIP|ipMEIP|ipSEIP, false)
		h.SetIP(v, true)
		waiting := h.Waiting()
		var sleep time.Duration
		var armed bool
		if waiting {
			var deadline uint64
			if deadline, armed = m.hartDeadline(h); armed {
				sleep = m.clock.idleUntil(deadline)
			}
		}
		m.devMu.Unlock()

		if waiting {
			hold.Unlock()
			// No busy-poll here as the board does after network traffic:
			// measured, waiting harts spinning beside the busy one and the
			// board on two cores made UDP round trips slower, not faster.
			if !armed || sleep > 0 {
				m.hartSleep(wake, timer, sleep, armed)
			}
			continue
		}
		h.Sync()
		before.capture(h)
		n := h.Run(quantum)
		if n < quantum && !h.Waiting() {
			// It touched a device (or ran into an exit).
			m.devMu.Lock()
			_, exited := m.exited()
			kick := exited || m.in.holding() || len(m.heldFrames) > 0
			m.wakeChanged()
			m.devMu.Unlock()
			if kick {
				signal(p.kick)
			}
		}
		hold.Unlock()
		// More runnable harts than host threads: let the next one run now
		// rather than at the Go scheduler's 10 ms preemption, which would
		// leave others spinning on a lock this hart holds. Not otherwise:
		// a Gosched costs about a microsecond, an eighth of a quantum.
		if p.running.Load() > p.procs {
			if n == quantum && before.same(h) {
				// A whole quantum that ends where it began: a spin on a
				// flag or lock another hart will change. Step aside for
				// longer than a yield, or the spinners share the host
				// threads with the hart they wait for (measured: xv6's
				// secondaries spinning on `started` slowed its boot 20%).
				time.Sleep(spinNap)
			} else {
				runtime.Gosched()
			}
		}
	}
}

// spinNap is how long a spinning hart steps aside when harts outnumber
// host threads.
const spinNap = 50 * time.Microsecond

// hartDeadline is the next timer deadline of h, after now (under devMu).
func (m *Machine) hartDeadline(h *cpu.Hart) (uint64, bool) {
	now := m.clock.now()
	best, found := uint64(0), false
	consider := func(d uint64, ok bool) {
		if ok && d > now && (!found || d < best) {
			best, found = d, true
		}
	}
	consider(m.clint.Deadline(h.ID))
	consider(h.TimerDeadline())
	return best, found
}

// hartSleep blocks a waiting hart until it is woken or, when armed, d has
// passed (its timer deadline, computed under the locks: the clock is not
// read here).
func (m *Machine) hartSleep(wake chan struct{}, timer *time.Timer, d time.Duration, armed bool) {
	m.par.sleeps.Add(1)
	m.par.running.Add(-1)
	defer m.par.running.Add(1)
	var fire <-chan time.Time
	if armed {
		timer.Reset(d)
		fire = timer.C
	}
	select {
	case <-wake:
	case <-fire:
	}
	if armed {
		timer.Stop()
	}
}

// stopWorld gives the caller every parallel hart's state and the devices:
// it waits for each hart to finish its quantum (or finds it asleep) and
// keeps them out until the returned function runs. The monitor looks at
// harts this way; it must not be called from a hart's goroutine or with
// devMu held.
func (m *Machine) stopWorld() (resume func()) {
	for i := range m.hartHolds {
		m.hartHolds[i].Lock()
	}
	m.devMu.Lock()
	return func() {
		m.devMu.Unlock()
		for i := range m.hartHolds {
			m.hartHolds[i].Unlock()
		}
	}
}
