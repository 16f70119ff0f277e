package tests

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/machine"
)

// runTimeout bounds one guest run; every program finishes in well under a
// second of guest time, the slack is for -race builds on a busy host.
const runTimeout = 60 * time.Second

// boardVariant is one way of running the board: the default (harts on
// goroutines of their own when there are several), the harts taking turns
// on one goroutine, virtual time (idle skipped, mtime from retired
// instructions; turns too), and turns of a small odd quantum that switch
// harts at arbitrary points.
type boardVariant struct {
	name    string
	clock   machine.ClockKind
	quantum int
	threads machine.Threads
}

var boardVariants = []boardVariant{
	{name: "default"},
	{name: "serial", threads: machine.ThreadsSingle},
	{name: "virtual-clock", clock: machine.ClockVirtual},
	{name: "quantum-7", quantum: 7, threads: machine.ThreadsSingle},
}

// TestGuestsOnRvemu boots every guest program on the rvemu board and checks
// the finisher status (a failing check exits with its number) and the
// console transcript.
func TestGuestsOnRvemu(t *testing.T) {
	buildGuests(t)
	for _, v := range boardVariants {
		for _, tc := range guestCases {
			t.Run(v.name+"/"+tc.program, func(t *testing.T) {
				runOnRvemu(t, v, tc)
			})
		}
	}
}

func runOnRvemu(t *testing.T, v boardVariant, tc guestCase) {
	var out, log bytes.Buffer
	cfg := machine.Config{
		Kernel:     guestELF(t, tc.program),
		Harts:      tc.harts,
		Virtio:     machine.VirtioModern,
		Timeout:    runTimeout,
		Clock:      v.clock,
		Quantum:    v.quantum,
		Threads:    v.threads,
		ConsoleOut: &out,
		Log:        &log,
	}
	if tc.input != "" {
		cfg.ConsoleIn = strings.NewReader(tc.input)
	}
	if tc.legacy {
		cfg.Virtio = machine.VirtioLegacy
	}
	cfg.Net.Enabled = tc.e1000 // the NIC on a user network nothing talks on
	var disk string
	if tc.disk {
		disk = writeDisk(t, t.TempDir())
		cfg.Disk = disk
	}
	m, err := machine.New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout+10*time.Second)
	defer cancel()
	code, err := m.Run(ctx)
	require.NoErrorf(t, err, "console:\n%s\nlog:\n%s", out.String(), log.String())
	assert.Equalf(t, tc.exit, code, "exit status names the failed check; console:\n%s", out.String())
	assert.Equal(t, tc.lines, transcript(out.String(), tc.varying))
	if tc.disk {
		checkDiskAfter(t, disk)
	}
}
