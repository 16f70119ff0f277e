package machine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/fdt"
	"github.com/rvemu/rvemu/internal/rvasm"
	"github.com/rvemu/rvemu/trace"
)

// Guest snippets shared by the tests. Register use: t0-t6 scratch.
const (
	// poweroff writes the finisher's pass command.
	asmPoweroff = `
poweroff:
	li t0, 0x100000
	li t1, 0x5555
	sw t1, 0(t0)
1:	j 1b
`
	// putc prints a0's low byte on the UART.
	asmPutc = `
putc:
	li t0, 0x10000000
	sb a0, 0(t0)
	ret
`
)

type runResult struct {
	code int
	err  error
	out  string
	log  string
	m    *Machine
}

// boot assembles src, boots it with cfg (Kernel filled in) and runs it to
// the end or a generous safety timeout.
func boot(t *testing.T, src string, cfg Config) runResult {
	t.Helper()
	cfg.Kernel = rvasm.Build(t, src, rvasm.Options{})
	var out, log bytes.Buffer
	if cfg.ConsoleOut == nil {
		cfg.ConsoleOut = &out
	}
	cfg.Log = &log
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.RAM == 0 {
		cfg.RAM = 16 << 20 // small guests; keeps the suite light
	}
	m, err := New(cfg)
	require.NoError(t, err)
	code, err := m.Run(context.Background())
	return runResult{code, err, out.String(), log.String(), m}
}

func TestHelloAndPoweroff(t *testing.T) {
	r := boot(t, `
	.globl _start
_start:
	la s0, msg
1:	lbu a0, 0(s0)
	beqz a0, poweroff
	call putc
	addi s0, s0, 1
	j 1b
`+asmPutc+asmPoweroff+`
	.section .rodata
msg: .asciz "hello, board\n"
`, Config{})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "hello, board\n", r.out)
}

func TestFinisherExitCodes(t *testing.T) {
	tests := []struct {
		name  string
		value uint32
		want  int
	}{
		{"pass", 0x5555, 0},
		{"fail 3", 3<<16 | 0x3333, 3},
		{"fail 200", 200<<16 | 0x3333, 200},
		{"reset with NoReboot", 0x7777, 0}, // without: reset.go's tests
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := `
	.globl _start
_start:
	li t0, 0x100000
	li t1, ` + fmt.Sprintf("%#x", tc.value) + `
	sw t1, 0(t0)
1:	j 1b
`
			r := boot(t, src, Config{NoReboot: true})
			require.NoError(t, r.err)
			assert.Equal(t, tc.want, r.code)
		})
	}
}

// htifProg writes a message through HTIF's console device and then writes
// the exit word to tohost.
func htifProg(exitWord string) string {
	return `
	.globl _start
_start:
	la s0, msg
	la s1, tohost
1:	lbu a0, 0(s0)
	beqz a0, 3f
	li t0, 0x0101000000000000
	or t0, t0, a0
	sd t0, 0(s1)
2:	ld t1, 0(s1)          # the host clears tohost when it took the byte
	bnez t1, 2b
	addi s0, s0, 1
	j 1b
3:	li t0, ` + exitWord + `
	sd t0, 0(s1)
4:	j 4b
	.section .rodata
msg: .asciz "htif ok\n"
	.section .data
	.balign 64
	.globl tohost
tohost: .dword 0
	.balign 64
	.globl fromhost
fromhost: .dword 0
`
}

func TestHTIF(t *testing.T) {
	tests := []struct {
		name     string
		exitWord string
		wantCode int
		wantLog  string
	}{
		{"pass", "1", 0, ""},
		{"fail test 5", "11", 5, "rvemu: htif: FAIL: test 5\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := boot(t, htifProg(tc.exitWord), Config{})
			require.NoError(t, r.err)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Equal(t, "htif ok\n", r.out)
			assert.Equal(t, tc.wantLog, r.log)
		})
	}
}

func TestTimeout(t *testing.T) {
	r := boot(t, "\t.globl _start\n_start: j _start\n", Config{Timeout: 200 * time.Millisecond})
	assert.Equal(t, ExitTimeout, r.code)
	assert.ErrorIs(t, r.err, ErrTimeout)
}

