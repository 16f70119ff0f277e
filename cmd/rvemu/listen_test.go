package main

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/internal/rvasm"
	"github.com/rvemu/rvemu/machine"
)

// Network safety: the sockets a boot opens for the outside (hostfwd and
// the GDB stub) listen on 127.0.0.1 unless the command line names another
// address. The board is built from boot's own flags, and the addresses
// checked are those the sockets are bound to.
func TestListenersBindLoopbackByDefault(t *testing.T) {
	kernel := rvasm.Build(t, guestSpin, rvasm.Options{})
	tests := []struct {
		name string
		args []string
	}{
		{"--gdb :PORT and --hostfwd udp::PORT-:GPORT", []string{"--gdb", ":0", "--hostfwd", "udp::0-:2000"}},
		{"--gdb PORT", []string{"--gdb", "0"}},
		{"QEMU spellings: tcp::PORT, hostfwd= prefix", []string{"--gdb", "tcp::0", "--hostfwd", "hostfwd=udp::0-:2001"}},
		{"two forwards", []string{"--hostfwd", "udp::0-:2000", "--hostfwd", "udp::0-10.0.2.15:2001"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var o bootOptions
			set := bootFlags(&o)
			operands, err := set.Parse(append(tc.args, kernel))
			require.NoError(t, err)
			cfg, err := o.config(set, operands)
			require.NoError(t, err)
			m, err := machine.New(cfg)
			require.NoError(t, err)
			gdbAddr, fwds := m.GDBAddr(), m.NetForwardAddrs()
			m.Close()
			if gdbAddr != "" {
				ap, err := netip.ParseAddrPort(gdbAddr)
				require.NoError(t, err)
				assert.Equal(t, "127.0.0.1", ap.Addr().String(), "gdb stub")
				assert.NotZero(t, ap.Port())
			}
			for _, f := range fwds {
				assert.Equal(t, "127.0.0.1", f.Addr().String(), "hostfwd")
				assert.NotZero(t, f.Port())
			}
			assert.True(t, gdbAddr != "" || len(fwds) > 0, "the case opened a listener")
		})
	}
}
