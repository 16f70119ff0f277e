package qemucli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rvemu/rvemu/usernet"
)

// FuzzParse feeds the parser arbitrary command lines (arguments separated
// by newlines, so no argument holds one). A lab Makefile typo must give a
// one-line *Error, never a panic, and Parse must say the same thing every
// time it sees the same line. What it accepts must be usable by the board:
// a kernel to boot, hostfwd specs the network will take.
func FuzzParse(f *testing.F) {
	for _, line := range []string{
		base2019, base2019 + " -S -s -p 26000",
		base2020 + net2020, base2020 + net2020 + " -S -gdb tcp::26000",
		base2024 + net2024,
		"-M virt -bios none -kernel k -m 256 -smp sockets=1,cores=2,threads=2 -nographic -global virtio-mmio.force-legacy=off",
		"-help", "-version", "-kernel k -snapshot -m size=1G",
		"-kernel k -netdev user,id=n,hostfwd=udp:127.0.0.1:1-10.0.2.15:2,hostfwd=tcp::3-:4 -device e1000,netdev=n",
		"-kernel k -drive file=a,,b,if=none,id=d -device virtio-blk-device,drive=d",
		"-kernel k -object filter-dump,id=f,netdev=missing,file=p -smp cpus=x,maxcpus=y",
	} {
		f.Add(strings.ReplaceAll(line, " ", "\n"))
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\n")
		o, err := Parse(args)
		o2, err2 := Parse(args)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v is not a *qemucli.Error", err, err)
			}
			if strings.Contains(e.Msg, "\n") || e.Msg == "" {
				t.Fatalf("error is not one line: %q", e.Msg)
			}
			if o != nil {
				t.Fatalf("options returned with an error")
			}
			if err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("same line, different answers: %v / %v", err, err2)
			}
			return
		}
		if err2 != nil || !reflect.DeepEqual(o, o2) {
			t.Fatalf("same line, different answers: %+v %v / %+v %v", o, err, o2, err2)
		}
		if !o.Help && !o.Version && o.Kernel == "" {
			t.Fatalf("accepted without a kernel")
		}
		if o.Harts < 0 {
			t.Fatalf("negative hart count %d", o.Harts)
		}
		if o.GDB != "" && !strings.HasPrefix(o.GDB, "tcp:") {
			t.Fatalf("gdb address %q accepted", o.GDB)
		}
		if o.Net == nil {
			return
		}
		if o.Net.NIC != "e1000" {
			t.Fatalf("network without a NIC: %+v", o.Net)
		}
		for _, h := range o.Net.HostFwd {
			if h.Proto != "udp" {
				continue // the front end refuses it with its own line
			}
			if _, err := usernet.ParseHostFwd(h.Spec); err != nil {
				t.Fatalf("hostfwd %q accepted here but refused by the network: %v", h.Spec, err)
			}
		}
	})
}
