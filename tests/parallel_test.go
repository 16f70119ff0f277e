package tests

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/machine"
)

// Parallel harts (a goroutine per hart, the default with more than one)
// on whole guests, and the serial board they replace. These run without
// the race detector: guests race in plain memory on purpose
// (xv6's `started` flag, its spinlocks' plain reads); the emulator's own
// shared state is checked under -race in package machine.

// TestParallelAtomicsRepeated runs the atomics guest (3 harts hammering
// counters with AMOs, LR/SC loops and an amoswap spinlock) again and
// again on parallel harts: an SC that succeeds after another hart's store,
// or an AMO that is not atomic, loses increments sooner or later.
func TestParallelAtomicsRepeated(t *testing.T) {
	buildGuests(t)
	const runs = 10
	for i := 0; i < runs; i++ {
		t.Run(fmt.Sprint("run", i), func(t *testing.T) {
			var out, log bytes.Buffer
			m, err := machine.New(machine.Config{
				Kernel: guestELF(t, "atomics3"), Harts: 3, Threads: machine.ThreadsMulti,
				Timeout: runTimeout, ConsoleOut: &out, Log: &log,
			})
			require.NoError(t, err)
			code, err := m.Run(context.Background())
			require.NoErrorf(t, err, "log:\n%s", log.String())
			assert.Equalf(t, 0, code, "the status names the counter that was off; console:\n%s", out.String())
			assert.Equal(t, []string{"atomics: start", "atomics: counters exact", "PASS"}, transcript(out.String(), nil))
		})
	}
}

// TestXv6ParallelStress boots our kernel on 3 harts through the command
// line (parallel: the default) and runs every part of stress, with either
// timer: Sstc (each hart's stimecmp) and the CLINT (mtimecmp through
// M-mode), whose deadlines wake a parallel hart sleeping in WFI.
func TestXv6ParallelStress(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	rvemu := buildRvemu(t)
	for _, tc := range []struct {
		timer string
		vars  []string
	}{
		{"sstc", nil},
		{"clint", []string{"B=build/clint", "TIMER=clint"}},
	} {
		t.Run(tc.timer, func(t *testing.T) {
			build := xv6Build(t, tc.vars...)
			var stderr bytes.Buffer
			c := startRvemu(t, rvemu, build, &stderr, "--smp", "3", "--stats")
			c.waitFor(xv6Prompt, 0)
			assert.Contains(t, c.output(), "rvemu xv6: booting, timer "+tc.timer+"\n")
			steps := []xv6Step{
				{cmd: "echo hi > f; cat f", want: []string{"hi"}},
				{cmd: "stress", match: xv6StressLines},
				{cmd: "stress exec fork pipe", match: []string{xv6StressLines[2], xv6StressLines[1], xv6StressLines[4]}},
			}
			for _, s := range steps {
				t.Run(s.cmd, func(t *testing.T) { s.check(t, c.run(s.cmd)) })
			}
			c.finish()
			assert.Contains(t, stderr.String(), "stats: ")
		})
	}
}

// TestNettestsRvemuSerial is TestNettestsRvemu with the harts taking
// turns on one goroutine (--parallel=false), the board --clock virtual
// and --record use. Loopback only, as the default test.
func TestNettestsRvemuSerial(t *testing.T) {
	r := netRun{name: "rvemu --parallel=false", boot: func(t *testing.T, build string) *netGuest {
		return bootRvemuNetOn(t, build, machine.ThreadsSingle)
	}, dnsAnswered: true}
	if inNetnsChild() {
		runNettestsInNetns(t, r)
		return
	}
	runNetTest(t, "TestNettestsRvemuSerial", r)
}
