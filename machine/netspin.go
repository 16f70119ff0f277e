package machine

import (
	"context"
	"runtime"
	"time"
)

// An idle sleep blocks the machine loop's goroutine; the datagram that
// ends it then costs a thread wake (a futex round trip through the Go
// scheduler, tens of microseconds) on top of the socket reader's own. Right
// after network traffic the next datagram is usually that close, so the
// loop first polls for up to netSpin and only then blocks. Only on the wall
// clock, and only within netSpinAfter of a frame crossing the cable: an
// idle guest costs no host CPU.
const (
	netSpin      = 200 * time.Microsecond
	netSpinAfter = 5 * time.Millisecond
)

// spinForNet busy-polls for host work for at most limit (callers pass
// netSpin or less) when the network was just active. It reports whether it
// found work (and ran the network's Poll if that was it), so the caller
// skips its sleep.
func (m *Machine) spinForNet(ctx context.Context, in *input, limit time.Duration) bool {
	if m.clock.kind != ClockWall || m.netWake == nil || in.script != nil {
		return false
	}
	start := time.Now()
	if start.Sub(m.lastNet) > netSpinAfter {
		return false
	}
	keys := in.wake()
	for {
		// ReadNow takes a datagram straight off the host socket, before
		// the socket reader's thread is even woken for it.
		if m.pollNet() || m.net.user.ReadNow() {
			return true
		}
		if len(m.posted) > 0 || len(keys) > 0 || ctx.Err() != nil {
			return true
		}
		if time.Since(start) >= limit {
			return false
		}
		// Lets the socket reader run here should no other thread be free.
		runtime.Gosched()
	}
}
