package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNettestsHost runs xv6's nettests (with our user library's string and
// printf code) as a host process whose system calls are simulated in
// tests/nettestsim: the host servers and a DNS server answer at once. It
// covers what QEMU offline cannot: the DNS reply parsing, and how nettests
// reports a peer that answers wrong.
func TestNettestsHost(t *testing.T) {
	bin := buildNettestsSim(t)
	full := []string{
		"nettests running on port 25099",
		"testing ping: OK",
		"testing single-process pings: OK",
		"testing multi-process pings: OK",
		"testing DNS",
		"DNS arecord for pdos.csail.mit.edu. is 128.52.129.126",
		"DNS OK",
		"all tests passed.",
	}
	tests := []struct {
		name     string
		args     []string
		sim      string
		wantExit int
		want     []string // stdout lines, in order
		wantErr  string   // on stderr
	}{
		{"all pass", nil, "", 0, full, ""},
		{"echo", []string{"echo"}, "", 0, []string{"testing one ping: OK"}, ""},
		{"wrong host reply", nil, "host-wrong", 1, []string{"nettests running on port 25099"}, "ping didn't receive correct payload"},
		{"wrong DNS address", nil, "dns-wrong-ip", 1, []string{"testing DNS", "DNS arecord for pdos.csail.mit.edu. is 1.2.3.4"}, "wrong ip address"},
		{"DNS error code", nil, "dns-rcode", 1, []string{"testing DNS", "DNS rcode error: 3"}, ""},
		{"DNS without answer", nil, "dns-no-answer", 1, []string{"testing DNS"}, "no A record"},
		{"DNS reply cut short", nil, "dns-truncated", 1, []string{"testing DNS"}, "bad answer"},
		{"burst", []string{"burst"}, "", 0, []string{"sending a burst of 40 datagrams: OK"}, ""},
		{"bad argument", []string{"nope"}, "", 1, nil, "usage: nettests [echo|burst]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = append(os.Environ(), "NETTESTS_SIM="+tc.sim)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equalf(t, tc.wantExit, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
			assertLinesInOrder(t, stdout.String(), tc.want)
			if tc.wantErr != "" {
				assert.Contains(t, stderr.String(), tc.wantErr)
			}
			assert.NotContains(t, stdout.String(), "SIM FAIL", "nettests sent something the peers did not expect")
			if tc.wantExit == 0 {
				assert.Empty(t, stderr.String())
			}
		})
	}
}

// userNames are the user-library functions nettests uses whose names libc
// also defines; nettests and our library are compiled with them renamed.
var userNames = []string{"fork", "exit", "wait", "write", "read", "close", "connect",
	"strcpy", "memmove", "memcpy", "strchr", "strcmp", "strlen", "memset", "memcmp",
	"gets", "atoi", "stat", "fprintf", "printf", "malloc", "free", "pipe", "kill",
	"exec", "open", "mknod", "unlink", "fstat", "link", "mkdir", "chdir", "dup",
	"getpid", "sbrk", "sleep", "uptime"}

func buildNettestsSim(t *testing.T) string {
	t.Helper()
	_, err := exec.LookPath("gcc")
	require.NoError(t, err, "the host nettests test needs gcc")
	dir := t.TempDir()
	common := []string{"-std=gnu11", "-O1", "-g", "-Wall", "-Werror",
		"-fsanitize=address,undefined", "-fno-sanitize-recover=all"}
	userSide := append([]string{"-ffreestanding", "-fno-builtin", "-I", "../xv6/user",
		"-I", "../xv6/kernel", "-DNET_TESTS_PORT=25099", "-Dmain=nettests_main"}, common...)
	for _, n := range userNames {
		userSide = append(userSide, "-D"+n+"=u_"+n)
	}
	var objs []string
	compile := func(flags []string, src string) {
		obj := filepath.Join(dir, filepath.Base(src)+".o")
		out, err := exec.Command("gcc", append(flags, "-c", "-o", obj, src)...).CombinedOutput()
		require.NoErrorf(t, err, "compiling %s:\n%s", src, out)
		objs = append(objs, obj)
	}
	for _, src := range []string{"../xv6/user/nettests.c", "../xv6/user/lib/string.c",
		"../xv6/user/lib/printf.c", "nettestsim/ushim.c"} {
		compile(userSide, src)
	}
	compile(common, "nettestsim/uhost.c")
	compile(common, "nettestsim/main.c")
	bin := filepath.Join(dir, "nettests")
	out, err := exec.Command("gcc", append([]string{"-fsanitize=address,undefined", "-o", bin}, objs...)...).CombinedOutput()
	require.NoErrorf(t, err, "linking:\n%s", out)
	return bin
}
