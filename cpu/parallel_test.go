package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	insAddA0One = 0x00150513 // addi a0, a0, 1
	insAddA0Two = 0x00250513 // addi a0, a0, 2
	insJBack4   = 0xffdff06f // jal x0, -4
	insSwT1T0   = 0x0062a023 // sw t1, 0(t0)
)

// parallelPair is hart A looping on `addi a0, a0, 1; j back` at RAM base
// and hart B at a store `sw t1, 0(t0)` that rewrites A's addi into
// `addi a0, a0, 2`, in parallel mode (driven from one goroutine here: the
// ordering is what is under test).
func parallelPair(t *testing.T) (a, b *Hart) {
	m := newTestMachine(t)
	m.load(ramBase, insAddA0One, insJBack4)
	m.load(ramBase+0x1000, insSwT1T0, insSwT1T0, insSwT1T0)
	a, b = m.hart(ramBase), m.hart(ramBase+0x1000)
	b.X[5], b.X[6] = ramBase, insAddA0Two
	require.True(t, m.sys.EnableParallel())
	return a, b
}

// step is one quantum of h: Sync, then Run n. It returns what a0 gained.
func step(h *Hart, n int) uint64 {
	before := h.X[10]
	h.Sync()
	h.Run(n)
	return h.X[10] - before
}

// A store by another hart reaches a hart's own decoded copy at its next
// quantum (Sync), through the page generation.
func TestParallelForeignStoreSeenAtSync(t *testing.T) {
	a, b := parallelPair(t)
	assert.Equal(t, uint64(5), step(a, 10), "5 addi, 5 jumps")
	b.Sync()
	require.Equal(t, 1, b.Run(1))
	assert.Equal(t, uint64(10), step(a, 10), "the new addi adds 2")
}

// A store through a store-TLB entry made before the page held code is not
// seen by the hook; the page stays provisional until the storer's next
// Sync, and is decoded again after it.
func TestParallelProvisionalPageDecodedAgain(t *testing.T) {
	a, b := parallelPair(t)
	b.X[6] = 0 // first store: data into the (still code-free) page...
	b.X[5] = ramBase + 0x800
	b.Sync()
	require.Equal(t, 1, b.Run(1)) // ...leaves the page in B's store TLB
	assert.Equal(t, uint64(5), step(a, 10))

	b.X[5], b.X[6] = ramBase, insAddA0Two // no Sync: stale store TLB
	require.Equal(t, 1, b.Run(1))
	step(a, 10) // may still run the old addi: B has not synced yet
	b.Sync()
	assert.Equal(t, uint64(10), step(a, 10), "decoded again once B passed a Sync")

	// That Sync flushed B's store TLB, so its next store takes the hook.
	b.X[6] = 0x00350513 // addi a0, a0, 3
	require.Equal(t, 1, b.Run(1))
	assert.Equal(t, uint64(15), step(a, 10), "a store after the flush is seen at A's next Sync")
}

// fence.i makes another hart's store visible at once, without waiting for
// the next quantum.
func TestParallelFenceISeesForeignStore(t *testing.T) {
	m := newTestMachine(t)
	// addi a0,a0,1; fence.i; j back 8
	m.load(ramBase, insAddA0One, 0x0000100f, 0xff9ff06f)
	m.load(ramBase+0x1000, insSwT1T0)
	a, b := m.hart(ramBase), m.hart(ramBase+0x1000)
	b.X[5], b.X[6] = ramBase, insAddA0Two
	require.True(t, m.sys.EnableParallel())
	a.Sync()
	b.Sync()
	a.Run(3)
	require.Equal(t, uint64(1), a.X[10])
	require.Equal(t, 1, b.Run(1))
	a.Run(3) // addi (old or new: no fence.i yet), fence.i, j
	before := a.X[10]
	a.Run(3)
	assert.Equal(t, uint64(2), a.X[10]-before, "after its fence.i, the hart runs the new addi")
}

func TestAMOHostAtomics(t *testing.T) {
	tests := []struct {
		name    string
		f5      int64
		old, v  uint64
		want64  uint64
		want32  uint32
		old32in uint32
	}{
		{"swap", amoSWAP, 5, 9, 9, 9, 5},
		{"add", amoADD, 5, 9, 14, 14, 5},
		{"add wraps", amoADD, ^uint64(0), 2, 1, 1, 0xffffffff},
		{"xor", amoXOR, 0b1100, 0b1010, 0b0110, 0b0110, 0b1100},
		{"and", amoAND, 0b1100, 0b1010, 0b1000, 0b1000, 0b1100},
		{"or", amoOR, 0b1100, 0b1010, 0b1110, 0b1110, 0b1100},
		{"min signed", amoMIN, ^uint64(0), 1, ^uint64(0), 0xffffffff, 0xffffffff},
		{"max signed", amoMAX, ^uint64(0), 1, 1, 1, 0xffffffff},
		{"minu", amoMINU, ^uint64(0), 1, 1, 1, 0xffffffff},
		{"maxu", amoMAXU, ^uint64(0), 1, ^uint64(0), 0xffffffff, 0xffffffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.old
			assert.Equal(t, tt.old, amo64(&w, tt.f5, tt.v), "returns the old value")
			assert.Equal(t, tt.want64, w)
			w32 := tt.old32in
			assert.Equal(t, tt.old32in, amo32(&w32, tt.f5, uint32(tt.v)))
			assert.Equal(t, tt.want32, w32)
		})
	}
}