func TestContextCancel(t *testing.T) {
	cfg := Config{Kernel: rvasm.Build(t, "\t.globl _start\n_start: j _start\n", rvasm.Options{})}
	m, err := New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = m.Run(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestBootRegisters: every hart starts at the entry in M-mode with a0 =
// hart id and a1 = the device tree. Each hart prints '0'+id and checks the
// FDT magic; hart 0 waits for the others and powers off.
func TestBootRegisters(t *testing.T) {
	src := `
	.globl _start
_start:
	lwu t0, 0(a1)
	li t1, 0xedfe0dd0      # 0xd00dfeed stored big-endian, read little-endian
	bne t0, t1, bad
	csrr t0, mhartid
	bne t0, a0, bad
	la t2, turn            # print in hart order (turn: AMOs only, race-free)
1:	amoor.w t3, zero, (t2)
	bne t3, a0, 1b
	addi a0, a0, '0'
	call putc
	addi a0, a0, 1 - '0'
	amoswap.w zero, a0, (t2)
	csrr t0, mhartid
	bnez t0, park
	li t4, 3
2:	amoor.w t3, zero, (t2)
	bne t3, t4, 2b
	j poweroff
park: j park
bad:
	li t0, 0x100000
	li t1, 0x00013333
	sw t1, 0(t0)
	j park
` + asmPutc + asmPoweroff + `
	.section .data
turn: .word 0
`
	for _, threads := range []Threads{ThreadsSingle, ThreadsMulti} {
		r := boot(t, src, Config{Harts: 3, Threads: threads})
		require.NoError(t, r.err)
		assert.Equal(t, 0, r.code)
		assert.Equal(t, "012", r.out)

		blob := r.m.Bus().RAM[r.m.FDTAddress-RAMBase:]
		root, err := fdt.Decode(blob)
		require.NoError(t, err)
		assert.Len(t, root.Child("cpus").Children, 3)
	}
}

func TestUnmappedAddressFaults(t *testing.T) {
	// A load from a hole in the map raises a load access fault (cause 5);
	// the trap handler reports the cause through the finisher.
	src := `
	.globl _start
_start:
	la t0, handler
	csrw mtvec, t0
	li t0, 0x20000000
	lw t1, 0(t0)
	j poweroff
handler:
	csrr t0, mcause
	slli t0, t0, 16
	li t1, 0x3333
	or t1, t1, t0
	li t0, 0x100000
	sw t1, 0(t0)
1:	j 1b
` + asmPoweroff
	r := boot(t, src, Config{})
	require.NoError(t, r.err)
	assert.Equal(t, 5, r.code)
}

func TestPCIePlaceholderReadsAllOnes(t *testing.T) {
	src := `
	.globl _start
_start:
	li t0, 0x30008000      # slot 1 vendor/device word
	lw t1, 0(t0)
	li t2, -1
	bne t1, t2, fail
	j poweroff
fail:
	li t0, 0x100000
	li t1, 0x00023333
	sw t1, 0(t0)
1:	j 1b
` + asmPoweroff
	r := boot(t, src, Config{})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code)
}

// TestConsolePipeNoByteLost feeds many bytes through a pipe, faster than
// the guest reads them; the guest echoes every byte until it sees EOT.
func TestConsolePipeNoByteLost(t *testing.T) {
	src := `
	.globl _start
_start:
	li s0, 0x10000000
1:	lbu t0, 5(s0)          # LSR: data ready?
	andi t0, t0, 1
	beqz t0, 1b
	lbu a0, 0(s0)
	li t1, 4
	beq a0, t1, poweroff
	call putc
	j 1b
` + asmPutc + asmPoweroff
	var want bytes.Buffer
	for i := 0; want.Len() < 20000; i++ {
		want.WriteString("line ")
		want.WriteByte(byte('a' + i%26))
		want.WriteByte('\n')
	}
	pr, pw := io.Pipe()
	go func() {
		data := append(append([]byte(nil), want.Bytes()...), 4)
		for len(data) > 0 { // small writes, so the guest sees many chunks
			n := min(len(data), 333)
			pw.Write(data[:n])
			data = data[n:]
		}
		pw.Close() // EOF must not stop the machine early
	}()
	r := boot(t, src, Config{ConsoleIn: pr})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code)
	assert.Equal(t, want.String(), r.out)
}

// TestConsoleEOFKeepsRunning: input ends, the guest keeps running and
// powers off on its own later.
func TestConsoleEOFKeepsRunning(t *testing.T) {
	src := `
	.globl _start
_start:
	li s0, 0x10000000
	li s1, 2000000
1:	addi s1, s1, -1
	bnez s1, 1b
	li a0, '!'
	call putc
	j poweroff
` + asmPutc + asmPoweroff
	r := boot(t, src, Config{ConsoleIn: strings.NewReader("")})
	require.NoError(t, r.err)
	assert.Equal(t, "!", r.out)
}

// wfiTimerProg arms the CLINT timer 200 ms (2,000,000 ticks) ahead, then
// sleeps in WFI until the timer interrupt is pending.
const wfiTimerProg = `
	.globl _start
_start:
	li s0, 0x2000000
	li t0, 0xbff8
	add t0, s0, t0
	ld t1, 0(t0)           # mtime
	li t2, 2000000
	add s1, t1, t2         # deadline
	li t0, 0x4000
	add t0, s0, t0
	sd s1, 0(t0)           # mtimecmp[0]
	li t0, 0x80            # MTIE; global MIE stays off: WFI just wakes
	csrw mie, t0
1:	wfi
	csrr t0, mip
	andi t0, t0, 0x80
	beqz t0, 1b
	li t0, 0xbff8
	add t0, s0, t0
	ld t1, 0(t0)
	bltu t1, s1, early
	j poweroff
early:
	li t0, 0x100000
	li t1, 0x00073333
	sw t1, 0(t0)
2:	j 2b
` + asmPoweroff

