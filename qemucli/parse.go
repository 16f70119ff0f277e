package qemucli

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Error is a command-line error; QEMU prints "qemu-system-riscv64: " and
// the message, one line, and exits 1.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// takesValue lists the options that read the next argument.
var takesValue = map[string]bool{
	"machine": true, "M": true, "bios": true, "kernel": true, "m": true,
	"smp": true, "global": true, "drive": true, "device": true,
	"netdev": true, "object": true, "gdb": true, "p": true, "accel": true,
	"serial": true, "monitor": true, "nic": true,
}

// flags are the options without a value.
var flags = map[string]bool{
	"nographic": true, "S": true, "s": true, "help": true, "h": true, "version": true,
	"snapshot": true, "no-reboot": true,
}

// Parse reads a QEMU command line (without the program name).
func Parse(args []string) (*Options, error) {
	o := &Options{VirtioLegacy: true, drives: map[string]drive{}, netdevs: map[string]*Net{}, dumps: map[string]string{}}
	var devices []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			return nil, errorf("%s: a disk image as a plain argument is not supported (use -drive)", arg)
		}
		name := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
		switch {
		case flags[name]:
			o.flag(name)
			continue
		case !takesValue[name]:
			return nil, errorf("%s: invalid option", arg)
		}
		if i+1 >= len(args) {
			return nil, errorf("%s: requires an argument", arg)
		}
		i++
		val := args[i]
		var err error
		switch name {
		case "machine", "M":
			err = o.machine(val)
		case "bios":
			if val != "none" {
				err = errorf("-bios %s: only -bios none is supported (no firmware is modelled)", val)
			}
			o.BIOS = val
		case "kernel":
			o.Kernel = val
		case "m":
			o.RAM, err = parseMemory(val)
		case "smp":
			o.Harts, err = parseSMP(val)
		case "global":
			err = o.global(val)
		case "drive":
			err = o.drive(val)
		case "device":
			devices = append(devices, val) // after all drives and netdevs
		case "netdev":
			err = o.netdev(val)
		case "object":
			err = o.object(val)
		case "gdb":
			o.GDB = val
		case "p":
			o.oldPort = val
		case "accel":
			o.Thread, err = parseAccel(val)
		case "serial":
			o.Serial = val
		case "monitor":
			o.Monitor = val
		case "nic":
			// Only "none": the board has no NIC unless -netdev and
			// -device e1000 ask for one.
			if val != "none" {
				err = errorf("-nic %s: only -nic none is supported (use -netdev user and -device e1000)", val)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	for _, d := range devices {
		if err := o.device(d); err != nil {
			return nil, err
		}
	}
	if err := o.finish(); err != nil {
		return nil, err // no half-resolved options beside an error
	}
	return o, nil
}

func (o *Options) flag(name string) {
	switch name {
	case "nographic":
		o.NoGraphic = true
	case "snapshot":
		o.Snapshot = true
	case "no-reboot":
		o.NoReboot = true
	case "S":
		o.StopAtStart = true
	case "s":
		o.gdbS = true
	case "help", "h":
		o.Help = true
	case "version":
		o.Version = true
	}
}

// finish resolves what depends on several options.
func (o *Options) finish() error {
	if o.gdbS && o.GDB == "" {
		port := "1234"
		if o.oldPort != "" {
			port = o.oldPort
		}
		o.GDB = "tcp::" + port
	}
	if o.GDB != "" && !strings.HasPrefix(o.GDB, "tcp:") {
		return errorf("-gdb %s: only tcp::PORT is supported", o.GDB)
	}
	if err := o.resolveStdio(); err != nil {
		return err
	}
	if o.nicDev != "" {
		n := o.netdevs[o.nicDev]
		n.Pcap = o.dumps[o.nicDev]
		o.Net = n
	}
	for _, id := range sortedKeys(o.dumps) {
		if _, ok := o.netdevs[id]; !ok {
			return errorf("-object filter-dump: netdev '%s' not found", id)
		}
	}
	if o.Help || o.Version {
		return nil
	}
	if o.Kernel == "" {
		return errorf("no -kernel given (rvemu boots a kernel image directly)")
	}
	return nil
}

// resolveStdio fills Stdio from -nographic, -serial and -monitor (see
// Stdio), with QEMU's error when two devices claim stdio.
func (o *Options) resolveStdio() error {
	serial, monitor := o.Serial, o.Monitor
	defaultSerial := serial == ""
	defaultMonitor := monitor == "" && !strings.HasPrefix(serial, "mon:")
	switch {
	case !o.NoGraphic:
		// QEMU shows both in a window ("vc"); rvemu has none.
		if defaultSerial {
			serial = "vc"
		}
		if defaultMonitor {
			monitor = "vc"
		}
	case defaultSerial && defaultMonitor:
		serial = "mon:stdio"
	default:
		if defaultSerial {
			serial = "stdio"
		}
		if defaultMonitor {
			monitor = "stdio"
		}
	}
	var st Stdio
	switch serial {
	case "mon:stdio":
		st.Serial, st.Monitor = true, true
	case "stdio", "vc":
		st.Serial = true
	case "none", "null":
	default:
		return errorf("-serial %s: only stdio, mon:stdio, none and null are supported", serial)
	}
	switch monitor {
	case "", "none", "null":
	case "stdio", "vc":
		if st.Monitor || st.Serial && serial != "vc" && monitor != "vc" {
			where := ""
			if !defaultSerial {
				where = "-serial " + o.Serial + ": "
			}
			return errorf("%scannot use stdio by multiple character devices", where)
		}
		st.Monitor = true
		st.MonitorFirst = st.Serial && monitor == "stdio"
	default:
		return errorf("-monitor %s: only stdio and none are supported", monitor)
	}
	o.Stdio = st
	if o.StopAtStart && o.GDB == "" && !st.Monitor {
		return errorf("-S: with neither -gdb nor a monitor on the terminal, nothing could start the harts")
	}
	return nil
}

func (o *Options) machine(val string) error {
	kv, err := parseKV(val, "type")
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(kv) {
		v := kv[k]
		if k != "type" {
			return errorf("-machine %s: property '%s' not supported", val, k)
		}
		if v != "virt" {
			return errorf("-machine %s: only the virt board is modelled", v)
		}
	}
	o.Machine = "virt"
	return nil
}

func (o *Options) global(val string) error {
	prop, v, ok := strings.Cut(val, "=")
	if !ok {
		return errorf("-global %s: want DRIVER.PROPERTY=VALUE", val)
	}
	if prop != "virtio-mmio.force-legacy" {
		return errorf("-global %s: property not supported", prop)
	}
	b, err := parseBool(v)
	if err != nil {
		return errorf("-global %s: %v", val, err)
	}
	o.VirtioLegacy = b
	return nil
}

func (o *Options) drive(val string) error {
	kv, err := parseKV(val, "")
	if err != nil {
		return err
	}
	d := drive{file: kv["file"], format: kv["format"], iface: kv["if"]}
	for _, k := range sortedKeys(kv) {
		switch k {
		case "file", "format", "if", "id":
		default:
			return errorf("-drive %s: property '%s' not supported", val, k)
		}
	}
	if d.file == "" {
		return errorf("-drive %s: no file=", val)
	}
	if d.format != "" && d.format != "raw" {
		return errorf("-drive %s: only format=raw is supported", val)
	}
	if d.iface != "" && d.iface != "none" {
		return errorf("-drive %s: only if=none is supported (attach it with -device virtio-blk-device)", val)
	}
	o.drives[kv["id"]] = d
	return nil
}

func (o *Options) netdev(val string) error {
	kv, err := parseKV(val, "type")
	if err != nil {
		return err
	}
	if kv["type"] != "user" {
		return errorf("-netdev %s: only the user network is supported", kv["type"])
	}
	n := &Net{ID: kv["id"]}
	if n.ID == "" {
		return errorf("-netdev %s: no id=", val)
	}
	for _, item := range splitList(val)[1:] {
		k, v, _ := strings.Cut(item, "=")
		switch k {
		case "id":
		case "hostfwd":
			h, err := parseHostFwd(v)
			if err != nil {
				return err
			}
			n.HostFwd = append(n.HostFwd, h)
		default:
			return errorf("-netdev %s: property '%s' not supported", val, k)
		}
	}
	o.netdevs[n.ID] = n
	return nil
}

func (o *Options) object(val string) error {
	kv, err := parseKV(val, "qom-type")
	if err != nil {
		return err
	}
	if kv["qom-type"] != "filter-dump" {
		return errorf("-object %s: only filter-dump is supported", kv["qom-type"])
	}
	if kv["netdev"] == "" || kv["file"] == "" {
		return errorf("-object %s: filter-dump needs netdev= and file=", val)
	}
	o.dumps[kv["netdev"]] = kv["file"]
	return nil
}

func (o *Options) device(val string) error {
	kv, err := parseKV(val, "driver")
	if err != nil {
		return err
	}
	switch kv["driver"] {
	case "virtio-blk-device":
		if bus := kv["bus"]; bus != "" && bus != "virtio-mmio-bus.0" {
			return errorf("-device %s: only virtio-mmio-bus.0 is modelled", val)
		}
		d, ok := o.drives[kv["drive"]]
		if !ok {
			return errorf("-device %s: drive '%s' not found", val, kv["drive"])
		}
		if o.Disk != "" {
			return errorf("-device %s: only one virtio disk is modelled", val)
		}
		o.Disk, o.DiskFormat = d.file, "raw"
	case "e1000":
		if bus := kv["bus"]; bus != "" && bus != "pcie.0" {
			return errorf("-device %s: the e1000 sits on pcie.0", val)
		}
		if _, ok := o.netdevs[kv["netdev"]]; !ok {
			return errorf("-device %s: netdev '%s' not found", val, kv["netdev"])
		}
		if o.nicDev != "" {
			return errorf("-device %s: only one e1000 is modelled", val)
		}
		o.nicDev = kv["netdev"]
		o.netdevs[o.nicDev].NIC = "e1000"
	default:
		return errorf("-device %s: device not supported (virtio-blk-device and e1000 are)", kv["driver"])
	}
	return nil
}

// parseHostFwd reads [tcp|udp]:[ADDR]:HPORT-[GADDR]:GPORT.
func parseHostFwd(s string) (HostFwd, error) {
	bad := errorf("hostfwd=%s: want udp:[ADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", s)
	h := HostFwd{Spec: s}
	proto, rest, ok := strings.Cut(s, ":")
	if !ok {
		return h, bad
	}
	switch proto {
	case "udp", "tcp":
		h.Proto = proto
	case "":
		h.Proto = "tcp" // QEMU's default
	default:
		return h, bad
	}
	hostPart, guestPart, ok := strings.Cut(rest, "-")
	if !ok {
		return h, bad
	}
	var err error
	if h.HostAddr, h.HostPort, err = endpoint(hostPart); err != nil {
		return h, bad
	}
	if h.GuestAddr, h.GuestPort, err = endpoint(guestPart); err != nil || h.GuestPort == 0 {
		return h, bad
	}
	return h, nil
}

func endpoint(s string) (netip.Addr, uint16, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return netip.Addr{}, 0, fmt.Errorf("no port")
	}
	var addr netip.Addr
	if a := s[:i]; a != "" {
		var err error
		if addr, err = netip.ParseAddr(a); err != nil {
			return netip.Addr{}, 0, err
		}
		if !addr.Is4() {
			// QEMU 7.2's hostfwd takes IPv4 only, and so does the network
			// (FuzzParse found "udp:::1:5-:2" passing here).
			return netip.Addr{}, 0, fmt.Errorf("%s: not an IPv4 address", a)
		}
	}
	p, err := strconv.ParseUint(s[i+1:], 10, 16)
	return addr, uint16(p), err
}

