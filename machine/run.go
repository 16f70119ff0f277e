package machine

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rvemu/rvemu/cpu"
	"github.com/rvemu/rvemu/replay"
)

// Interrupt-pending bits the board drives (mip layout).
const (
	ipMSIP = 1 << 3
	ipMTIP = 1 << 7
	ipSEIP = 1 << 9
	ipMEIP = 1 << 11
)

// Run starts the harts and returns when the guest powers off (its status),
// when the timeout passes (ExitTimeout, ErrTimeout) or when ctx is done
// (ctx.Err()). It may be called once.
func (m *Machine) Run(ctx context.Context) (exitCode int, err error) {
	m.stats.start = time.Now()
	defer func() {
		m.stats.wall = time.Since(m.stats.start)
		if cerr := m.Close(); err == nil && cerr != nil {
			exitCode, err = 1, cerr
		}
		m.virtioHint()
	}()
	defer func() { m.stopGDB(exitCode) }()
	if m.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, m.cfg.Timeout, ErrTimeout)
		defer cancel()
	}
	var in *input
	if m.script != nil {
		in = &input{script: m.script} // the recording is the only input
	} else {
		in = startInput(m.cfg.ConsoleIn, ctx.Done())
	}
	in.rec, in.point = m.rec, m.point
	m.in = in
	if m.rec != nil {
		defer func() { m.rec.End(m.point()) }()
	}
	if m.cfg.Parallel {
		return m.runParallel(ctx, in)
	}
	idle := newIdler()
	defer idle.stop()

	for {
		m.stats.turns++
		if code, done := m.exited(); done {
			return code, nil
		}
		select {
		case <-ctx.Done():
			if context.Cause(ctx) == ErrTimeout {
				return ExitTimeout, ErrTimeout
			}
			return 1, ctx.Err()
		default:
		}
		m.runPosted()
		m.pollNet()
		m.feedInput()
		if m.script != nil && m.script.Ended(m.point()) {
			fmt.Fprintf(m.cfg.Log, "rvemu: replay: end of the recording at %d instructions\n", m.clock.retired)
			return 0, nil
		}

		// Sample the interrupt lines at a known mtime: deadlines after it
		// can still wake a hart, earlier ones were seen by this sampling.
		sampled := m.clock.now()
		for _, h := range m.harts {
			m.sampleIRQs(h)
		}
		// ran: some hart had its turn (spinning harts included: the board
		// never sleeps just because every hart spins).
		ran := false
		if m.dbg != nil && m.dbg.Active() {
			ran = m.dbg.Turn()
		} else if m.insn != nil {
			ran = m.insnTurn()
		} else {
			for i, h := range m.harts {
				if m.clock.kind == ClockWall && (len(m.posted) > 0 || len(m.netWake) > 0) {
					m.runPostedNow()
				}
				if h.Waiting() {
					m.spin[i].spinning = false
					continue
				}
				ran = true
				m.setCurrent(h)
				quantum := m.cfg.Quantum
				if m.rxTurn {
					m.rxTurn = false
					quantum *= rxTurnQuantum
				}
				m.runHart(h, &m.spin[i], quantum)
				if _, done := m.fin.exited(); done {
					break
				}
			}
		}
		m.pollChecks()
		if m.out.Buffered() > 0 {
			m.out.Flush()
		}
		// Virtual time jumps over idle time whatever the host did
		// meanwhile: a replay, which has no host side, jumps there too.
		hostWork := len(m.posted) > 0 || len(m.netWake) > 0
		if !ran && (!hostWork || m.clock.kind == ClockVirtual) {
			m.sleep(ctx, idle, in, sampled)
		}
	}
}

// runPostedNow runs host work (a received datagram, say) between two
// harts' turns instead of after the last one: with three harts a round of
// turns is tens of microseconds, which a round trip would otherwise wait.
// The interrupt lines are sampled again so the frame's interrupt reaches
// the harts that run next, waiting ones included. Only on the wall clock:
// under the virtual clock (record, replay) host work waits for the loop's
// top, where a replay finds it at the same point.
func (m *Machine) runPostedNow() {
	m.runPosted()
	m.pollNet()
	for _, h := range m.harts {
		m.sampleIRQs(h)
	}
}

