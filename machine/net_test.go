package machine

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
)

// TestNICWiring probes the E1000 the way lab kernels do, enables its BAR
// in the PCI window and checks that its INTA reaches PLIC source 33 and
// drops again on the ICR acknowledge.
func TestNICWiring(t *testing.T) {
	src := `
	.globl _start
_start:
	li t0, 0x30008000      # ECAM: 00:01.0
	lw t1, 0(t0)
	li t2, 0x100E8086
	bne t1, t2, fail
	li t1, 7               # I/O, memory, bus master
	sw t1, 4(t0)
	li t1, 0x40000000
	sw t1, 0x10(t0)        # BAR0
	li t0, 0x40000000
	lw t1, 8(t0)           # STATUS: link up, full duplex
	andi t1, t1, 3
	li t2, 3
	bne t1, t2, fail
	li t1, 0x80            # RXT0
	sw t1, 0xd0(t0)        # IMS
	sw t1, 0xc8(t0)        # ICS: raise it
	li t3, 0x0c001004      # PLIC pending, sources 32..63
	lw t1, 0(t3)
	andi t1, t1, 2         # source 33
	beqz t1, fail
	li t1, -1
	sw t1, 0xc0(t0)        # ICR write-1: acknowledge
	lw t1, 0(t3)
	andi t1, t1, 2
	bnez t1, fail
	j poweroff
fail:
	li t0, 0x100000
	li t1, 0x00023333
	sw t1, 0(t0)
1:	j 1b
` + asmPoweroff
	capture := filepath.Join(t.TempDir(), "packets.pcap")
	r := boot(t, src, Config{Net: NetConfig{Enabled: true, PCAP: capture}})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code, r.log)
	assert.NotContains(t, r.log, "usernet:", "no summary when the guest sent nothing")
	st, err := os.Stat(capture)
	require.NoError(t, err)
	assert.Equal(t, int64(24), st.Size(), "pcap header, no frames")
}

func TestNetConfigErrors(t *testing.T) {
	busy, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer busy.Close()
	fwd, err := ParseHostFwd("udp::" + portOf(busy) + "-:2000")
	require.NoError(t, err)
	kernel := rvasm.Build(t, "\t.globl _start\n_start:\n"+asmPoweroff, rvasm.Options{})
	tests := []struct {
		name string
		net  NetConfig
		want string
	}{
		{"hostfwd port taken", NetConfig{Enabled: true, HostFwd: []HostFwd{fwd}}, "net:"},
		{"pcap unwritable", NetConfig{Enabled: true, PCAP: filepath.Join(t.TempDir(), "no", "dir", "x.pcap")}, "pcap:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Config{Kernel: kernel, Net: tt.net})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func portOf(c *net.UDPConn) string {
	_, port, _ := net.SplitHostPort(c.LocalAddr().String())
	return port
}

// TestE1000CheckNamesTheStore: with --check e1000 the warning names the
// guest instruction that made the bad register write, by its symbol.
func TestE1000CheckNamesTheStore(t *testing.T) {
	src := `
	.globl _start
_start:
	li t0, 0x30008000      # ECAM: 00:01.0
	li t1, 7               # I/O, memory, bus master
	sw t1, 4(t0)
	li t1, 0x40000000
	sw t1, 0x10(t0)        # BAR0
	li t0, 0x40003808      # TDLEN
	li t1, 16              # a descriptor count where bytes belong
bad_tdlen:
	sw t1, 0(t0)
	j poweroff
` + asmPoweroff
	tests := []struct {
		name  string
		check Check
		want  string
	}{
		{"checker on", CheckE1000, "e1000 check [ring-length] hart 0 pc 0x80000020 <bad_tdlen>: TDLEN = 16 is not a multiple of 128"},
		{"checker off", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := boot(t, src, Config{Net: NetConfig{Enabled: true}, Check: tt.check})
			require.NoError(t, r.err)
			assert.Equal(t, 0, r.code, r.log)
			if tt.want == "" {
				assert.NotContains(t, r.log, "e1000 check")
				return
			}
			assert.Contains(t, r.log, tt.want)
		})
	}
}

func TestNetConfigVocabulary(t *testing.T) {
	h, err := ParseHostFwd("udp:127.0.0.2:25999-:2000")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.2", h.HostAddr.String())
	assert.Equal(t, uint16(25999), h.HostPort)
	assert.Equal(t, uint16(2000), h.GuestPort)
	_, err = ParseHostFwd("tcp::1-:2")
	assert.ErrorContains(t, err, "only udp")

	e, err := ParseEgress("all")
	require.NoError(t, err)
	assert.Equal(t, EgressAll, e)
	_, err = ParseEgress("some")
	assert.Error(t, err)

	dns := DNSTable{}
	require.NoError(t, dns.ParseDNSHost("Example.TEST=10.1.2.3"))
	assert.Error(t, dns.ParseDNSHost("nothing"))
	c := NetConfig{DNS: DNSTable{"Mixed.Case": netip.MustParseAddr("10.0.0.1")}}
	for name, addr := range dns {
		c.DNS[name] = addr
	}
	assert.Equal(t, map[string]string{"mixed.case.": "10.0.0.1", "example.test.": "10.1.2.3"},
		func() map[string]string {
			out := map[string]string{}
			for n, a := range c.userDNS() {
				out[n] = a.String()
			}
			return out
		}(), "names reach usernet in its canonical form")
}

func TestLabDNSTable(t *testing.T) {
	lab := LabDNS()
	assert.Equal(t, "pdos.csail.mit.edu=128.52.129.126", lab.String())
	require.NoError(t, lab.ParseDNSHost("b.test=10.0.0.2"))
	assert.Equal(t, "b.test=10.0.0.2, pdos.csail.mit.edu=128.52.129.126", lab.String())
	assert.Equal(t, "pdos.csail.mit.edu=128.52.129.126", LabDNS().String(), "each call is a fresh table")
}

// TestE1000CheckNamesTheHart: on the parallel board, while the other
// harts keep reading a device register, the warning names the hart and
// instruction that made the bad write.
func TestE1000CheckNamesTheHart(t *testing.T) {
	src := `
	.globl _start
_start:
	csrr t2, mhartid
	li t3, 2
	beq t2, t3, writer
	li t0, 0x200bff8       # mtime: the others keep the device lock busy
1:	ld t1, 0(t0)
	j 1b
writer:
	li t0, 0x30008000      # ECAM: 00:01.0
	li t1, 7               # I/O, memory, bus master
	sw t1, 4(t0)
	li t1, 0x40000000
	sw t1, 0x10(t0)        # BAR0
	li t0, 0x40003808      # TDLEN
	li t1, 16
bad_tdlen:
	sw t1, 0(t0)
	j poweroff
` + asmPoweroff
	r := boot(t, src, Config{Harts: 3, Net: NetConfig{Enabled: true}, Check: CheckE1000})
	require.NoError(t, r.err)
	assert.Equal(t, 0, r.code, r.log)
	require.True(t, r.m.Parallel())
	assert.Regexp(t, `e1000 check \[ring-length\] hart 2 pc 0x800000[0-9a-f]{2} <bad_tdlen>: TDLEN = 16 is not a multiple of 128`, r.log)
}