// parseMemory reads -m: a size (see ParseMemory) or size=... .
func parseMemory(val string) (uint64, error) {
	kv, err := parseKV(val, "size")
	if err != nil {
		return 0, err
	}
	for _, k := range sortedKeys(kv) {
		if k != "size" {
			return 0, errorf("-m %s: property '%s' not supported", val, k)
		}
	}
	n, err := ParseMemory(kv["size"])
	if err != nil {
		return 0, errorf("-m %s: bad size", val)
	}
	return n, nil
}

// ParseMemory reads a RAM size by QEMU's -m rule, which both of rvemu's
// front ends follow: a number of MiB, or a number with a K, M, G or T
// suffix (binary units, either case, "B" or "iB" may follow); a number
// with a B alone is bytes.
func ParseMemory(s string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	shift := 20
	if u := strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I"); u != t && u != "" && u[len(u)-1] >= '0' && u[len(u)-1] <= '9' {
		shift, t = 0, u // "4096B": bytes
	} else {
		t = u // "512MiB", "512MB" -> "512M"
	}
	if n := len(t); n > 0 && shift != 0 {
		switch t[n-1] {
		case 'K':
			shift, t = 10, t[:n-1]
		case 'M':
			shift, t = 20, t[:n-1]
		case 'G':
			shift, t = 30, t[:n-1]
		case 'T':
			shift, t = 40, t[:n-1]
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n == 0 || n > (1<<50)>>shift {
		return 0, fmt.Errorf("%q is not a size (like 512 for MiB, 512M or 3G)", s)
	}
	return n << shift, nil
}

// parseSMP reads -smp N or -smp cpus=N[,sockets=..,cores=..,threads=..,maxcpus=..].
func parseSMP(val string) (int, error) {
	kv, err := parseKV(val, "cpus")
	if err != nil {
		return 0, err
	}
	cpus := 0
	topo := 1
	for _, k := range sortedKeys(kv) {
		n, err := strconv.Atoi(kv[k])
		if err != nil || n < 1 {
			return 0, errorf("-smp %s: bad %s", val, k)
		}
		switch k {
		case "cpus":
			cpus = n
		case "sockets", "cores", "threads", "dies", "clusters":
			topo *= n
		case "maxcpus":
		default:
			return 0, errorf("-smp %s: property '%s' not supported", val, k)
		}
	}
	if cpus == 0 {
		cpus = topo // QEMU computes cpus from the topology when absent
	}
	return cpus, nil
}

func parseBool(v string) (bool, error) {
	switch v {
	case "on", "true", "yes", "y":
		return true, nil
	case "off", "false", "no", "n":
		return false, nil
	}
	return false, fmt.Errorf("'%s' is not a boolean (on/off, true/false)", v)
}

// splitList splits QEMU's comma list, where ",," is a literal comma.
func splitList(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			if i+1 < len(s) && s[i+1] == ',' {
				cur.WriteByte(',')
				i++
				continue
			}
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(s[i])
	}
	return append(out, cur.String())
}