// rxTurnQuantum multiplies the quantum of the first hart turn after a
// frame reached the NIC. Every hart takes the NIC's interrupt (the PLIC
// raises it on all enabled contexts); interleaved in ordinary quanta, the
// harts that lose the claim run their scheduler scans and contend for the
// same locks in between the one that handles the frame, and measured, the
// echo left after ~45000 guest instructions instead of ~17000. A hart
// that goes idle ends its turn early, so this costs nothing then.
const rxTurnQuantum = 10

// runHart gives h a turn of quantum instructions. Run returns early after MMIO, so device
// state is re-sampled right away: an interrupt raised by a register write
// is seen before the hart runs on. A spinning hart's turn is one replay of
// its cycle; other harts are probed for spins now and then (spin.go).
func (m *Machine) runHart(h *cpu.Hart, spin *spinTrack, quantum int) {
	left := quantum
	if spin.spinning {
		used, ok := m.stillSpinning(h, spin)
		if ok {
			return
		}
		spin.spinning, spin.skip, spin.backoff = false, 0, 0
		left -= used
		if h.Waiting() {
			return
		}
		m.afterMMIO(h)
	} else if m.shareTurns() && spin.skip > 0 {
		spin.skip--
	} else if m.shareTurns() {
		used, period, r := m.probe(h)
		spin.afterProbe(r)
		if spin.spinning {
			spin.period = period
			spin.found++
			if !m.alignSpin(h, period) {
				spin.spinning, spin.skip, spin.backoff = false, 0, 0
			}
			return
		}
		left -= used
		if r == probeStopped {
			if h.Waiting() {
				return
			}
			m.afterMMIO(h)
		}
	}
	for left > 0 {
		mmio := m.mmioCount
		spin.before.capture(h)
		n := h.Run(left)
		m.clock.advance(n)
		// A whole budget that ends where it began, without device
		// access, is a loop whose period divides it: probe next turn.
		if n == left && mmio == m.mmioCount && spin.before.same(h) {
			spin.skip, spin.backoff = 0, 0
		}
		left -= n
		if n == 0 || h.Waiting() {
			return
		}
		if _, done := m.fin.exited(); done {
			return
		}
		m.afterMMIO(h)
	}
	if m.shareTurns() {
		m.leaveQuiescent(h)
	}
	return
}

// shareTurns: spin detection and lock-holder care only matter when harts
// share the host thread.
func (m *Machine) shareTurns() bool { return len(m.harts) > 1 && !m.cfg.NoSpinDetect }

// Lock-holder preemption: a hart switched out inside a critical section
// leaves the others spinning on its lock for their whole turns. Kernels
// hold spinlocks with interrupts disabled, so a hart whose turn ends with
// interrupts off runs on in short steps until they are on again, within a
// bound (a hart may legitimately run long with interrupts off).
const (
	lhpStep  = 32
	lhpSteps = 16
)

func (m *Machine) leaveQuiescent(h *cpu.Hart) {
	for i := 0; i < lhpSteps && !quiescent(h); i++ {
		n := h.Run(lhpStep)
		m.clock.advance(n)
		if n == 0 || h.Waiting() {
			return
		}
		if _, done := m.fin.exited(); done {
			return
		}
		m.afterMMIO(h)
	}
}

// afterMMIO brings the world up to date after a hart touched a device.
func (m *Machine) afterMMIO(h *cpu.Hart) {
	// A guest polling the UART takes held input as fast as it reads,
	// not one FIFO-full per turn.
	if m.in.holding() || len(m.heldFrames) > 0 {
		m.feedInput()
	}
	m.sampleIRQs(h)
}

// sampleIRQs copies the interrupt controllers' outputs into h's mip.
func (m *Machine) sampleIRQs(h *cpu.Hart) {
	id := h.ID
	h.SetIP(ipMSIP, m.clint.MSIP(id))
	h.SetIP(ipMTIP, m.clint.MTIP(id))
	h.SetIP(ipMEIP, m.plic.MEIP(id))
	h.SetIP(ipSEIP, m.plic.SEIP(id))
}

// exited checks the two ways a guest ends the run: the finisher and HTIF.
func (m *Machine) exited() (int, bool) {
	if m.dbg != nil && m.dbg.Killed() {
		return 0, true
	}
	if code, done := m.fin.exited(); done {
		return code, true
	}
	if m.htif != nil {
		return m.htif.poll()
	}
	return 0, false
}

