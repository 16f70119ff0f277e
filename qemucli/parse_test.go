package qemucli

import (
	"bufio"
	"bytes"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command lines below are what the lab Makefiles expand to (uid 1000:
// forwards 26999/31999, gdb 26000).
const (
	base2019 = "-machine virt -kernel kernel/kernel -m 3G -smp 3 -nographic " +
		"-drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"
	base2020 = "-machine virt -bios none -kernel kernel/kernel -m 128M -smp 3 -nographic " +
		"-drive file=fs.img,if=none,format=raw,id=x0 -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"
	net2020 = " -netdev user,id=net0,hostfwd=udp::26999-:2000 -object filter-dump,id=net0,netdev=net0,file=packets.pcap" +
		" -device e1000,netdev=net0,bus=pcie.0"
	base2024 = "-machine virt -bios none -kernel kernel/kernel -m 128M -smp 3 -nographic " +
		"-global virtio-mmio.force-legacy=false -drive file=fs.img,if=none,format=raw,id=x0 " +
		"-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"
	net2024 = " -netdev user,id=net0,hostfwd=udp::26999-:2000,hostfwd=udp::31999-:2001 " +
		"-object filter-dump,id=net0,netdev=net0,file=packets.pcap -device e1000,netdev=net0,bus=pcie.0"
)

func udp(host, guest uint16, spec string) HostFwd {
	return HostFwd{Proto: "udp", HostPort: host, GuestPort: guest, Spec: spec}
}

func TestParseLabMakefiles(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		want   Options
		hasNet bool
		net    Net
	}{
		{"2019 qemu", base2019, Options{Machine: "virt", Kernel: "kernel/kernel", RAM: 3 << 30, Harts: 3, NoGraphic: true,
			VirtioLegacy: true, Disk: "fs.img", DiskFormat: "raw"}, false, Net{}},
		{"2019 qemu-gdb old syntax", base2019 + " -S -s -p 26000", Options{Machine: "virt", Kernel: "kernel/kernel", RAM: 3 << 30, Harts: 3, NoGraphic: true,
			VirtioLegacy: true, Disk: "fs.img", DiskFormat: "raw", StopAtStart: true, GDB: "tcp::26000"}, false, Net{}},
		{"2020 net qemu", base2020 + net2020, Options{Machine: "virt", BIOS: "none", Kernel: "kernel/kernel", RAM: 128 << 20, Harts: 3, NoGraphic: true,
			VirtioLegacy: true, Disk: "fs.img", DiskFormat: "raw"}, true,
			Net{ID: "net0", HostFwd: []HostFwd{udp(26999, 2000, "udp::26999-:2000")}, Pcap: "packets.pcap", NIC: "e1000"}},
		{"2021 net qemu-gdb", base2020 + net2020 + " -S -gdb tcp::26000", Options{Machine: "virt", BIOS: "none", Kernel: "kernel/kernel", RAM: 128 << 20, Harts: 3, NoGraphic: true,
			VirtioLegacy: true, Disk: "fs.img", DiskFormat: "raw", StopAtStart: true, GDB: "tcp::26000"}, true,
			Net{ID: "net0", HostFwd: []HostFwd{udp(26999, 2000, "udp::26999-:2000")}, Pcap: "packets.pcap", NIC: "e1000"}},
		{"2024 net qemu", base2024 + net2024, Options{Machine: "virt", BIOS: "none", Kernel: "kernel/kernel", RAM: 128 << 20, Harts: 3, NoGraphic: true,
			VirtioLegacy: false, Disk: "fs.img", DiskFormat: "raw"}, true,
			Net{ID: "net0", HostFwd: []HostFwd{udp(26999, 2000, "udp::26999-:2000"), udp(31999, 2001, "udp::31999-:2001")}, Pcap: "packets.pcap", NIC: "e1000"}},
		{"2024 cpus=1 qemu-gdb", strings.Replace(base2024, "-smp 3", "-smp cpus=1", 1) + " -S -gdb tcp::26000",
			Options{Machine: "virt", BIOS: "none", Kernel: "kernel/kernel", RAM: 128 << 20, Harts: 1, NoGraphic: true,
				Disk: "fs.img", DiskFormat: "raw", StopAtStart: true, GDB: "tcp::26000"}, false, Net{}},
		{"2025 topology and -M", "-M virt -bios none -kernel k -m 256 -smp sockets=1,cores=2,threads=2 -nographic -global virtio-mmio.force-legacy=off",
			Options{Machine: "virt", BIOS: "none", Kernel: "k", RAM: 256 << 20, Harts: 4, NoGraphic: true}, false, Net{}},
		{"2020 qemu -snapshot", base2020 + " -snapshot", Options{Machine: "virt", BIOS: "none", Kernel: "kernel/kernel", RAM: 128 << 20, Harts: 3, NoGraphic: true,
			VirtioLegacy: true, Disk: "fs.img", DiskFormat: "raw", Snapshot: true}, false, Net{}},
		{"double dashes, -s alone", "--machine virt --kernel k -s", Options{Machine: "virt", Kernel: "k", VirtioLegacy: true, GDB: "tcp::1234"}, false, Net{}},
		{"-accel tcg,thread=multi: parallel harts", "-kernel k -smp 3 -accel tcg,thread=multi",
			Options{Kernel: "k", Harts: 3, VirtioLegacy: true, Thread: "multi"}, false, Net{}},
		{"-accel tcg,thread=single: harts take turns", "-kernel k -accel tcg,thread=single",
			Options{Kernel: "k", VirtioLegacy: true, Thread: "single"}, false, Net{}},
		{"-accel tcg", "-kernel k -accel tcg", Options{Kernel: "k", VirtioLegacy: true}, false, Net{}},
		{"drive before and after device", "-kernel k -device virtio-blk-device,drive=d -drive file=a,,b.img,if=none,format=raw,id=d",
			Options{Kernel: "k", VirtioLegacy: true, Disk: "a,b.img", DiskFormat: "raw"}, false, Net{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(strings.Fields(tt.line))
			require.NoError(t, err)
			if tt.hasNet {
				require.NotNil(t, o.Net)
				assert.Equal(t, tt.net, *o.Net)
			} else {
				assert.Nil(t, o.Net)
			}
			got := *o
			got.Net, got.drives, got.netdevs, got.dumps, got.nicDev, got.oldPort, got.gdbS = nil, nil, nil, nil, "", "", false
			got.Stdio = Stdio{} // TestStdio
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ line, msg string }{
		{"-kernel k -serial file:out.txt", "-serial file:out.txt: only stdio, mon:stdio, none and null"},
		{"-kernel k -monitor telnet::4444", "-monitor telnet::4444: only stdio and none"},
		{"-kernel k -nic user", "-nic user: only -nic none"},
		{"-kernel k -nographic -monitor stdio", "cannot use stdio by multiple character devices"},
		{"-kernel k -nographic -serial stdio", "-serial stdio: cannot use stdio by multiple character devices"},
		{"-kernel k -nographic -serial mon:stdio -monitor stdio", "-serial mon:stdio: cannot use stdio"},
		{"-kernel k -nographic -S -monitor none", "-S: with neither -gdb nor a monitor"},
		{"-kernel k -foo", "-foo: invalid option"},
		{"-kernel", "-kernel: requires an argument"},
		{"-machine sifive_u -kernel k", "only the virt board"},
		{"-bios default -kernel k", "only -bios none"},
		{"-kernel k -m lots", "-m lots: bad size"},
		{"-kernel k -smp cpus=x", "-smp cpus=x: bad cpus"},
		{"-kernel k -global virtio-mmio.force-legacy=maybe", "not a boolean"},
		{"-kernel k -global e1000.mac=1", "property not supported"},
		{"-kernel k -netdev tap,id=n", "only the user network"},
		{"-kernel k -netdev user,id=n,hostfwd=udp::x-:2000", "hostfwd=udp::x-:2000"},
		{"-kernel k -device e1000,netdev=nope", "netdev 'nope' not found"},
		{"-kernel k -device virtio-gpu-device", "virtio-gpu-device: device not supported"},
		{"-kernel k -drive file=f,if=none,id=x1 -device virtio-blk-device,drive=x1,bus=virtio-mmio-bus.1", "only virtio-mmio-bus.0"},
		{"-kernel k -drive file=f.qcow2,format=qcow2,id=x", "only format=raw"},
		{"-kernel k -object filter-dump,id=d,netdev=n0,file=p.pcap", "netdev 'n0' not found"},
		{"-kernel k -gdb unix:/tmp/s", "only tcp::PORT"},
		{"-smp 2", "no -kernel"},
		{"-kernel k -accel kvm", "only tcg"},
		{"-kernel k -accel tcg,thread=many", "thread=many: want single or multi"},
		{"-kernel k -accel tcg,tb-size=64", "property 'tb-size' not supported"},
		{"fs.img -kernel k", "fs.img: a disk image as a plain argument"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := Parse(strings.Fields(tt.line))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

func TestParseHelpVersionNeedNoKernel(t *testing.T) {
	for _, a := range []string{"-help", "-h", "--help", "-version", "--version"} {
		o, err := Parse([]string{a})
		require.NoError(t, err, a)
		assert.True(t, o.Help || o.Version, a)
	}
}

func TestHelpHasGDBLine(t *testing.T) {
	var b bytes.Buffer
	WriteHelp(&b, "qemu-system-riscv64", "0.1")
	found := false
	for sc := bufio.NewScanner(&b); sc.Scan(); {
		if strings.HasPrefix(sc.Text(), "-gdb") {
			found = true
		}
	}
	assert.True(t, found, "lab Makefiles pick -gdb only if a help line starts with it")
}

func TestVersionLine(t *testing.T) {
	var b bytes.Buffer
	WriteVersion(&b, "qemu-system-riscv64", "0.1")
	first, _, _ := strings.Cut(b.String(), "\n")
	assert.Equal(t, "QEMU emulator version 7.2.0 (rvemu 0.1)", first)
	// The 2025 Makefile's check-qemu-version takes MAJOR.MINOR this way and
	// compares it with its minimum (7.2).
	m := regexp.MustCompile(`^QEMU emulator version ([0-9]+\.[0-9]+)\..*`).FindStringSubmatch(first)
	require.Len(t, m, 2)
	assert.Equal(t, "7.2", m[1])
}

func TestHostFwdAddresses(t *testing.T) {
	h, err := parseHostFwd("udp:127.0.0.1:5555-10.0.2.15:2000")
	require.NoError(t, err)
	assert.Equal(t, netip.MustParseAddr("127.0.0.1"), h.HostAddr)
	assert.Equal(t, netip.MustParseAddr("10.0.2.15"), h.GuestAddr)
	assert.Equal(t, uint16(5555), h.HostPort)
}

// What shares the terminal, as QEMU 7.2 resolves -nographic, -serial and
// -monitor (each line below was tried on it; rvemu has no window, so the
// cases without -nographic, where QEMU opens one, share the terminal).
func TestStdio(t *testing.T) {
	both := Stdio{Serial: true, Monitor: true}
	tests := []struct {
		line string
		want Stdio
	}{
		{"-nographic", both},
		{"-nographic -serial mon:stdio", both},
		{"-nographic -monitor none -serial mon:stdio", both},
		{"-nographic -monitor none", Stdio{Serial: true}},
		{"-nographic -serial none", Stdio{Monitor: true}},
		{"-nographic -serial null -monitor stdio", Stdio{Monitor: true}},
		{"-nographic -serial none -monitor none", Stdio{}},
		{"", both},
		{"-monitor stdio", Stdio{Serial: true, Monitor: true, MonitorFirst: true}},
		{"-serial mon:stdio", both},
		{"-nographic -S", both},
		{"-nographic -S -monitor none -s", Stdio{Serial: true}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			o, err := Parse(append([]string{"-kernel", "k"}, strings.Fields(tt.line)...))
			require.NoError(t, err)
			assert.Equal(t, tt.want, o.Stdio)
		})
	}
}

func TestParseMemory(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"512", 512 << 20},
		{"128M", 128 << 20},
		{"128m", 128 << 20},
		{"128MiB", 128 << 20},
		{"128MB", 128 << 20},
		{"3G", 3 << 30},
		{"4g", 4 << 30},
		{"65536K", 64 << 20},
		{"1T", 1 << 40},
		{"4096B", 4096},
		{" 256 ", 256 << 20},
	}
	for _, tc := range tests {
		got, err := ParseMemory(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", "lots", "0", "-1", "1.5G", "3X", "B", "MiB", "99999999999999999999"} {
		_, err := ParseMemory(bad)
		assert.Error(t, err, "%q", bad)
	}
}
