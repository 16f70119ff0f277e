package class

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
)

// Without network namespaces, runs share the host's ports, and every lab
// Makefile derives its ports from the uid: GDBPORT = uid%5000+25000, the
// net lab's SERVERPORT +25099, FWDPORT(1) +25999 and FWDPORT2 +30999
// (2019-2025 alike, through `id -u`); the 2024+ net lab's nettest.py
// computes the same from Python's os.getuid(). So each run gets a uid of
// its own to compute them from: a directory first in PATH holding an `id`
// that answers -u with it, and a sitecustomize.py (on PYTHONPATH) that
// makes os.getuid() return it. Nothing else changes.
//
// Slot k's uid is portBase+k; with k < 99 the four port ranges cannot
// overlap each other (25000+b+k < 25099+b for every k), so runs on
// different slots never share a port. A slot is held by a lock file in a
// directory shared by every class grade of this user on the host (shards
// run side by side), and one whose ports are taken (another user's lab)
// is passed over.

const (
	portBase  = 4000 // uid%5000 of slot 0: ports 29000, 29099, 29999, 34999
	slotCount = 99
)

// uidPorts are the ports a lab Makefile derives from uid.
func uidPorts(uid int) (gdb, server, fwd1, fwd2 int) {
	u := uid % 5000
	return u + 25000, u + 25099, u + 25999, u + 30999
}

type portSlots struct {
	dir    string // holds one directory per slot
	locks  string // the host-wide lock files
	realID string // the host's id, for everything but -u
	mu     sync.Mutex
	held   [slotCount]io.Closer
}

func newPortSlots(dir string) (*portSlots, error) {
	id, err := exec.LookPath("id")
	if err != nil {
		return nil, fmt.Errorf("id: %w", err)
	}
	locks := filepath.Join(os.TempDir(), fmt.Sprintf("rvemu-class-ports-%d", os.Getuid()))
	if err := os.MkdirAll(locks, 0o700); err != nil {
		return nil, err
	}
	return &portSlots{dir: dir, locks: locks, realID: id}, nil
}

// take reserves a slot whose ports are free now and returns its directory
// (for PATH and PYTHONPATH) and uid.
func (p *portSlots) take() (dir string, uid int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k := 0; k < slotCount; k++ {
		if p.held[k] != nil {
			continue
		}
		lock, err := lockFile(filepath.Join(p.locks, strconv.Itoa(k)+".lock"))
		if err != nil {
			continue // another grade on this host holds it
		}
		if !portsFree(portBase + k) {
			lock.Close()
			continue
		}
		uid = portBase + k
		dir = filepath.Join(p.dir, strconv.Itoa(k))
		if err := writeSlot(dir, uid, p.realID); err != nil {
			lock.Close()
			return "", 0, err
		}
		p.held[k] = lock
		return dir, uid, nil
	}
	return "", 0, errors.New("no free port set for another grade (99 in use): lower --jobs")
}

func (p *portSlots) give(uid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.held[uid-portBase]; l != nil {
		l.Close()
		p.held[uid-portBase] = nil
	}
}

func writeSlot(dir string, uid int, realID string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	id := fmt.Sprintf("#!/bin/sh\n# rvemu class: this grade's uid, for the lab Makefile's port arithmetic.\n"+
		"if [ \"$1\" = -u ]; then echo %d; exit 0; fi\nexec %s \"$@\"\n", uid, realID)
	if err := os.WriteFile(filepath.Join(dir, "id"), []byte(id), 0o755); err != nil {
		return err
	}
	py := fmt.Sprintf("# rvemu class: this grade's uid, for the lab scripts' port arithmetic.\nimport os\nos.getuid = lambda: %d\n", uid)
	return os.WriteFile(filepath.Join(dir, "sitecustomize.py"), []byte(py), 0o644)
}

// portsFree: nobody listens on the slot's ports on 127.0.0.1 now.
func portsFree(uid int) bool {
	gdb, server, fwd1, fwd2 := uidPorts(uid)
	l, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(gdb))
	if err != nil {
		return false
	}
	l.Close()
	for _, port := range []int{server, fwd1, fwd2} {
		c, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return false
		}
		c.Close()
	}
	return true
}
