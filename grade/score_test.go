package grade

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pass2020 = `nettests
nettests running on port 25099
testing ping: OK
testing single-process pings: OK
testing multi-process pings: OK
testing DNS
DNS arecord for pdos.csail.mit.edu. is 128.52.129.126
DNS OK
all tests passed.
$ `

const pass2024 = `nettest grade
txone: sending one packet
arp_rx: received an ARP packet
ip_rx: received an IP packet
ping0: starting
ping0: OK
ping1: starting
ping1: OK
ping2: starting
ping2: OK
ping3: starting
ping3: OK
dns: starting
DNS arecord for pdos.csail.mit.edu. is 128.52.129.126
dns: OK
free: OK
$ `

const pass2019 = `nettests
nettests running on port 25099
testing one ping: OK
testing single-process pings: OK
testing multi-process pings: OK
all tests passed.
$ `

func find(t *testing.T, s *Score, name string) TestResult {
	t.Helper()
	for _, r := range s.Tests {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no test %q in %+v", name, s.Tests)
	return TestResult{}
}

func TestGradeFullScores(t *testing.T) {
	tests := []struct {
		lab     *Lab
		console string
		host    []string
		max     int
	}{
		{Lab2019(), pass2019, nil, 100},
		{Lab2020(), pass2020, nil, 100},
		{Lab2024(), pass2024, []string{"txone: OK", "rxone: sending one UDP packet"}, 171},
	}
	for _, tt := range tests {
		t.Run(tt.lab.Name, func(t *testing.T) {
			assert.Equal(t, tt.max, tt.lab.Total())
			s := Grade(tt.lab, Transcript{Console: tt.console, Host: tt.host, TimeFile: "6\n", TimeFileFound: true})
			assert.Equal(t, tt.max, s.Points)
			assert.Equal(t, tt.max, s.Max)
			assert.True(t, s.Full())
			for _, r := range s.Tests {
				assert.True(t, r.OK, r.Name)
				assert.Empty(t, r.Expected)
			}
		})
	}
}

func TestGradeEachFailure(t *testing.T) {
	lab := Lab2020()
	tests := []struct {
		name    string
		drop    string // line removed from the passing transcript
		replace string // printed instead
		failed  string
		closest string
	}{
		{"ping", "testing ping: OK", "testing ping: nettests: ping: recv() failed", "nettest: ping", "testing ping: nettests: ping: recv() failed"},
		{"single", "testing single-process pings: OK", "testing single-process pings: ", "nettest: single process", "testing single-process pings:"},
		{"multi", "testing multi-process pings: OK", "testing multi-process pings: nettests: a pinging child failed", "nettest: multi-process", "testing multi-process pings: nettests: a pinging child failed"},
		{"dns", "DNS OK", "DNS rcode error: 3", "nettest: DNS", "DNS rcode error: 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			console := strings.Replace(pass2020, tt.drop, tt.replace, 1)
			s := Grade(lab, Transcript{Console: console, TimeFile: "3", TimeFileFound: true})
			r := find(t, s, tt.failed)
			assert.False(t, r.OK)
			assert.Equal(t, tt.drop, r.Expected)
			assert.Equal(t, tt.closest, r.Closest)
			assert.Equal(t, 100-r.Points, s.Points)
			assert.Equal(t, 100, s.Max)
			assert.False(t, s.Full())
		})
	}
}

func TestGradeHostAndTimeFile(t *testing.T) {
	tests := []struct {
		name    string
		host    []string
		time    string
		found   bool
		points  int
		max     int
		counted bool
	}{
		{"txone seen, time ok", []string{"txone: OK"}, "12\n", true, 171, 171, true},
		{"wrong txone payload", []string{`txone: received incorrect payload "xx"`}, "12", true, 151, 171, true},
		{"time not an integer", []string{"txone: OK"}, "about 3 hours", true, 170, 171, true},
		{"no time.txt", []string{"txone: OK"}, "", false, 170, 170, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Grade(Lab2024(), Transcript{Console: pass2024, Host: tt.host, TimeFile: tt.time, TimeFileFound: tt.found})
			assert.Equal(t, tt.points, s.Points)
			assert.Equal(t, tt.max, s.Max)
			assert.Equal(t, tt.counted, find(t, s, "time").Counted)
		})
	}
}

