package tests

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/machine"
)

// The translator on whole kernels, in lockstep mode: every return from
// generated code is checked against the interpreter running the same
// instructions from the same state (registers, pc, retired count and every
// byte stored), and a difference stops rvemu with a report. The rest of the
// suite runs with the default engine; RVEMU_JIT=on or lockstep runs all of
// it on the translator.

// TestXv6TranslatorLockstep boots our kernel on 3 harts and runs the shell
// and every part of stress (fork, exec and pipe storms; sbrk over all of
// memory) with the translator checked.
func TestXv6TranslatorLockstep(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	rvemu := buildRvemu(t)
	build := xv6Build(t)
	var stderr bytes.Buffer
	c := startRvemu(t, rvemu, build, &stderr, "--smp", "3", "--jit", "lockstep")
	c.waitFor(xv6Prompt, 0)
	steps := []xv6Step{
		{cmd: "echo hi > f; cat f", want: []string{"hi"}},
		{cmd: "stress", match: xv6StressLines},
	}
	for _, s := range steps {
		t.Run(s.cmd, func(t *testing.T) { s.check(t, c.run(s.cmd)) })
	}
	c.finish()
	assert.Regexp(t, `jit lockstep: \d+ blocks .* lockstep checked [1-9]\d* returns`, stderr.String())
	assert.NotContains(t, stderr.String(), "jit lockstep: hart", "no mismatch reported")
}

// TestNettestsRvemuTranslator is TestNettestsRvemu with the translator in
// lockstep mode: the E1000 driver, the network stack and nettests run
// translated and checked. Loopback only, as the other net tests.
func TestNettestsRvemuTranslator(t *testing.T) {
	t.Setenv(machine.JITEnv, "lockstep")
	r := netRun{name: "rvemu --jit lockstep", boot: func(t *testing.T, build string) *netGuest {
		return bootRvemuNetOn(t, build, machine.ThreadsAuto) // the translator: harts take turns
	}, dnsAnswered: true}
	if inNetnsChild() {
		runNettestsInNetns(t, r)
		return
	}
	runNetTest(t, "TestNettestsRvemuTranslator", r)
}
