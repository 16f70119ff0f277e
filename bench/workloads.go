package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// A workload is one guest run measured the same way on both emulators.
type workload struct {
	name   string
	what   string   // one line for the report
	inputs []string // files that must exist (built by make)
	kernel string
	disk   string // copied to a scratch file for each run (the guest writes it)
	harts  int
	// typed is sent after the first "$ "; the clock then starts at the typing
	// and stops at until. Without typed the clock starts at process start.
	typed string
	until *regexp.Regexp // nil: run to the guest's poweroff
	// instret, when set, extracts the guest's retired-instruction count from
	// its console output (rvemu's count also serves for QEMU, whose minstret
	// without -icount is not an instruction count).
	instret *regexp.Regexp
}

var prompt = regexp.MustCompile(`(?m)^\$ `)

func workloads() []workload {
	const kernel, fs = "xv6/build/kernel.img", "xv6/build/fs.img"
	compute := "tests/build/compute.elf"
	return []workload{
		{
			name: "compute", what: "bare-metal integer mix (CRC, matmul, sort, lists, state machine), start to poweroff",
			inputs: []string{compute}, kernel: compute, harts: 1,
			instret: regexp.MustCompile(`compute: instret (\d+)`),
		},
		{
			name: "boot-smp1", what: "our kernel, process start to the first `$ `, 1 hart",
			inputs: []string{kernel, fs}, kernel: kernel, disk: fs, harts: 1, until: prompt,
		},
		{
			name: "boot-smp3", what: "our kernel, process start to the first `$ `, 3 harts",
			inputs: []string{kernel, fs}, kernel: kernel, disk: fs, harts: 3, until: prompt,
		},
	}
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
	return append(args, w.kernel)
}

func (w workload) qemuArgs(disk string) []string {
	args := []string{"-machine", "virt", "-bios", "none", "-m", "128M", "-nographic", "-nic", "none",
		"-smp", strconv.Itoa(w.harts), "-kernel", w.kernel}
	if disk != "" {
		args = append(args, "-global", "virtio-mmio.force-legacy=false",
			"-drive", "file="+disk+",if=none,format=raw,id=x0",
			"-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0")
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
