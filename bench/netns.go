//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/rvemu/rvemu/grade"
	"github.com/rvemu/rvemu/usernet"
)

// Network safety: every workload with a NIC runs, on rvemu and on QEMU
// alike, inside a private network namespace holding only loopback, with
// its own mount namespace so that resolv.conf can name our resolver. The
// host side (the lab's UDP server, the DNS table, the UDP benchmark's
// client) lives in the same namespace. Nothing the guest sends can leave
// the machine: the namespace has no other interface and no route.
//
// bench re-executes itself under `unshare -n -m` for that (`-r` too when
// not root: an unprivileged user namespace may own the new ones).

const netnsEnv = "RVEMU_BENCH_SEALED"

func inSealedNamespace() bool { return os.Getenv(netnsEnv) != "" }

// reexecSealed runs this program again with the same arguments inside new
// network and mount namespaces and returns its exit status.
func reexecSealed() (int, error) {
	if _, err := exec.LookPath("unshare"); err != nil {
		return 0, fmt.Errorf("the network workloads need unshare (util-linux): %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	args := []string{"-n", "-m"}
	if os.Geteuid() != 0 {
		args = append([]string{"-r"}, args...)
	}
	cmd := exec.Command("unshare", append(append(args, self), os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// hostSide is what the guest talks to inside the namespace.
type hostSide struct {
	lab *grade.Host
	dns *dnsServer
	dir string // holds the namespace's resolv.conf
}

func (h *hostSide) Close() {
	if h.lab != nil {
		h.lab.Close()
	}
	if h.dns != nil {
		h.dns.Close()
	}
	if h.dir != "" {
		os.RemoveAll(h.dir)
	}
}

// sealNamespace runs inside the new namespaces: loopback up and alone,
// resolv.conf naming 127.0.0.1, the DNS table and the lab's server started.
func sealNamespace() (*hostSide, error) {
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ip link set lo up: %v: %s", err, out)
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	for _, ifc := range ifaces {
		if ifc.Name != "lo" {
			return nil, fmt.Errorf("the namespace must hold only loopback, found %s", ifc.Name)
		}
	}
	// Our mounts stay in this namespace (unshare makes them private; say so
	// again in case the system default differs).
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return nil, fmt.Errorf("making mounts private: %w", err)
	}
	dir, err := os.MkdirTemp("", "rvemu-bench-ns-")
	if err != nil {
		return nil, err
	}
	resolv := filepath.Join(dir, "resolv.conf")
	err = os.WriteFile(resolv, []byte("nameserver 127.0.0.1\n"), 0o644)
	if err == nil {
		err = syscall.Mount(resolv, "/etc/resolv.conf", "", syscall.MS_BIND, "")
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("a resolv.conf for the namespace: %w", err)
	}
	h := &hostSide{dir: dir}
	h.dns, err = startDNS(netip.MustParseAddrPort("127.0.0.1:53"), usernet.LabDNS())
	if err != nil {
		return nil, fmt.Errorf("DNS table on 127.0.0.1:53: %w", err)
	}
	h.lab, err = grade.StartHost(grade.HostReply, labServerPort, 0)
	if err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}
