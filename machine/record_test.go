package machine

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
	"github.com/rvemu/rvemu/replay"
)

// timingEcho polls the UART and, for each byte, prints it followed by a
// digit taken from the retired-instruction counter: the output shows at
// which instruction each byte entered. 'q' powers off.
const timingEcho = `
	.globl _start
_start:
	li s0, 0x10000000
wait:
	lbu t0, 5(s0)         # LSR
	andi t0, t0, 1        # data ready
	beqz t0, wait
	lbu s1, 0(s0)         # RBR
	li t1, 'q'
	beq s1, t1, poweroff
	sb s1, 0(s0)
	csrr t0, minstret
	srli t0, t0, 3
	andi t0, t0, 7
	addi t0, t0, '0'
	sb t0, 0(s0)
	j wait
` + asmPoweroff

// slowReader hands out its bytes one at a time, a little apart, so that
// where they enter depends on the host's timing.
type slowReader struct {
	data []byte
	gap  time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.gap)
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

func runRecorded(t *testing.T, kernel string, cfg Config) (out string, insns uint64, log string) {
	t.Helper()
	var o, l bytes.Buffer
	cfg.Kernel, cfg.ConsoleOut, cfg.Log = kernel, &o, &l
	cfg.Clock = ClockVirtual
	cfg.RAM = 16 << 20
	cfg.Timeout = 20 * time.Second
	m, err := New(cfg)
	require.NoError(t, err)
	_, err = m.Run(t.Context())
	require.NoError(t, err)
	for _, h := range m.Harts() {
		insns += h.Instret
	}
	if line, _ := m.NetSummary(); line != "" {
		l.WriteString(line + "\n") // the network's counters join the log
	}
	return o.String(), insns, l.String()
}

func TestRecordReplayConsole(t *testing.T) {
	kernel := rvasm.Build(t, timingEcho, rvasm.Options{})
	var rec bytes.Buffer
	out, insns, log := runRecorded(t, kernel, Config{
		ConsoleIn: &slowReader{data: []byte("hello\nworld\nq"), gap: time.Millisecond},
		Record:    &rec,
	})
	assert.Empty(t, log)
	require.Len(t, out, 2*len("hello\nworld\n"))

	events, err := replay.Read(bytes.NewReader(rec.Bytes()))
	require.NoError(t, err)
	var typed []byte
	for _, e := range events[:len(events)-1] {
		assert.Equal(t, replay.Console, e.Kind)
		typed = append(typed, e.Data...)
	}
	assert.Equal(t, "hello\nworld\nq", string(typed))
	assert.Equal(t, replay.End, events[len(events)-1].Kind)

	for i := 0; i < 2; i++ {
		rout, rinsns, rlog := runRecorded(t, kernel, Config{Replay: bytes.NewReader(rec.Bytes())})
		assert.Equal(t, out, rout, "replay %d: same console output", i)
		assert.Equal(t, insns, rinsns, "replay %d: same instruction count", i)
		assert.Empty(t, rlog)
	}
}

func TestReplayStopsWhereRecordingStopped(t *testing.T) {
	// A guest that never powers off: the recording ends at its timeout;
	// the replay stops at the same instruction without one. (The timeout
	// leaves room for the two keys 20 ms apart on a slow host: the
	// linux/arm64 run under qemu-user missed the second at 300 ms.)
	kernel := rvasm.Build(t, strings.Replace(timingEcho, "beq s1, t1, poweroff", "nop", 1), rvasm.Options{})
	var rec, out, log bytes.Buffer
	m, err := New(Config{Kernel: kernel, RAM: 16 << 20, Clock: ClockVirtual, Timeout: 1500 * time.Millisecond,
		ConsoleIn: &slowReader{data: []byte("ab"), gap: 20 * time.Millisecond}, Record: &rec, ConsoleOut: &out, Log: &log})
	require.NoError(t, err)
	_, err = m.Run(t.Context())
	require.ErrorIs(t, err, ErrTimeout)
	insns := m.Harts()[0].Instret
	require.Len(t, out.String(), 4, "both bytes echoed before the timeout")

	rout, rinsns, rlog := runRecorded(t, kernel, Config{Replay: bytes.NewReader(rec.Bytes())})
	assert.Equal(t, out.String(), rout)
	assert.Equal(t, insns, rinsns)
	assert.Contains(t, rlog, fmt.Sprintf("end of the recording at %d instructions", insns))
	assert.NotContains(t, rlog, "diverged")
}

func TestReplayReportsDivergence(t *testing.T) {
	// Points no run of this guest stops at (feed points follow quanta and
	// device accesses): the replay goes on and says so once.
	kernel := rvasm.Build(t, timingEcho, rvasm.Options{})
	log := replay.Magic + "\n5001 500 console 61\n20001 2000 console 71\n"
	out, _, rlog := runRecorded(t, kernel, Config{Replay: strings.NewReader(log)})
	assert.Equal(t, "a", out[:1])
	assert.Equal(t, 1, strings.Count(rlog, "diverged"), rlog)
}

func TestRecordReplayConfigErrors(t *testing.T) {
	kernel := rvasm.Build(t, timingEcho, rvasm.Options{})
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"record needs virtual time", Config{Record: io.Discard}, "needs the virtual clock"},
		{"replay needs virtual time", Config{Replay: strings.NewReader(replay.Magic + "\n")}, "needs the virtual clock"},
		{"not both", Config{Record: io.Discard, Replay: strings.NewReader(""), Clock: ClockVirtual}, "choose one"},
		{"bad log", Config{Replay: strings.NewReader("hello"), Clock: ClockVirtual}, "replay: not an rvemu recording"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Kernel = kernel
			_, err := New(tc.cfg)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestRecordReplayNetwork: the polling E1000 guest of net_loop_test.go
// talks to an echo server on 127.0.0.1 while recorded; the replay has no
// echo server and no host sockets, yet the guest sees the same frames at
// the same instructions.
func TestRecordReplayNetwork(t *testing.T) {
	echo, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	go func() {
		buf := make([]byte, 512)
		n, src, err := echo.ReadFromUDP(buf)
		if err == nil {
			echo.WriteToUDP([]byte("echo:"+string(buf[:n])), src)
		}
	}()
	port := uint16(echo.LocalAddr().(*net.UDPAddr).Port)
	frame := guestUDP(port, "hello from the guest")
	src := strings.Replace(fmt.Sprintf(asmNetGuest, byteDirective(frame), byteDirective(guestARPReply())),
		"UDPLEN", fmt.Sprint(len(frame)), 1)
	kernel := rvasm.Build(t, src, rvasm.Options{})

	var rec bytes.Buffer
	_, insns, log := runRecorded(t, kernel, Config{Net: NetConfig{Enabled: true}, Record: &rec})
	echo.Close()
	assert.Contains(t, log, "2 to guest")
	events, err := replay.Read(bytes.NewReader(rec.Bytes()))
	require.NoError(t, err)
	var frames int
	for _, e := range events {
		if e.Kind == replay.Frame {
			frames++
		}
	}
	assert.Equal(t, 2, frames, "the ARP request and the echo reply")

	_, rinsns, rlog := runRecorded(t, kernel, Config{Net: NetConfig{Enabled: true}, Replay: bytes.NewReader(rec.Bytes())})
	assert.Equal(t, insns, rinsns, "same instruction count")
	assert.NotContains(t, rlog, "diverged")
	assert.NotContains(t, rlog, "usernet:", "no user network in a replay")
}
