package main

import (
	"fmt"
	"io"
	"os"

	"github.com/rvemu/rvemu/console"
	"github.com/rvemu/rvemu/machine"
	"github.com/rvemu/rvemu/monitor"
	"github.com/rvemu/rvemu/qemucli"
)

// bootStdio turns boot's --monitor (QEMU's -monitor) into what shares the
// terminal; its error is a usage error.
func bootStdio(monitor string) (qemucli.Stdio, error) {
	switch monitor {
	case "":
		return qemucli.Stdio{Serial: true, Monitor: true}, nil
	case "stdio":
		return qemucli.Stdio{Serial: true, Monitor: true, MonitorFirst: true}, nil
	case "none":
		return qemucli.Stdio{Serial: true}, nil
	}
	return qemucli.Stdio{}, fmt.Errorf("--monitor %s: want stdio or none", monitor)
}

// terminal is the host side of the console: the guest's input and output
// and the monitor's prompt, shared as st says.
type terminal struct {
	esc *console.Escaper
	// ready is closed by bind; machine is then set (nil: none was built).
	ready   chan struct{}
	machine *machine.Machine
}

// shareTerminal wires stdin and stdout into cfg as st says. On a terminal
// the Ctrl-A keys work (X quits, calling quit; C switches between the
// guest and the monitor when both are there). Piped input goes to the
// guest as it is, or to the monitor when the guest has no console. Call
// bind with the machine once it is built: commands typed before wait.
func shareTerminal(cfg *machine.Config, st qemucli.Stdio, isTerm bool, stdin *os.File, stdout, stderr io.Writer, quit func()) *terminal {
	t := &terminal{ready: make(chan struct{})}
	if st.Serial {
		cfg.ConsoleOut = stdout
	}
	var prompt *monitor.Prompt
	if st.Monitor {
		prompt = monitor.NewPrompt(stdout, t.command,
			fmt.Sprintf("rvemu %s monitor - type 'help' for more information", readBuildVersion().Short()))
	}
	switch {
	case isTerm && st.Serial && st.Monitor:
		focus := console.FocusGuest
		if st.MonitorFirst {
			focus = console.FocusMonitor
		}
		t.esc = console.NewMux(stdin, stderr, quit, prompt, focus)
		cfg.ConsoleIn = t.esc
	case isTerm && st.Monitor:
		t.esc = console.NewMux(stdin, stderr, quit, prompt, console.MonitorOnly)
	case isTerm:
		t.esc = console.NewEscaper(stdin, stderr, quit)
		if st.Serial {
			cfg.ConsoleIn = t.esc
		}
	case st.Serial:
		cfg.ConsoleIn = stdin
	case st.Monitor:
		prompt.Focus(true)
		go func() {
			buf := make([]byte, 512)
			for {
				n, err := stdin.Read(buf)
				for _, c := range buf[:n] {
					prompt.Key(c)
				}
				if err != nil {
					return
				}
			}
		}()
	}
	return t
}

// bind hands the terminal the machine its monitor commands run on (nil:
// building it failed). Call it once.
func (t *terminal) bind(m *machine.Machine) {
	t.machine = m
	close(t.ready)
}

// command runs a monitor line on the bound machine; a line typed before
// the machine exists waits for it.
func (t *terminal) command(line string) (string, bool) {
	<-t.ready
	if t.machine == nil {
		return "", false
	}
	return t.machine.MonitorCommand(line)
}
