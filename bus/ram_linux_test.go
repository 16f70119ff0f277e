//go:build linux && !race

package bus

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// residentKiB is this process's resident set (VmRSS).
func residentKiB(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmRSS:" {
			n, err := strconv.Atoi(f[1])
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

var ramSink []byte

// A 3 GiB board (the 2019 labs' -m 3G) costs only what the guest touches:
// the host commits memory page by page as it is first written. Not under
// the race detector, whose shadow memory for 3 GiB is neither small nor
// quick; `make test` runs the LargeRAM tests without it.
func TestLargeRAMCommittedOnlyWhenTouched(t *testing.T) {
	const size = 3 << 30
	before := residentKiB(t)
	ramSink = newRAM(size)
	ramSink[0], ramSink[size/2], ramSink[size-1] = 1, 1, 1
	assert.Less(t, residentKiB(t)-before, 64<<10, "RSS grew by more than 64 MiB")
	ramSink = nil
}