// parseKV reads "implied,key=value,..." into a map; implied names the key
// of a leading bare value ("" when none is allowed). Repeated keys keep
// the last value (netdev reads its hostfwd list itself).
func parseKV(s, implied string) (map[string]string, error) {
	kv := map[string]string{}
	for i, item := range splitList(s) {
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			if i == 0 && implied != "" {
				kv[implied] = item
				continue
			}
			return nil, errorf("'%s': want key=value in '%s'", item, s)
		}
		kv[k] = v
	}
	return kv, nil
}

// sortedKeys fixes the order options are checked in, so a line with two
// mistakes always reports the same one (found by FuzzParse: map order made
// the message change from run to run).
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// parseAccel reads -accel tcg[,thread=single|multi]: QEMU's multi-threaded
// TCG is rvemu's parallel harts, single-threaded its harts taking turns.
func parseAccel(val string) (thread string, err error) {
	parts := strings.Split(val, ",")
	if parts[0] != "tcg" {
		return "", errorf("-accel %s: only tcg is supported", parts[0])
	}
	for _, kv := range parts[1:] {
		k, v, _ := strings.Cut(kv, "=")
		if k != "thread" {
			return "", errorf("-accel %s: property '%s' not supported", val, k)
		}
		if v != "single" && v != "multi" {
			return "", errorf("-accel %s: thread=%s: want single or multi", val, v)
		}
		thread = v
	}
	return thread, nil
}