// TestIdleSleepsUntilTimer: while the hart waits, the board sleeps instead
// of spinning: a handful of loop turns, not hundreds of thousands.
func TestIdleSleepsUntilTimer(t *testing.T) {
	for _, clk := range []ClockKind{ClockWall, ClockVirtual} {
		t.Run([]string{"wall", "virtual"}[clk], func(t *testing.T) {
			r := boot(t, wfiTimerProg, Config{Clock: clk})
			require.NoError(t, r.err)
			assert.Equal(t, 0, r.code, "the guest woke after its deadline")
			t.Logf("turns %d sleeps %d retired %d", r.m.stats.turns, r.m.stats.sleeps, r.m.clock.retired)
			assert.Less(t, r.m.stats.turns, uint64(100), "loop turns while idle")
			assert.GreaterOrEqual(t, r.m.stats.sleeps, uint64(1))
		})
	}
}

func TestTraceMMIO(t *testing.T) {
	r := boot(t, "\t.globl _start\n_start:\n\tli a0, 'x'\n\tcall putc\n\tj poweroff\n"+asmPutc+asmPoweroff, Config{Trace: trace.MMIO})
	require.NoError(t, r.err)
	assert.Contains(t, r.log, "mmio: write uart     0x10000000/1 <- 0x78")
	assert.Contains(t, r.log, "mmio: write finisher 0x00100000/4 <- 0x5555")
}

func tempDisk(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "fs.img")
	require.NoError(t, os.WriteFile(path, make([]byte, 64<<10), 0o644))
	return path
}

func TestNoHintWithoutPanic(t *testing.T) {
	src := "\t.globl _start\n_start:\n\tli t0, 0x10001004\n\tlw t1, 0(t0)\n" + asmPoweroff
	r := boot(t, src, Config{Disk: tempDisk(t)})
	require.NoError(t, r.err)
	assert.Empty(t, r.log)
}

func TestNewErrors(t *testing.T) {
	kernel := rvasm.Build(t, "\t.globl _start\n_start: j _start\n", rvasm.Options{})
	bigRaw := filepath.Join(t.TempDir(), "big.bin") // fits 1 MiB of RAM, not beside the FDT
	require.NoError(t, os.WriteFile(bigRaw, make([]byte, 1<<20-1024), 0o644))
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing kernel", Config{Kernel: "/nonexistent/kernel"}, "no such file"},
		{"missing disk", Config{Kernel: kernel, Disk: "/nonexistent/fs.img"}, "disk"},
		{"disk is a directory", Config{Kernel: kernel, Disk: t.TempDir()}, "disk"},
		{"bad harts", Config{Kernel: kernel, Harts: 99}, "harts"},
		{"kernel over the device tree", Config{Kernel: bigRaw, RAM: 1 << 20}, "over the device tree"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestVirtioSlotWithoutDisk(t *testing.T) {
	// The guest reports magic, version and device ID through the exit
	// status: status = (id << 8) | version if magic is right.
	src := `
	.globl _start
_start:
	li t0, 0x10001000
	lw t1, 0(t0)
	li t2, 0x74726976
	bne t1, t2, bad
	lw t1, 4(t0)
	lw t2, 8(t0)
	slli t2, t2, 8
	or t1, t1, t2
	slli t1, t1, 16
	li t2, 0x3333
	or t1, t1, t2
	li t0, 0x100000
	sw t1, 0(t0)
1:	j 1b
bad:
	li t0, 0x100000
	li t1, 0xff3333
	sw t1, 0(t0)
	j 1b
`
	tests := []struct {
		name string
		mode VirtioMode
		want int
	}{
		{"modern empty slot", VirtioModern, 2},
		{"legacy empty slot", VirtioLegacy, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := boot(t, src, Config{Virtio: tc.mode})
			require.NoError(t, r.err)
			assert.Equal(t, tc.want, r.code, "device ID 0, version %d", tc.want)
		})
	}
}

func TestStatsLine(t *testing.T) {
	r := boot(t, "\t.globl _start\n_start:\n\tnop\n\tnop\n"+asmPoweroff, Config{Harts: 2})
	require.NoError(t, r.err)
	s := r.m.Stats()
	assert.Regexp(t, `^stats: \d+ instructions \(harts \d+ \d+\) in [0-9.]+s = \d+ MIPS; \d+ turns, \d+ idle sleeps, \d+ spins recognised$`, s)
}