// sleep blocks while every hart waits or spins: until the earliest timer deadline,
// a host event, or the end of the run. No host CPU is spent meanwhile.
func (m *Machine) sleep(ctx context.Context, idle *idler, in *input, sampled uint64) {
	m.stats.sleeps++
	deadline, armed := m.nextDeadline(sampled)
	if m.clock.kind == ClockVirtual && armed {
		m.clock.idleUntil(deadline) // jump; nothing to wait for
		return
	}
	if in.script != nil && in.script.Remaining() {
		// A recording waited here for the input that comes next.
		return
	}
	var timeout <-chan time.Time
	if armed {
		d := m.clock.idleUntil(deadline)
		if d <= 0 {
			return
		}
		if m.spinForNet(ctx, in, d) {
			return
		}
		if d = m.clock.idleUntil(deadline); d <= 0 {
			return
		}
		timeout = idle.arm(d)
	} else if m.spinForNet(ctx, in, netSpin) {
		return
	}
	select {
	case <-ctx.Done():
	case <-timeout:
	case chunk, ok := <-in.wake():
		in.accept(chunk, ok)
	case fn := <-m.posted:
		fn()
	case <-m.netWake:
		m.net.user.Poll()
	}
}

// nextDeadline is the earliest timer compare value after the sampling
// time: those are the only timers that can still wake a waiting hart.
func (m *Machine) nextDeadline(sampled uint64) (uint64, bool) {
	best, found := uint64(0), false
	consider := func(d uint64, ok bool) {
		if ok && d > sampled && (!found || d < best) {
			best, found = d, true
		}
	}
	consider(m.clint.NextDeadline())
	for _, h := range m.harts {
		consider(h.TimerDeadline())
	}
	return best, found
}

// idler owns one reusable timer for idle sleeps.
type idler struct{ t *time.Timer }

func newIdler() *idler {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &idler{t: t}
}

func (i *idler) arm(d time.Duration) <-chan time.Time {
	i.t.Reset(d) // Go 1.23+ timers: Reset drops any stale tick
	return i.t.C
}

func (i *idler) stop() { i.t.Stop() }

// console input ---------------------------------------------------------

// input carries host console bytes to the machine loop. A goroutine reads
// the host side and hands over chunks; the loop holds the current chunk
// until the UART has room, so no byte is ever dropped, and reads the next
// chunk only when the last one is delivered (back-pressure to the host).
type input struct {
	ch      chan []byte
	pending []byte

	// rec logs each delivered byte at point() (--record); script replaces
	// the host side altogether (--replay).
	rec    *replay.Recorder
	script *replay.Script
	point  func() replay.Point
}

// holding reports whether input waits for room in the UART.
func (in *input) holding() bool {
	return len(in.pending) > 0 || (in.script != nil && in.script.Remaining())
}

func startInput(r io.Reader, done <-chan struct{}) *input {
	in := &input{}
	if r == nil {
		return in // nil channel: never ready
	}
	in.ch = make(chan []byte)
	go func() {
		defer close(in.ch)
		for {
			buf := make([]byte, 512)
			n, err := r.Read(buf)
			if n > 0 {
				select {
				case in.ch <- buf[:n]:
				case <-done:
					return
				}
			}
			if err != nil {
				return // EOF does not stop the machine: input just ends
			}
		}
	}()
	return in
}

// wake is the channel the idle sleep listens on; nil (never ready) while a
// chunk is still undelivered.
func (in *input) wake() <-chan []byte {
	if len(in.pending) > 0 {
		return nil
	}
	return in.ch
}

func (in *input) accept(chunk []byte, ok bool) {
	if !ok {
		in.ch = nil // host side ended; keep running
		return
	}
	in.pending = chunk
}

// feed moves held bytes into the UART while it has room, fetching the next
// chunk from the reader without blocking.
func (in *input) feed(u replay.Receiver) {
	if in.script != nil {
		in.script.Feed(in.point(), u)
		return
	}
	for {
		if len(in.pending) == 0 {
			select {
			case chunk, ok := <-in.wake():
				in.accept(chunk, ok)
				if !ok || len(in.pending) == 0 {
					return
				}
			default:
				return
			}
		}
		for len(in.pending) > 0 && u.RxRoom() {
			u.Receive(in.pending[0])
			if in.rec != nil {
				in.rec.Console(in.point(), in.pending[0])
			}
			in.pending = in.pending[1:]
		}
		if len(in.pending) > 0 {
			return
		}
	}
}
