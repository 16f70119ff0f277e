package cpu

import (
	"sync"
	"testing"

	"github.com/rvemu/rvemu/jit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedMachine is a machine in parallel mode with harts harts at RAM base,
// translating at first sight, their engines sharing code.
func sharedMachine(t *testing.T, harts int, code ...uint32) (*testMachine, []*Hart) {
	t.Helper()
	m := newTestMachineMode(t, JITOff)
	if !JITAvailable || !jitShareCode {
		t.Skip("no shared translator on this host")
	}
	m.load(ramBase, code...)
	hs := make([]*Hart, harts)
	for i := range hs {
		hs[i] = m.hart(ramBase)
	}
	require.True(t, m.sys.EnableParallel())
	require.NoError(t, m.sys.EnableJIT(JITOn))
	for _, h := range hs {
		require.NotNil(t, h.cc.jit.shared)
		h.cc.jit.hot = 0
	}
	return m, hs
}

// A block one hart compiled runs on the others without compiling again.
func TestJITSharedBlockAdopted(t *testing.T) {
	m, hs := sharedMachine(t, 3, insAddA0One, insJBack4)
	for _, h := range hs {
		assert.Equal(t, uint64(500), step(h, 1000))
	}
	st := m.sys.JITStats()
	assert.Equal(t, uint64(1), st.Blocks, "compiled once")
	assert.Equal(t, uint64(2), st.Adopted, "taken by the two other harts")
	assert.Equal(t, uint64(3000), st.Translated)
}

// A shared translation whose guest bytes changed since is not taken: the
// hart that first runs the new code compiles it, and the hart that held the
// old block runs the new code from its next quantum on.
func TestJITSharedStaleBytesNotAdopted(t *testing.T) {
	m, hs := sharedMachine(t, 3, insAddA0One, insJBack4)
	a, b, c := hs[0], hs[1], hs[2]
	require.Equal(t, uint64(500), step(a, 1000))
	// B stores the new addi (A holds the page: the store takes the hook).
	m.load(ramBase+0x1000, insSwT1T0)
	b.PC, b.X[5], b.X[6] = ramBase+0x1000, ramBase, insAddA0Two
	b.Sync()
	require.Equal(t, 1, b.Run(1))
	assert.Equal(t, uint64(1000), step(c, 1000), "C runs the new code")
	assert.Equal(t, uint64(1000), step(a, 1000), "A, after its Sync, too")
	st := m.sys.JITStats()
	assert.Equal(t, uint64(2), st.Blocks, "the old code, and the new code by C (the old translation was not taken)")
	assert.Equal(t, uint64(1), st.Adopted, "A took C's")
}

// chainProgram is n blocks of `addi a0, a0, 1; j next`, the last jumping
// back to the first: a0 counts blocks run.
func chainProgram(n int) []uint32 {
	var code []uint32
	for i := 0; i < n-1; i++ {
		code = append(code, insAddA0One, encJAL(0, 4))
	}
	return append(code, insAddA0One, encJAL(0, int64(-8*(n-1)-4)))
}

// When the shared code memory is full, it is reset once every engine has
// let go of the old code, and translation goes on; with harts on their own
// goroutines (run under the race detector in make test).
func TestJITSharedMemoryFullReset(t *testing.T) {
	saved := jitSharedCodeBytes
	jitSharedCodeBytes = 32 << 10 // the stubs' page and 7 blocks (one batch, one page each)
	if probe, err := jit.NewMemory(4096, 4096); err == nil {
		if probe.CodeFile() {
			// Batches are not page-aligned in a code file: one page holds
			// the stub and ~30 blocks, fewer than the chain's 64.
			jitSharedCodeBytes = 4 << 10
		}
		require.NoError(t, probe.Close())
	}
	defer func() { jitSharedCodeBytes = saved }()
	m, hs := sharedMachine(t, 3, chainProgram(64)...)

	var wg sync.WaitGroup
	for _, h := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				h.Sync()
				h.Run(997)
			}
		}()
	}
	wg.Wait()
	st := m.sys.JITStats()
	for _, h := range hs {
		assert.Equal(t, uint64(30*997), h.Instret)
		assert.Equal(t, (h.Instret+1)/2, h.X[10], "one addi per block")
	}
	assert.NotZero(t, st.Flushes, "the memory filled up")
	assert.NotZero(t, st.Translated)
	t.Logf("%+v", st)
}
