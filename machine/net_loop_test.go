package machine

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asmNetGuest drives the E1000 by polling, as a minimal lab driver: it
// sends the UDP frame at udpframe, answers the network's ARP who-has with
// arpreply, and powers off with status 0 when a UDP reply whose payload
// starts with 'e' arrives (status 5 for anything else). Its poll loop reads
// RDH, a device register, so the board never mistakes it for a spin.
const asmNetGuest = `
	.globl _start
_start:
	li t0, 0x30008000      # ECAM 00:01.0
	li t1, 7
	sw t1, 4(t0)           # COMMAND: I/O, memory, bus master
	li s0, 0x40000000
	sw s0, 0x10(t0)        # BAR0
	la t0, rxring          # RX descriptors point at 2 KiB buffers
	la t1, rxbufs
	li t2, 8
1:	sd t1, 0(t0)
	sd zero, 8(t0)
	addi t0, t0, 16
	li t3, 2048
	add t1, t1, t3
	addi t2, t2, -1
	bnez t2, 1b
	li a0, 0x2800; la a1, rxring; call wreg   # RDBAL
	li a0, 0x2808; li a1, 128; call wreg      # RDLEN: 8 descriptors
	li a0, 0x2810; li a1, 0; call wreg        # RDH
	li a0, 0x2818; li a1, 7; call wreg        # RDT
	li a0, 0x0100; li a1, 0x04008002; call wreg # RCTL: EN | BAM | SECRC
	li a0, 0x3800; la a1, txring; call wreg   # TDBAL
	li a0, 0x3808; li a1, 128; call wreg      # TDLEN
	li a0, 0x0400; li a1, 0x0a; call wreg     # TCTL: EN | PSP
	la a0, udpframe
	li a1, UDPLEN
	call send
	li s1, 0               # next RX descriptor
poll:
	li a0, 0x2810
	call rreg              # RDH
	beq a0, s1, poll
	slli t0, s1, 11
	la t1, rxbufs
	add s2, t1, t0         # frame
	lbu t0, 12(s2)
	lbu t1, 13(s2)
	li t2, 8
	bne t0, t2, bad
	li t2, 6
	beq t1, t2, arp
	bnez t1, bad
	lbu t0, 42(s2)         # first UDP payload byte
	li t1, 'e'
	bne t0, t1, bad
	j poweroff
arp:
	la a0, arpreply
	li a1, 42
	call send
	li a0, 0x2818
	mv a1, s1
	call wreg              # RDT: hand the descriptor back
	addi s1, s1, 1
	andi s1, s1, 7
	j poll
bad:
	li t0, 0x100000
	li t1, 0x00053333
	sw t1, 0(t0)
1:	j 1b

# send(a0 = frame, a1 = length): one descriptor, EOP | RS, TDT moves on.
send:
	la t0, txring
	la t1, txnext
	lw t2, 0(t1)
	slli t3, t2, 4
	add t0, t0, t3
	sd a0, 0(t0)
	sh a1, 8(t0)
	li t3, 9
	sb t3, 11(t0)
	addi t2, t2, 1
	andi t2, t2, 7
	sw t2, 0(t1)
	li t3, 0x3818
	add t3, t3, s0
	sw t2, 0(t3)
	ret

wreg:	add t6, s0, a0
	sw a1, 0(t6)
	ret
rreg:	add t6, s0, a0
	lw a0, 0(t6)
	ret
` + asmPoweroff + `
	.data
	.align 4
rxring:	.zero 128
txring:	.zero 128
txnext:	.word 0
	.align 4
udpframe: %s
arpreply: %s
	.align 12
rxbufs:	.zero 8 * 2048
`

// byteDirective renders b as one .byte line of assembly.
func byteDirective(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprint(x)
	}
	return ".byte " + strings.Join(parts, ", ")
}

// guestUDP builds 10.0.2.15:2000 -> 10.0.2.2:port to the broadcast MAC,
// as the 2020 lab kernels send it (no UDP checksum).
func guestUDP(port uint16, payload string) []byte {
	f := make([]byte, 14+20+8+len(payload))
	copy(f, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x00})
	ip := f[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
	copy(ip[12:], []byte{10, 0, 2, 15, 10, 0, 2, 2})
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	sum = sum&0xFFFF + sum>>16
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum+sum>>16))
	binary.BigEndian.PutUint16(ip[20:], 2000)
	binary.BigEndian.PutUint16(ip[22:], port)
	binary.BigEndian.PutUint16(ip[24:], uint16(8+len(payload)))
	copy(ip[28:], payload)
	return f
}

