package tests

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/e1000"
	"github.com/rvemu/rvemu/grade"
)

// checkerHeadline matches the first line of each driver checker warning.
var checkerHeadline = regexp.MustCompile(`(?m)^e1000 check \[([a-z0-9-]+)\]`)

func checkerCauses(stderr string) []e1000.Cause {
	var out []e1000.Cause
	for _, m := range checkerHeadline.FindAllStringSubmatch(stderr, -1) {
		out = append(out, e1000.Cause(m[1]))
	}
	return out
}

// TestE1000CheckerCatchesDriverBugs boots our xv6 built with one deliberate
// driver bug at a time (make E1000_BUG=name: only e1000.c is compiled
// again), runs a short net action against the lab's server on 127.0.0.1,
// and expects exactly that bug's warning from --check e1000; the correct
// driver runs all of nettests, and some idle time, with none.
func TestE1000CheckerCatchesDriverBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end boot: run without -short (make test-e2e)")
	}
	lab := diagNetLab(t)
	xv6, rvemu, server := lab.xv6, lab.rvemu, lab.server
	host, err := grade.StartHost(grade.HostReply, uint16(server), 0)
	require.NoError(t, err)
	defer host.Close()

	tests := []struct {
		bug     string // E1000_BUG, "" for the correct driver
		command string
		want    e1000.Cause
		text    string // in the warning's sentence
	}{
		{"", "nettests", "", ""},
		{"ring_len", "nettests", e1000.CauseRingLength, "TDLEN = 16 is not a multiple of 128"},
		{"ring_base", "nettests", e1000.CauseRingBase, "is outside RAM"},
		{"tx_no_wrap", "nettests", e1000.CauseRingIndex, "TDT = 16 is past the end of a ring of 16 descriptors"},
		{"rx_enable_early", "nettests", e1000.CauseEnableEarly, "RCTL.EN was set before the receive ring was set up"},
		{"tx_busy", "nettests burst", e1000.CauseTxBusySlot, "which the NIC has not sent yet"},
		{"tx_no_eop", "nettests", e1000.CauseTxNoEOP, "has no EOP in cmd"},
		{"tx_no_rs", "nettests", e1000.CauseTxNoRS, "without RS in cmd"},
		{"tx_short", "nettests", e1000.CauseTxFrameSize, "a frame of 8 bytes"},
		{"rx_overrun", "nettests", e1000.CauseRxOverrun, "whose DD is still set"},
		{"rx_starved", "nettests", e1000.CauseRxStarved, "RX ring starved"},
		{"icr_unacked", "nettests", e1000.CauseICRUnacked, "stayed unacknowledged in ICR"},
	}
	for _, tt := range tests {
		name := tt.bug
		if name == "" {
			name = "correct driver"
		}
		t.Run(name, func(t *testing.T) {
			kernel := filepath.Join(xv6, "kernel.img")
			if tt.bug != "" {
				out, err := exec.Command("make", "-s", "-C", "../xv6", "B="+xv6, "E1000_BUG="+tt.bug,
					fmt.Sprintf("NET_TESTS_PORT=%d", server), fmt.Sprintf("NET_FWD_PORT=%d", lab.fwd)).CombinedOutput()
				require.NoErrorf(t, err, "make E1000_BUG=%s:\n%s", tt.bug, out)
				kernel = filepath.Join(xv6+"-bug", tt.bug, "kernel.img")
			}
			stderr := newConsoleLog()
			args := []string{"boot", "--check", "e1000", "--disk", copyImage(t, xv6), "--timeout", "90s"}
			traceFile := filepath.Join(t.TempDir(), "trace.txt")
			if tt.bug == "" {
				args = append(args, "--trace", "e1000,net", "--trace-file", traceFile)
			}
			cmd := exec.Command(rvemu, append(args, kernel)...)
			c := startConsole(t, cmd, stderr)
			c.waitFor(xv6Prompt, 0)
			_, err := io.WriteString(c.stdin, tt.command+"\n")
			require.NoError(t, err)
			if tt.bug == "" {
				c.waitFor("all tests passed.", 0)
				c.waitFor(xv6Prompt, len(c.output())-len(xv6Prompt))
				// Idle long enough for the time-based checks to have fired.
				time.Sleep(2 * time.Duration(e1000.CheckPatienceTicks) * 100 * time.Nanosecond)
				assert.Empty(t, checkerCauses(stderr.String()), stderr.String())
				c.finish()
				checkReadableTraces(t, traceFile, server)
				return
			}
			headline := fmt.Sprintf("e1000 check [%s]", tt.want)
			require.True(t, stderr.waitFor(headline, 0, 60*time.Second), "no %q on stderr:\n%s", headline, stderr.String())
			time.Sleep(100 * time.Millisecond) // the rest of the warning
			text := stderr.String()
			assert.Equal(t, []e1000.Cause{tt.want}, checkerCauses(text), text)
			assert.Contains(t, text, tt.text)
			assert.Regexp(t, `\n    (tx|rx) ring base 0x[0-9a-f]+ len \d+|\n    ICR `, text, "the ring state follows")
			t.Logf("%s", text)
		})
	}
}

// checkReadableTraces looks for one line of each kind that the nettests
// run above must have produced under --trace e1000,net.
func checkReadableTraces(t *testing.T, path string, server int) {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	trace := string(data)
	for _, want := range []string{
		`(?m)^e1000: write RCTL <- 0x4008002 \(EN\|BAM\|SECRC BSIZE=2048\)$`,
		`(?m)^e1000: write TDLEN <- 0x100 \(16 descriptors\)$`,
		`(?m)^e1000: write ICR <- 0xffffffff \(all\)$`,
		`(?m)^e1000: tx ring head \d+ tail \d+ \(was \d+/\d+\): \[\d+\] addr 0x[0-9a-f]+ len \d+ cmd EOP\|RS sta DD$`,
		`(?m)^e1000: rx ring head \d+ tail \d+ \(was \d+/\d+\): \[\d+\] addr 0x[0-9a-f]+ len \d+ sta DD\|EOP$`,
		`(?m)^net: guest->net 60 bytes 52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff ARP announce 10\.0\.2\.15 is-at 52:54:00:12:34:56$`,
		fmt.Sprintf(`(?m)^net: guest->net \d+ bytes \S+ > \S+ IPv4 10\.0\.2\.15 -> 10\.0\.2\.2 UDP 2000 -> %d len 27$`, server),
		`(?m)^net: guest->net \d+ bytes .* UDP 10000 -> 53 len \d+ DNS query id 0x[0-9a-f]+ A pdos\.csail\.mit\.edu\.\?$`,
		`(?m)^net: net->guest \d+ bytes .* DNS answer id 0x[0-9a-f]+ rcode 0 A pdos\.csail\.mit\.edu\.\? pdos\.csail\.mit\.edu\. A 128\.52\.129\.126$`,
	} {
		assert.Regexp(t, want, trace)
	}
}
