//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// A workload is one guest run measured the same way on both emulators.
type workload struct {
	name   string
	what   string   // one line for the report
	inputs []string // files that must exist (built by make)
	kernel string
	disk   string // copied to a scratch file for each run (the guest writes it)
	harts  int
	// net: the board gets the lab's E1000 behind user networking with the
	// hostfwd the lab uses; such workloads run only inside the sealed
	// namespace (netns.go).
	net bool
	// typed is sent after the first "$ "; the clock then starts at the typing
	// and stops at until. Without typed the clock starts at process start.
	typed string
	until *regexp.Regexp // nil: run to the guest's poweroff
	// failed, when it matches the output at the until line, makes the run an
	// error (until also matches the guest's failure line so a failing run
	// ends at once instead of at the time limit).
	failed *regexp.Regexp
	// drive replaces typed/until: a session run after the first "$ "
	// (the UDP round trip's host client).
	drive func(s *session) (driven, error)
	// instret, when set, extracts the guest's retired-instruction count from
	// its console output (rvemu's count also serves for QEMU, whose minstret
	// without -icount is not an instruction count).
	instret *regexp.Regexp
	// labLike: also report process start to the until line, what a student
	// waits for when the grader boots the machine and types the command.
	labLike bool
	// limit bounds one run (0: runLimit).
	limit time.Duration
}

var prompt = regexp.MustCompile(`(?m)^\$ `)

// The images `make bench` builds for every xv6 workload (one kernel and file
// system: nettests asks slirp's resolver, see the Makefile's bench target).
const (
	benchKernel = "xv6/build/bench/kernel.img"
	benchFS     = "xv6/build/bench/fs.img"
	computeELF  = "tests/build/compute.elf"
)

// The lab's ports for uid 0 (nettests' host server; host port forwarded to
// guest port 2000), compiled into the bench image. Only the sealed namespace
// uses them, so nothing else on the machine can hold them.
const (
	labServerPort = 25099
	labFwdPort    = 25999
	labGuestPort  = 2000
	// udpClientPort is where the UDP benchmark's host client sends from:
	// the guest's connect()-bound socket answers only this port.
	udpClientPort = 25500
)

func workloads() []workload {
	xv6 := func(w workload) workload {
		w.inputs = []string{benchKernel, benchFS}
		w.kernel, w.disk = benchKernel, benchFS
		if w.harts == 0 {
			w.harts = 3
		}
		return w
	}
	list := []workload{
		{
			name: "compute", what: "bare-metal integer mix (CRC, matmul, sort, lists, state machine), start to poweroff",
			inputs: []string{computeELF}, kernel: computeELF, harts: 1,
			instret: regexp.MustCompile(`compute: instret (\d+)`),
		},
		xv6(workload{
			name: "boot-smp1", what: "our kernel, process start to the first `$ `, 1 hart",
			harts: 1, until: prompt,
		}),
		xv6(workload{
			name: "boot-smp3", what: "our kernel, process start to the first `$ `, 3 harts",
			until: prompt,
		}),
		xv6(workload{
			name: "nettests", what: "our kernel's `nettests` (pings, then DNS asked of 10.0.2.3) typed to `all tests passed.`, 3 harts, E1000",
			net: true, typed: "nettests", labLike: true,
			until:  regexp.MustCompile(`(?m)^(all tests passed\.|nettests: .*)\r?$`),
			failed: regexp.MustCompile(`nettests: `),
			// A run takes about a second on either emulator; a guest that
			// waits for a lost datagram is reported after a minute, not five.
			limit: time.Minute,
		}),
	}
	for _, p := range []struct{ part, what string }{
		{"mem", "grow by sbrk until it fails, touch every page, free; twice (countfree)"},
		{"fork", "200 fork + exit + wait"},
		{"exec", "50 fork + exec + wait"},
		{"pipe", "4 MiB through a pipe between two processes, checked"},
	} {
		list = append(list, xv6(workload{
			name: "stress-" + p.part, what: fmt.Sprintf("`stress %s` typed to its OK line, 3 harts: %s", p.part, p.what),
			typed:  "stress " + p.part,
			until:  regexp.MustCompile(`(?m)^stress ` + p.part + `: (OK|FAIL).*$`),
			failed: regexp.MustCompile(`stress ` + p.part + `: FAIL`),
		}))
	}
	list = append(list, xv6(workload{
		name: "udp", what: fmt.Sprintf("host<->guest UDP echo through hostfwd: %d round trips one at a time, then %d with %d in flight, 3 harts, E1000", udpSerial, udpWindowed, udpWindow),
		net:   true,
		drive: driveUDPEcho,
	}))
	return list
}

func (w workload) missingInputs() string {
	for _, f := range w.inputs {
		if _, err := os.Stat(f); err != nil {
			return f
		}
	}
	return ""
}

func (w workload) rvemuArgs(disk string) []string {
	args := []string{"boot", "--smp", strconv.Itoa(w.harts)}
	if disk != "" {
		args = append(args, "--disk", disk)
	}
	if w.net {
		args = append(args, "--hostfwd", fmt.Sprintf("udp:127.0.0.1:%d-:%d", labFwdPort, labGuestPort))
	} else {
		args = append(args, "--net", "none")
	}
	return append(args, w.kernel)
}

// interpArgs is rvemuArgs on rvemu's interpreter.
func (w workload) interpArgs(disk string) []string {
	args := w.rvemuArgs(disk)
	return append([]string{args[0], "--jit", "off"}, args[1:]...)
}

// qemuArgs is the lab's QEMU command line (xv6/Makefile's qemu and qemu-net
// targets) without the packet capture, which rvemu is not asked for either.
func (w workload) qemuArgs(disk string) []string {
	args := []string{"-machine", "virt", "-bios", "none", "-m", "128M", "-nographic",
		"-smp", strconv.Itoa(w.harts), "-kernel", w.kernel}
	if disk != "" {
		args = append(args, "-global", "virtio-mmio.force-legacy=false",
			"-drive", "file="+disk+",if=none,format=raw,id=x0",
			"-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0")
	}
	if w.net {
		args = append(args,
			"-netdev", fmt.Sprintf("user,id=net0,hostfwd=udp:127.0.0.1:%d-:%d", labFwdPort, labGuestPort),
			"-device", "e1000,netdev=net0,bus=pcie.0")
	} else {
		args = append(args, "-nic", "none")
	}
	return args
}

// scratchDisk copies the workload's disk image so every run starts from the
// same file system.
func (w workload) scratchDisk(dir string) (string, error) {
	if w.disk == "" {
		return "", nil
	}
	data, err := os.ReadFile(w.disk)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "disk.img")
	return path, os.WriteFile(path, data, 0o644)
}

// selectWorkloads keeps the workloads named in only (comma-separated; empty:
// all) and reports names that match nothing.
func selectWorkloads(all []workload, only []string) ([]workload, []string) {
	if len(only) == 0 {
		return all, nil
	}
	var out []workload
	var unknown []string
	for _, name := range only {
		found := false
		for _, w := range all {
			if w.name == name || (name == "stress" && len(w.name) > 7 && w.name[:7] == "stress-") {
				if !containsWorkload(out, w.name) {
					out = append(out, w)
				}
				found = true
			}
		}
		if !found && name != goBenchName {
			unknown = append(unknown, name)
		}
	}
	return out, unknown
}

func containsWorkload(list []workload, name string) bool {
	for _, w := range list {
		if w.name == name {
			return true
		}
	}
	return false
}