func TestGradeAnchorsAndCRLF(t *testing.T) {
	// "ping0: OK" must be a whole line; the 2020 lines may arrive with CRLF.
	s := Grade(Lab2024(), Transcript{Console: "xping0: OK trailing\n", TimeFileFound: false})
	assert.False(t, find(t, s, "nettest: ping0").OK)
	s = Grade(Lab2020(), Transcript{Console: strings.ReplaceAll(pass2020, "\n", "\r\n"), TimeFileFound: false})
	assert.Equal(t, 99, s.Points)
	assert.Equal(t, 99, s.Max)
}

func TestGradeTimes(t *testing.T) {
	at := func(off int) time.Duration { return time.Duration(off) * time.Millisecond }
	s := Grade(Lab2020(), Transcript{Console: pass2020, At: at})
	r := find(t, s, "nettest: DNS")
	assert.Equal(t, time.Duration(strings.Index(pass2020, "DNS OK"))*time.Millisecond, r.Time)
}

func TestClosestLine(t *testing.T) {
	tests := []struct{ want, text, closest string }{
		{"ping0: OK", "ping0: starting\nping0: wrong content\n", "ping0: starting"},
		{"DNS OK", "", ""},
		{"free: OK", "\n \nfree: FAIL\nzzz", "free: FAIL"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.closest, ClosestLine(tt.want, tt.text), tt.want)
	}
}

func TestWriteTable(t *testing.T) {
	console := strings.Replace(pass2020, "DNS OK", "DNS rcode error: 3", 1)
	s := Grade(Lab2020(), Transcript{Console: console})
	var b strings.Builder
	WriteTable(&b, s)
	out := b.String()
	require.Contains(t, out, "nettest: DNS")
	assert.Contains(t, out, "expected: DNS OK")
	assert.Contains(t, out, "closest:  DNS rcode error: 3")
	assert.Contains(t, out, "n/a")
	assert.True(t, strings.HasSuffix(out, "Score: 80/99\n"), out)
}

// Every course year 2019-2025 has a profile: the command typed, the
// points, and the virtio interface its kernels drive (QEMU's
// force-legacy=false from 2022 on).
func TestLabByName(t *testing.T) {
	tests := []struct {
		year    string
		command string
		total   int
		legacy  bool
	}{
		{"2019", "nettests", 100, true},
		{"2020", "nettests", 100, true},
		{"2021", "nettests", 100, true},
		{"2022", "nettests", 100, false},
		{"2023", "nettests", 100, false},
		{"2024", "nettest grade", 171, false},
		{"2025", "nettest grade", 171, false},
	}
	for _, tc := range tests {
		l, err := LabByName(tc.year)
		require.NoError(t, err, tc.year)
		assert.Equal(t, tc.command, l.Command, tc.year)
		assert.Equal(t, tc.total, l.Total(), tc.year)
		assert.Equal(t, tc.legacy, l.Legacy, tc.year)
	}
	// The 2022/2023 graders match the 2020 lines, for the same points.
	assert.Equal(t, Grade(Lab2020(), Transcript{Console: pass2020}).Points, Grade(Lab2022(), Transcript{Console: pass2020}).Points)
	_, err := LabByName("auto")
	require.NoError(t, err)
	_, err = LabByName("2018")
	assert.ErrorContains(t, err, `lab "2018": want one of 2019, 2020, 2021, 2022, 2023, 2024, 2025, auto`)
}

func TestPortsForUID(t *testing.T) {
	tests := []struct {
		uid    int
		server uint16
		fwd    []uint16
	}{
		{0, 25099, []uint16{25999, 30999}},
		{1000, 26099, []uint16{26999, 31999}},
		{5001, 25100, []uint16{26000, 31000}},
	}
	for _, tt := range tests {
		p := PortsForUID(tt.uid)
		assert.Equal(t, tt.server, p.Server)
		assert.Equal(t, tt.fwd, p.Forward)
	}
}
