package machine

import (
	"fmt"
	"os"

	"github.com/rvemu/rvemu/cpu"
)

// JITEnv names the environment variable that chooses the execution engine
// when Config.JIT is empty: how the QEMU front end (whose options are the
// lab Makefiles') and the test suites pick it (RVEMU_JIT=off make qemu).
const JITEnv = "RVEMU_JIT"

// jitMode resolves the engine to use, and whether the user asked for it
// by name (then a translator that cannot run is worth a line in the log).
func (c *Config) jitMode() (mode cpu.JITMode, explicit bool, err error) {
	s, explicit := c.JIT, c.JIT != ""
	if !explicit {
		if s = os.Getenv(JITEnv); s != "" {
			explicit = true
		} else {
			s = DefaultJIT
		}
	}
	mode, err = cpu.ParseJITMode(s)
	if err != nil && c.JIT == "" {
		err = fmt.Errorf("%s: %w", JITEnv, err)
	}
	return mode, explicit, err
}

// enableJIT starts the translator the configuration asks for; where it
// cannot run (parallel harts, a host without one) the interpreter runs
// everything, which is always correct.
func (m *Machine) enableJIT(mode cpu.JITMode, explicit bool) {
	if mode == cpu.JITOff {
		return
	}
	if err := m.sys.EnableJIT(mode); err != nil && explicit {
		fmt.Fprintf(m.cfg.Log, "rvemu: translator: %v\n", err)
		return
	}
	if c := m.cfg; c.Harts > 1 && c.Threads == ThreadsAuto && c.mayRunParallel() && !m.Parallel() {
		// Config.parallel chose turns for lockstep's sake: say so, since
		// harts taking turns show no lock contention.
		fmt.Fprintf(m.cfg.Log, "rvemu: translator %s: the harts take turns on one thread (lockstep checks one at a time)\n", mode)
	}
}

// JITStats is a one-line summary of what the translator did ("" when the
// interpreter ran everything), for --stats.
func (m *Machine) JITStats() string {
	if m.sys.JIT() == cpu.JITOff {
		return ""
	}
	s := m.sys.JITStats()
	line := fmt.Sprintf("jit %s: %d blocks (%d guest instructions, %d KiB of host code) in %d batches (%d while idle), %d taken from other harts' engines, %d dropped, %d flushes; %d entries, %d linked exits; %d instructions run translated",
		m.sys.JIT(), s.Blocks, s.Insts, s.CodeBytes>>10, s.Publishes, s.IdleDrains, s.Adopted, s.Killed, s.Flushes, s.Entries, s.Linked, s.Translated)
	line += fmt.Sprintf(" (exits: %d to the interpreter, %d lookups, %d at the budget's end)", s.Exits[1], s.Exits[2], s.Exits[3])
	if s.Checked > 0 {
		line += fmt.Sprintf("; lockstep checked %d returns, %d instructions", s.Checked, s.CheckedInst)
	}
	return line
}
