package cpu

import (
	"math/rand"
	"os"
	"strconv"
	"testing"
)

// TestEnginesRandom runs FuzzEngines' comparison on RVEMU_ENGINES_RANDOM
// pseudo-random inputs (seed RVEMU_ENGINES_SEED, default 1) and logs what
// was compared: a count the fuzzing engine does not give, and the
// comparison where it cannot run. Without the variable it runs 20 inputs,
// so `make test` keeps it working.
func TestEnginesRandom(t *testing.T) {
	if !JITAvailable {
		t.Skip("no translator on this host") // the interpreter alone: nothing to compare
	}
	n := 20
	if v, err := strconv.Atoi(os.Getenv("RVEMU_ENGINES_RANDOM")); err == nil && v > 0 {
		n = v
	}
	seed := int64(1)
	if v, err := strconv.ParseInt(os.Getenv("RVEMU_ENGINES_SEED"), 10, 64); err == nil {
		seed = v
	}
	r := rand.New(rand.NewSource(seed))
	var sum engineCounts
	lockstepRuns := 0
	for i := 0; i < n; i++ {
		data := make([]byte, 2+r.Intn(1500))
		r.Read(data)
		c := compareInput(t, i, seed, data)
		sum.retired += c.retired
		sum.translated += c.translated
		sum.checked += c.checked
		sum.checkedInst += c.checkedInst
		if data[1]&1 != 0 {
			lockstepRuns++
		}
	}
	t.Logf("%d random programs (seed %d, %d of them in lockstep): %d instructions retired on both engines and compared every 1000, %d of them in generated code; lockstep checked %d returns, %d instructions",
		n, seed, lockstepRuns, sum.retired, sum.translated, sum.checked, sum.checkedInst)
}

// compareInput is compareEngines naming the input when it fails (the
// comparison stops the test with FailNow, so the name comes from a defer).
func compareInput(t *testing.T, i int, seed int64, data []byte) engineCounts {
	defer func() {
		if t.Failed() {
			t.Logf("input %d of seed %d (a FuzzEngines input): %x", i, seed, data)
		}
	}()
	return compareEngines(t, data)
}
