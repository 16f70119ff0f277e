package grade

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Forward is one host UDP port forwarded to a guest port
// (QEMU's hostfwd=udp::Host-:Guest), always on 127.0.0.1.
type Forward struct {
	HostPort, GuestPort uint16
}

// Network is what the board's user-mode network needs for a lab.
type Network struct {
	Forwards []Forward
	DNS      map[string]netip.Addr // answered inside the emulator
}

// BootConfig is what a session asks of the board for one boot.
type BootConfig struct {
	Net    Network
	Harts  int
	Legacy bool // legacy virtio-mmio (version 1)
	In     io.Reader
	Out    io.Writer
}

// BootFunc runs a guest until ctx is done (or the guest stops) and
// returns. The session cancels ctx once grading is over.
type BootFunc func(ctx context.Context, cfg BootConfig) error

// Session is one offline grading run.
type Session struct {
	Lab     *Lab
	Ports   Ports
	Timeout time.Duration // whole run, boot included (the lab's 30 s)
	Command string        // overrides Lab.Command
	Harts   int           // overrides Lab.Harts when > 0
	// Virtio: "" picks the lab's (modern for auto) and, if the kernel
	// panics looking for its disk, reboots with the other layout;
	// "legacy" or "modern" forces one.
	Virtio   string
	TimeFile string    // the lab's time.txt; "" for none found
	Live     io.Writer // -v: the console as it happens
	Boot     BootFunc
}

// shellNotFound is xv6 sh's message for a command it cannot exec.
var shellNotFound = regexp.MustCompile(`exec \S+ failed`)

// diskPanic is a kernel that found no virtio disk of the layout it drives.
var diskPanic = regexp.MustCompile(`(?i)panic.*virtio`)

// errDiskLayout: reboot with the other virtio layout.
var errDiskLayout = errors.New("kernel did not find the virtio disk layout it drives")

// Run boots, types the command, waits for the next prompt and scores.
func (s *Session) Run(ctx context.Context) (*Score, error) {
	lab := s.Lab
	fwdHost := uint16(0)
	if len(s.Ports.Forward) > 1 {
		fwdHost = s.Ports.Forward[1]
	}
	host, err := StartHost(lab.Host, s.Ports.Server, fwdHost)
	if err != nil {
		return nil, err
	}
	defer host.Close()

	legacy := lab.Legacy
	retry := false
	switch s.Virtio {
	case "legacy":
		legacy = true
	case "modern":
		legacy = false
	case "":
		// A kernel that panics for want of its disk layout is booted
		// again with the other one (our kernel is 2020-style but modern).
		retry = true
		if lab.Name == "auto" {
			legacy = false
		}
	default:
		return nil, fmt.Errorf("virtio %q: want legacy or modern", s.Virtio)
	}
	start := time.Now()
	score, err := s.boot(ctx, host, legacy)
	if errors.Is(err, errDiskLayout) && retry {
		if s.Live != nil {
			fmt.Fprintf(s.Live, "\nrvemu grade: the kernel found no disk it drives; rebooting with %s virtio\n", layoutName(!legacy))
		}
		score, err = s.boot(ctx, host, !legacy)
	}
	if score != nil {
		score.Elapsed = time.Since(start)
	}
	return score, err
}

func (s *Session) network() Network {
	n := Network{DNS: s.Lab.DNS}
	for i, g := range s.Lab.GuestPorts {
		if i < len(s.Ports.Forward) {
			n.Forwards = append(n.Forwards, Forward{HostPort: s.Ports.Forward[i], GuestPort: g})
		}
	}
	return n
}

