package machine

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// logUntil collects log lines and cancels the run once one contains want.
type logUntil struct {
	mu     sync.Mutex
	b      strings.Builder
	want   string
	cancel func()
}

func (l *logUntil) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if strings.Contains(l.b.String(), l.want) {
		l.cancel()
	}
	return len(p), nil
}

func (l *logUntil) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A guest stuck taking the same trap gets one line naming the trap, the
// pc and its function, and runs on until stopped.
func TestTrapStormIsReported(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"jumped to address 0 with mtvec 0", `
	.globl _start
_start:
	li t0, 0
	jr t0
`, "rvemu: hart 0 is stuck: instruction access fault at pc 0x0 (tval 0x0), 131072 times in a row\n"},
		{"a handler that retries the faulting store", `
	.globl _start
_start:
	la t0, handler
	csrw mtvec, t0
store:
	sw zero, 0(zero)
	j store
handler:
	mret
`, "rvemu: hart 0 is stuck: store access fault at pc 0x8000000c <store> (tval 0x0), 131072 times in a row\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			log := &logUntil{want: "stuck", cancel: cancel}
			m, err := New(Config{Kernel: rvasm.Build(t, tc.src, rvasm.Options{}), RAM: 16 << 20, Log: log, Timeout: 60 * time.Second})
			require.NoError(t, err)
			_, err = m.Run(ctx)
			assert.ErrorIs(t, err, context.Canceled, "the storm does not stop the run: the test does")
			assert.Equal(t, tc.want, log.String())
		})
	}
}

// Every hart stuck the same way (a file that is no kernel, on three harts
// on host threads): still one line for the board.
func TestTrapStormOneLinePerBoard(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &logUntil{want: "stuck", cancel: cancel}
	m, err := New(Config{Kernel: rvasm.Build(t, "\t.globl _start\n_start:\n\tli t0, 0\n\tjr t0\n", rvasm.Options{}),
		RAM: 16 << 20, Harts: 3, Log: log, Timeout: 60 * time.Second})
	require.NoError(t, err)
	require.True(t, m.Parallel())
	_, err = m.Run(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Regexp(t, `^rvemu: hart [012] is stuck: instruction access fault at pc 0x0 \(tval 0x0\), 131072 times in a row\n$`, log.String())
}
