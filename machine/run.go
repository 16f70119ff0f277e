package machine

import (
	"context"
	"fmt"
	"time"

	"github.com/rvemu/rvemu/cpu"
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
	defer close(m.ended)
	defer func() {
		m.stats.wall = time.Since(m.stats.start)
		if cerr := m.Close(); err == nil && cerr != nil {
			exitCode, err = 1, cerr
		}
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
	for {
		code, err := m.run(ctx, in)
		if err != nil || !m.fin.reset || m.cfg.NoReboot {
			return code, err
		}
		m.reboot()
	}
}

// chooseLoop picks, once, the loop Run runs (serial or parallel) and how
// the serial loop gives the harts their turns: ordinary quanta, the
// instruction tracer's single steps (--trace insn), and with a GDB stub the
// debugger's single steps while it has something set.
func (m *Machine) chooseLoop() {
	if m.par != nil {
		// Each hart's goroutine picks its own kind of quantum (hartLoop).
		m.run, m.runSteps = m.runParallel, m.runInsnsParallel
		return
	}
	m.run, m.runSteps = m.runSerial, m.runInsns
	turn := m.serialTurn
	if m.insn != nil {
		turn = m.insnTurn
	}
	if dbg := m.dbg; dbg != nil {
		quanta := turn
		turn = func() bool {
			if dbg.Active() {
				return dbg.Turn()
			}
			return quanta()
		}
	}
	m.turn = turn
}

// runSerial is Run's loop with the harts taking turns on this goroutine.
func (m *Machine) runSerial(ctx context.Context, in *input) (int, error) {
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
		// (Stopped from the monitor, the harts wait for its cont.)
		ran := !m.paused && m.turn()
		m.pollChecks()
		if m.out.Buffered() > 0 {
			m.out.Flush()
		}
		// Virtual time jumps over idle time whatever the host did
		// meanwhile: a replay, which has no host side, jumps there too.
		hostWork := len(m.posted) > 0 || len(m.netWake) > 0
		if !ran && (!hostWork || m.clock.kind == ClockVirtual) {
			if _, done := m.exited(); done {
				continue // posted work ended the run (monitor quit, gdb kill)
			}
			// Every hart waits: compile what became hot meanwhile now,
			// not inside the code that next runs it.
			for _, h := range m.harts {
				h.TranslateHot()
			}
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
	if m.dbg != nil && m.dbg.Killed() || m.quit {
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
	if m.paused {
		armed = false // stopped harts wait for the monitor, not for timers
	}
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
		if m.spinForNet(ctx, in, min(d, netSpin)) {
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
