package monitor

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rvemu/rvemu/symtab"
)

// Monitor runs command lines against a board. It keeps what QEMU's monitor
// keeps between commands: the current CPU and the last x/xp/p format.
// Its methods must run where the Board may be called (the board's loop).
type Monitor struct {
	b   Board
	cpu int
	// The last format letter and unit size of x, xp and p (QEMU's
	// defaults: hex words).
	lastFormat byte
	lastSize   int
	// syms names branch targets in x /i (nil: none).
	syms *symtab.Table
}

// New makes a monitor for b with CPU 0 current. syms (may be nil) names
// code addresses in disassembly.
func New(b Board, syms *symtab.Table) *Monitor {
	return &Monitor{b: b, lastFormat: 'x', lastSize: 4, syms: syms}
}

// CPU is the current hart (the one `info registers`, `x` and `info mem`
// look at).
func (m *Monitor) CPU() int { return m.cpu }

// SetCPU makes hart i current; false if there is no such hart.
func (m *Monitor) SetCPU(i int) bool {
	if i < 0 || i >= m.b.Harts() {
		return false
	}
	m.cpu = i
	return true
}

// command is one entry of the command table. args is shown by help (QEMU's
// style: "/fmt addr", "[subcommand]"); run gets the text after the name.
type command struct {
	names string // "cont|c": the name, then aliases
	args  string
	help  string
	run   func(m *Monitor, c *call) error
}

// call is one command being run: what the user typed and where output goes.
type call struct {
	typed string // the command as typed, for "Try help ..." ("info mem")
	names string // its table names, for "extraneous characters" ("stop|s")
	rest  string // the arguments
	w     io.Writer
}

func (c *call) printf(format string, args ...any) { fmt.Fprintf(c.w, format, args...) }

// usageError is a bad argument: QEMU prints the message, then points at
// the command's help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// noArgs refuses anything after a command that takes no arguments.
func (c *call) noArgs() error {
	if strings.TrimSpace(c.rest) != "" {
		return usagef("%s: extraneous characters at the end of line", c.names)
	}
	return nil
}

var commands []command
var infoCommands []command

func init() {
	commands = []command{
		{"cont|c", "", "resume the harts", (*Monitor).cont},
		{"cpu", "index", "make CPU index the current one (info registers, x, info mem)", (*Monitor).selectCPU},
		{"gva2gpa", "addr", "translate a virtual address through the current CPU's page table", (*Monitor).gva2gpa},
		{"help|?", "[cmd]", "list the commands, or show one", (*Monitor).help},
		{"info", "[subcommand]", "show the state of the machine (help info lists what)", (*Monitor).info},
		{"print|p", "/fmt expr", "print the value of an expression ($pc, $a0, $satp ...)", (*Monitor).print},
		{"quit|q", "", "end the emulator", (*Monitor).quit},
		{"stop|s", "", "pause the harts", (*Monitor).stop},
		{"system_reset", "", "reset the machine: the kernel boots again", (*Monitor).systemReset},
		{"x", "/fmt addr", "dump memory at a virtual address (current CPU's page table)", (*Monitor).dumpVirtual},
		{"xp", "/fmt addr", "dump memory at a physical address", (*Monitor).dumpPhysical},
	}
	infoCommands = []command{
		{"cpus", "", "list the CPUs (harts)", (*Monitor).infoCPUs},
		{"mem", "", "list the current CPU's virtual memory mappings (satp's Sv39 table)", (*Monitor).infoMem},
		{"network", "", "list the network cards and their backends", (*Monitor).infoNetwork},
		{"pci", "", "list the PCI functions", (*Monitor).infoPCI},
		{"registers", "[-a|vcpu]", "show the current CPU's registers (-a: every CPU; vcpu: that one)", (*Monitor).infoRegisters},
		{"status", "", "say whether the machine runs or is paused", (*Monitor).infoStatus},
		{"tlb", "", "list every page the current CPU's page table maps, one line per leaf entry", (*Monitor).infoTLB},
	}
}

// Exec runs one command line, writing its output (lines ending in "\n")
// to w. Every mistake is answered with a line or two, as QEMU does.
func (m *Monitor) Exec(line string, w io.Writer) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	name, rest := splitName(line)
	cmd, ok := find(commands, name)
	if !ok {
		fmt.Fprintf(w, "unknown command: '%s'\n", name)
		return
	}
	c := &call{typed: name, names: cmd.names, rest: rest, w: w}
	m.run(cmd, c)
}

// run runs a command and reports its error.
func (m *Monitor) run(cmd command, c *call) {
	err := cmd.run(m, c)
	var ue *usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		c.printf("%s\nTry \"help %s\" for more information\n", ue.msg, c.typed)
	default:
		c.printf("%v\n", err)
	}
}

// splitName cuts the command name off a line: it ends at a space or at
// the '/' of a format ("x/4xw 0x80000000").
func splitName(line string) (name, rest string) {
	i := strings.IndexAny(line, " \t/")
	if i < 0 {
		return line, ""
	}
	return line[:i], line[i:]
}

func find(table []command, name string) (command, bool) {
	for _, c := range table {
		for _, n := range strings.Split(c.names, "|") {
			if n == name {
				return c, true
			}
		}
	}
	return command{}, false
}

// info runs a subcommand of info; alone, it lists them.
func (m *Monitor) info(c *call) error {
	sub, rest := splitName(strings.TrimSpace(c.rest))
	if sub == "" {
		listHelp(c.w, "info ", infoCommands)
		return nil
	}
	cmd, ok := find(infoCommands, sub)
	if !ok {
		c.printf("unknown command: 'info %s'\n", sub)
		return nil
	}
	m.run(cmd, &call{typed: "info " + sub, names: cmd.names, rest: rest, w: c.w})
	return nil
}

func (m *Monitor) help(c *call) error {
	args := strings.Fields(c.rest)
	switch {
	case len(args) == 0:
		listHelp(c.w, "", commands)
	case args[0] == "info" && len(args) > 1:
		cmd, ok := find(infoCommands, args[1])
		if !ok {
			c.printf("unknown command: 'info %s'\n", args[1])
			return nil
		}
		listHelp(c.w, "info ", []command{cmd})
	case args[0] == "info":
		listHelp(c.w, "info ", infoCommands)
	default:
		cmd, ok := find(commands, args[0])
		if !ok {
			c.printf("unknown command: '%s'\n", args[0])
			return nil
		}
		listHelp(c.w, "", []command{cmd})
	}
	return nil
}

// listHelp prints "NAMES ARGS -- HELP" lines in name order, QEMU's layout.
func listHelp(w io.Writer, prefix string, table []command) {
	sorted := append([]command(nil), table...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].names < sorted[j].names })
	for _, c := range sorted {
		fmt.Fprintf(w, "%s%s %s -- %s\n", prefix, c.names, c.args, c.help)
	}
}

// run state --------------------------------------------------------------

func (m *Monitor) stop(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	m.b.Stop()
	return nil
}

func (m *Monitor) cont(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	return m.b.Cont()
}

func (m *Monitor) systemReset(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	return m.b.Reset()
}

func (m *Monitor) quit(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	m.b.Quit()
	return nil
}

func (m *Monitor) infoStatus(c *call) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	c.printf("VM status: %s\n", m.b.Status())
	return nil
}