// guestARPReply is "10.0.2.15 is at 52:54:00:12:34:56", to the gateway.
func guestARPReply() []byte {
	return []byte{
		0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06,
		0, 1, 8, 0, 6, 4, 0, 2,
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 2, 15,
		0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 10, 0, 2, 2,
	}
}

// TestNetThroughRunLoop: a guest's datagram leaves through the E1000 and
// usernet to an echo server on 127.0.0.1; the reply comes back through a
// host socket goroutine, Post and the machine loop into the RX ring.
func TestNetThroughRunLoop(t *testing.T) {
	echo, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer echo.Close()
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 512)
		n, src, err := echo.ReadFromUDP(buf)
		if err != nil {
			return
		}
		got <- string(buf[:n])
		echo.WriteToUDP([]byte("echo:"+string(buf[:n])), src)
	}()
	port := uint16(echo.LocalAddr().(*net.UDPAddr).Port)
	frame := guestUDP(port, "hello from the guest")
	src := strings.Replace(fmt.Sprintf(asmNetGuest, byteDirective(frame), byteDirective(guestARPReply())),
		"UDPLEN", fmt.Sprint(len(frame)), 1)
	r := boot(t, src, Config{Net: NetConfig{Enabled: true}, Timeout: 20 * time.Second})
	require.NoError(t, r.err, r.log)
	assert.Equal(t, 0, r.code, r.log)
	select {
	case s := <-got:
		assert.Equal(t, "hello from the guest", s)
	default:
		t.Fatal("the echo server never heard the guest")
	}
	line, lost := r.m.NetSummary()
	assert.Contains(t, line, "usernet: 2 frames from guest, 2 to guest, 1 datagrams to host", "the counters at exit")
	assert.False(t, lost, "nothing dropped: %s", line)
	assert.NotContains(t, r.log, "frames from guest", "the board does not print them itself")
}

// TestNetThroughParallelHarts is TestNetThroughRunLoop with three harts on
// goroutines of their own, the driver's hart sleeping in WFI until the
// E1000's interrupt (through the PLIC) and the others asleep for good:
// the reply reaches the driver's hart while it polls the network itself
// (hartSpinForNet), under the race detector in make test.
func TestNetThroughParallelHarts(t *testing.T) {
	echo, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer echo.Close()
	go func() {
		buf := make([]byte, 512)
		n, src, err := echo.ReadFromUDP(buf)
		if err == nil {
			echo.WriteToUDP([]byte("echo:"+string(buf[:n])), src)
		}
	}()
	port := uint16(echo.LocalAddr().(*net.UDPAddr).Port)
	frame := guestUDP(port, "hello from hart 0")
	src := strings.Replace(fmt.Sprintf(asmNetGuest, byteDirective(frame), byteDirective(guestARPReply())),
		"UDPLEN", fmt.Sprint(len(frame)), 1)
	for _, r := range [][2]string{
		{"_start:\n", "_start:\n\tbnez a0, park\n"},
		{"\tla a0, udpframe\n", `	li a0, 0xd0; li a1, 0x80; call wreg        # IMS: RXT0
	li t0, 0x0c000000 + 4 * 33; li t1, 1; sw t1, 0(t0)   # PLIC: source 33's priority
	li t0, 0x0c002004; li t1, 2; sw t1, 0(t0)            # hart 0 M context: source 33
	li t0, 1 << 11; csrw mie, t0                         # MEIE: wfi wakes (MIE stays off)
	la a0, udpframe
`},
		{"poll:\n\tli a0, 0x2810\n\tcall rreg              # RDH\n\tbeq a0, s1, poll\n", `poll:
	li a0, 0x2810
	call rreg              # RDH
	bne a0, s1, 2f
	wfi
	li a0, 0xc0; call rreg # ICR: the cause goes
	li t0, 0x0c200004; lw t1, 0(t0); sw t1, 0(t0)  # claim, complete
	j poll
2:
`},
		{"bad:\n", "park:\n\twfi\n\tj park\nbad:\n"},
	} {
		require.Contains(t, src, r[0])
		src = strings.Replace(src, r[0], r[1], 1)
	}
	res := boot(t, src, Config{Harts: 3, Net: NetConfig{Enabled: true}, Timeout: 20 * time.Second})
	require.NoError(t, res.err, res.log)
	assert.Equal(t, 0, res.code, res.log)
	require.True(t, res.m.Parallel())
	line, _ := res.m.NetSummary()
	assert.Contains(t, line, "usernet: 2 frames from guest, 2 to guest, 1 datagrams to host")
}
