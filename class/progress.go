package class

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// progress shows how a class grade goes: on a terminal one line, redrawn
// every second ("12/40 done, 3 failed, 2 running (alice 0:45, bob 0:12),
// ETA 6m10s"); elsewhere a line per finished submission.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	live     bool
	total    int // submissions to grade in this run
	skipped  int // already graded (resumed)
	done     int
	failed   int // rows without a score
	jobs     int
	running  map[string]time.Time
	spent    time.Duration // wall time of the grades done
	start    time.Time
	lastLine int
	stop     chan struct{}
	stopped  chan struct{}
	now      func() time.Time
}

func newProgress(w io.Writer, live bool, total, skipped, jobs int) *progress {
	p := &progress{w: w, live: live, total: total, skipped: skipped, jobs: max(jobs, 1),
		running: map[string]time.Time{}, start: time.Now(), now: time.Now,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	if skipped > 0 {
		fmt.Fprintf(w, "%d submissions already graded (in the results folder): grading the other %d\n", skipped, total)
	}
	if live {
		go p.redraw()
	} else {
		close(p.stopped)
	}
	return p
}

func (p *progress) begin(student string) {
	p.mu.Lock()
	p.running[student] = p.now()
	p.mu.Unlock()
}

func (p *progress) end(r Row) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, r.Student)
	p.done++
	p.spent += time.Duration(r.Seconds * float64(time.Second))
	if r.Status != Graded {
		p.failed++
	}
	if !p.live {
		fmt.Fprintf(p.w, "[%d/%d] %s\n", p.done, p.total, rowSummary(r))
	} else {
		p.clear()
		fmt.Fprintf(p.w, "%s\n", rowSummary(r))
		p.draw()
	}
}

// rowSummary: "alice: 99/100 in 45s (nettest: DNS lost)".
func rowSummary(r Row) string {
	s := fmt.Sprintf("%s: ", r.Student)
	if r.Status == Graded {
		s += fmt.Sprintf("%d/%d", r.Score, r.Possible)
	} else {
		s += string(r.Status)
	}
	s += fmt.Sprintf(" in %.0fs", r.Seconds)
	if r.Reason != "" {
		s += " (" + truncate(r.Reason, 100) + ")"
	}
	return s
}

// line is the progress line.
func (p *progress) line() string {
	now := p.now()
	var run []string
	names := make([]string, 0, len(p.running))
	for n := range p.running {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		run = append(run, fmt.Sprintf("%s %s", n, clock(now.Sub(p.running[n]))))
	}
	s := fmt.Sprintf("%d/%d done, %d failed, %d running", p.done, p.total, p.failed, len(p.running))
	if len(run) > 0 {
		s += " (" + truncate(strings.Join(run, ", "), 60) + ")"
	}
	return s + ", ETA " + p.eta()
}

// eta: the grades left, at the mean time of those done, spread over the
// jobs.
func (p *progress) eta() string {
	if p.done == 0 {
		return "?"
	}
	mean := p.spent / time.Duration(p.done)
	left := p.total - p.done
	return clock(mean * time.Duration(left) / time.Duration(p.jobs))
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= time.Hour {
		return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func (p *progress) clear() {
	if p.lastLine > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.lastLine = 0
	}
}

func (p *progress) draw() {
	l := p.line()
	fmt.Fprint(p.w, l)
	p.lastLine = len(l)
}

func (p *progress) redraw() {
	defer close(p.stopped)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.clear()
			p.draw()
			p.mu.Unlock()
		}
	}
}

// finish ends the live line with a summary.
func (p *progress) finish() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live {
		p.clear()
	}
	fmt.Fprintf(p.w, "graded %d submissions in %s (%d without a score)\n", p.done, clock(p.now().Sub(p.start)), p.failed)
}
