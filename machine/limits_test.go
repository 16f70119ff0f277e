package machine

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/rvemu/rvemu/usernet"
)

// A finished run leaves no goroutine behind: the network's socket readers
// and wake forwarder, the GDB server. (Found by the soak: the wake
// forwarder could outlive Run.)
func TestRunLeavesNoGoroutines(t *testing.T) {
	fwd, err := usernet.ParseHostFwd("udp::0-:2000")
	assert.NoError(t, err)
	for i := 0; i < 5; i++ {
		before := runtime.NumGoroutine()
		r := boot(t, "\t.globl _start\n_start:\n\tli t2, 200000\n1:\taddi t2, t2, -1\n\tbnez t2, 1b\n"+asmPoweroff, Config{
			Net:       NetConfig{Enabled: true, HostFwd: []usernet.HostFwd{fwd}},
			GDBListen: "127.0.0.1:0",
			Timeout:   10 * time.Second,
		})
		assert.NoError(t, r.err)
		assert.Equal(t, before, runtime.NumGoroutine(), "goroutines after run %d", i)
	}
}
