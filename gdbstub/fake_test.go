package gdbstub

import (
	"errors"
	"fmt"
	"sync"
)

// fakeTarget is a Target with plain state: registers per hart, a small
// RAM at fakeBase, and a log of the calls that move the machine. Its
// "machine loop" is one goroutine running posted functions in order.
type fakeTarget struct {
	posted chan func()
	quit   chan struct{}
	wg     sync.WaitGroup

	// Loop state: touched only by functions on the loop.
	regs        []map[Reg]uint64
	mem         []byte
	breakpoints map[uint64]bool
	watchpoints []Watchpoint
	calls       []string
	onStop      func(Stop)
}

const fakeBase = 0x80000000

func newFakeTarget(harts int) *fakeTarget {
	f := &fakeTarget{
		posted:      make(chan func()),
		quit:        make(chan struct{}),
		mem:         make([]byte, 64),
		breakpoints: map[uint64]bool{},
	}
	for h := 0; h < harts; h++ {
		r := map[Reg]uint64{RegPC: fakeBase + uint64(h)*4, RegPriv: 3, RegCSR(0x141): 0x8000_1234}
		for i := 1; i < 32; i++ {
			r[RegX(i)] = uint64(h)<<32 | uint64(i)
		}
		f.regs = append(f.regs, r)
	}
	for i := range f.mem {
		f.mem[i] = byte(i)
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			select {
			case fn := <-f.posted:
				fn()
			case <-f.quit:
				return
			}
		}
	}()
	return f
}

func (f *fakeTarget) stop() { close(f.quit); f.wg.Wait() }

// onLoop runs fn on the loop and waits: the test's way to look or to
// report a stop.
func (f *fakeTarget) onLoop(fn func()) {
	done := make(chan struct{})
	f.posted <- func() { fn(); close(done) }
	<-done
}

func (f *fakeTarget) log() []string {
	var c []string
	f.onLoop(func() { c = append(c, f.calls...) })
	return c
}

func (f *fakeTarget) Post(fn func()) { f.posted <- fn }

func (f *fakeTarget) Attach(onStop func(Stop)) {
	f.onStop = onStop
	f.calls = append(f.calls, "attach")
}

func (f *fakeTarget) Detach() {
	f.onStop = nil
	f.breakpoints, f.watchpoints = map[uint64]bool{}, nil
	f.calls = append(f.calls, "detach")
}

func (f *fakeTarget) Harts() int { return len(f.regs) }

func (f *fakeTarget) ReadRegister(h int, r Reg) (uint64, bool) {
	if h < 0 || h >= len(f.regs) {
		return 0, false
	}
	return f.regs[h][r], true
}

func (f *fakeTarget) WriteRegister(h int, r Reg, v uint64) bool {
	if h < 0 || h >= len(f.regs) {
		return false
	}
	if r != 0 {
		f.regs[h][r] = v
	}
	return true
}

var errFakeFault = errors.New("fake: not in RAM")

func (f *fakeTarget) span(addr uint64, n int) ([]byte, error) {
	if addr < fakeBase || addr-fakeBase+uint64(n) > uint64(len(f.mem)) {
		return nil, errFakeFault
	}
	return f.mem[addr-fakeBase : addr-fakeBase+uint64(n)], nil
}

func (f *fakeTarget) ReadMemory(h int, addr uint64, p []byte) error {
	m, err := f.span(addr, len(p))
	copy(p, m)
	return err
}

func (f *fakeTarget) WriteMemory(h int, addr uint64, p []byte) error {
	m, err := f.span(addr, len(p))
	copy(m, p)
	return err
}

func (f *fakeTarget) SetBreakpoint(addr uint64, on bool) {
	if on {
		f.breakpoints[addr] = true
	} else {
		delete(f.breakpoints, addr)
	}
}

func (f *fakeTarget) SetWatchpoint(w Watchpoint, on bool) {
	if on {
		f.watchpoints = append(f.watchpoints, w)
		return
	}
	for i, x := range f.watchpoints {
		if x == w {
			f.watchpoints = append(f.watchpoints[:i], f.watchpoints[i+1:]...)
			return
		}
	}
}

func (f *fakeTarget) Continue() { f.calls = append(f.calls, "continue") }
func (f *fakeTarget) ContinueHarts(harts []int) {
	f.calls = append(f.calls, fmt.Sprintf("continue %v", harts))
}
func (f *fakeTarget) Step(h int) { f.calls = append(f.calls, fmt.Sprintf("step %d", h)) }
func (f *fakeTarget) Halt() {
	f.calls = append(f.calls, "halt")
	f.onStop(Stop{Reason: StopHalted}) // as the contract says: always reported
}
func (f *fakeTarget) Kill()         { f.calls = append(f.calls, "kill") }
func (f *fakeTarget) report(s Stop) { f.onLoop(func() { f.onStop(s) }) }
