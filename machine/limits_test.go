package machine

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// No goroutine outlives a finished run: the network's socket readers and
// wake forwarder and the GDB server end with it (a goroutine that has
// signalled its end may still be returning, hence the short wait). Looked
// up by name, since other tests' goroutines may come and go.
func TestRunLeavesNoGoroutines(t *testing.T) {
	fwd, err := ParseHostFwd("udp::0-:2000")
	assert.NoError(t, err)
	for i := 0; i < 5; i++ {
		r := boot(t, "\t.globl _start\n_start:\n\tli t2, 200000\n1:\taddi t2, t2, -1\n\tbnez t2, 1b\n"+asmPoweroff, Config{
			Net:       NetConfig{Enabled: true, HostFwd: []HostFwd{fwd}},
			GDBListen: "127.0.0.1:0",
			Timeout:   10 * time.Second,
		})
		assert.NoError(t, r.err)
		var stacks string
		gone := func() bool {
			buf := make([]byte, 1<<20)
			stacks = string(buf[:runtime.Stack(buf, true)])
			for _, fn := range []string{"usernet.(*Net).readLoop", "gdbstub.(*Server).accept"} {
				if strings.Contains(stacks, fn) {
					return false
				}
			}
			return true
		}
		if !assert.Eventually(t, gone, time.Second, time.Millisecond, "run %d: a goroutine outlived Run", i) {
			t.Logf("goroutines:\n%s", stacks)
			return
		}
	}
}