// boot is one boot of the guest, graded.
func (s *Session) boot(ctx context.Context, host *Host, legacy bool) (*Score, error) {
	harts := s.Lab.Harts
	if s.Harts > 0 {
		harts = s.Harts
	}
	con := NewConsole(s.Live)
	defer con.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	bootDone := make(chan error, 1)
	go func() {
		bootDone <- s.Boot(runCtx, BootConfig{Net: s.network(), Harts: harts, Legacy: legacy, In: con.In(), Out: con})
	}()
	deadline := time.Now().Add(s.Timeout)
	if s.Timeout <= 0 {
		deadline = time.Now().Add(24 * time.Hour)
	}
	w := waiter{con: con, done: bootDone, deadline: deadline, ctx: ctx}

	note := ""
	if !w.prompts(1) {
		if diskPanic.MatchString(con.Text(0)) {
			stop()
			con.Close()
			w.finish()
			return nil, errDiskLayout
		}
		note = w.why("before the first prompt")
		if w.exited && w.bootErr != nil && !errors.Is(w.bootErr, context.Canceled) {
			return nil, fmt.Errorf("boot: %w", w.bootErr) // the board never started
		}
	}

	lab := s.Lab
	command := s.Command
	if command == "" {
		command = lab.Command
	}
	typedAt, typedOff := time.Now(), 0
	if note == "" {
		p, off, _ := con.State()
		typedAt, typedOff, w.from = time.Now(), off, off
		con.Type(command)
		if !w.prompts(p + 1) {
			note = w.why("before the prompt after " + command)
		}
		// --lab auto: a 2024 kernel has no nettests; try its command.
		if lab.Name == "auto" && s.Command == "" && note == "" && shellNotFound.MatchString(con.Text(off)) {
			command = Lab2024().Command
			p, off, _ = con.State()
			typedAt, typedOff, w.from = time.Now(), off, off
			con.Type(command)
			if !w.prompts(p + 1) {
				note = w.why("before the prompt after " + command)
			}
		}
	}
	if s.Live != nil {
		fmt.Fprintln(s.Live) // end the shown console line before the board's exit report
	}
	stop()
	con.Close() // a guest blocked reading its keyboard returns too
	if err := w.finish(); err != nil {
		note = strings.TrimPrefix(note+"; ", "; ") + "board: " + err.Error()
	}

	text := con.Text(typedOff)
	if lab.Name == "auto" {
		lab = pickLab(command, text)
	}
	tr := Transcript{
		Console: text,
		Host:    host.Lines(),
		At: func(off int) time.Duration {
			at := con.ArrivedAt(typedOff + off)
			if at.IsZero() {
				return 0
			}
			return at.Sub(typedAt)
		},
	}
	if s.TimeFile != "" {
		if b, err := os.ReadFile(s.TimeFile); err == nil {
			tr.TimeFile, tr.TimeFileFound = string(b), true
		}
	}
	score := Grade(lab, tr)
	score.Note = note
	return score, nil
}

func layoutName(legacy bool) string {
	if legacy {
		return "legacy"
	}
	return "modern"
}

// pickLab tells the lab generation from what the guest printed.
func pickLab(command, text string) *Lab {
	switch {
	case command == Lab2024().Command:
		return Lab2024()
	case strings.Contains(text, "testing one ping"):
		return Lab2019()
	}
	return Lab2020()
}

// waiter blocks on console progress, the guest stopping, the deadline or
// the caller's context.
type waiter struct {
	con      *Console
	done     chan error
	bootErr  error
	exited   bool
	deadline time.Time
	ctx      context.Context
	reason   string
	from     int // console offset where the current wait started
}

// kernelPanic is xv6's panic() output, the whole line: what it says
// (a virtio disk it cannot drive, say) decides what happens next, and the
// console may hand over "panic: " before the rest of the line.
var kernelPanic = regexp.MustCompile(`(?m)^panic: .*\n`)

// prompts waits until n prompts were seen; false says why not in w.reason.
func (w *waiter) prompts(n int) bool {
	timer := time.NewTimer(time.Until(w.deadline))
	defer timer.Stop()
	for {
		got, _, changed := w.con.State()
		if got >= n {
			return true
		}
		if kernelPanic.MatchString(w.con.Text(w.from)) {
			w.reason = "the kernel panicked"
			return false // xv6 spins after a panic: no prompt will come
		}
		if w.exited {
			w.reason = "the guest stopped"
			return false
		}
		select {
		case <-changed:
		case err := <-w.done:
			w.exited, w.bootErr = true, err
		case <-timer.C:
			w.reason = "timeout"
			return false
		case <-w.ctx.Done():
			w.reason = "interrupted"
			return false
		}
	}
}

func (w *waiter) why(where string) string { return w.reason + " " + where }

// finish waits for the boot to return (its context is cancelled by now).
func (w *waiter) finish() error {
	if !w.exited {
		w.bootErr, w.exited = <-w.done, true
	}
	if w.bootErr == nil || errors.Is(w.bootErr, context.Canceled) {
		return nil
	}
	return w.bootErr
}

// FindTimeFile looks for the lab's time.txt where a lab tree keeps it: the
// current directory, then the kernel's directory and the two above it
// (kernel/kernel in a lab tree). "" when there is none.
func FindTimeFile(kernel string) string {
	dirs := []string{"."}
	d := filepath.Dir(kernel)
	for i := 0; i < 3; i++ {
		dirs = append(dirs, d)
		d = filepath.Dir(d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, "time.txt")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}
