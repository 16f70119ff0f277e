package tests

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNetstackHost runs the net lab's kernel code (E1000 rings, ARP/IP/UDP,
// sockets, mbufs) on the host, compiled with the address and undefined-
// behaviour sanitizers, against a model of the device's descriptor handling
// and a kernel shim that checks locking and page ownership. Scenarios live in
// tests/netstack/scenarios.c; each runs in its own process.
func TestNetstackHost(t *testing.T) {
	bin := buildNetstackHarness(t)
	out, err := exec.Command(bin, "list").Output()
	require.NoError(t, err)
	names := strings.Fields(string(out))
	require.NotEmpty(t, names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(bin, name).CombinedOutput()
			require.NoErrorf(t, err, "%s", out)
			assert.Contains(t, string(out), "PASS "+name)
		})
	}
}

// kernelNames are the kernel functions whose names libc also uses; the
// kernel-side files are compiled with them renamed so the two never meet.
var kernelNames = []string{"memset", "memmove", "memcpy", "memcmp", "strlen", "strncmp",
	"strncpy", "printf", "panic", "sleep", "exit", "fork", "wait", "kill"}

func buildNetstackHarness(t *testing.T) string {
	t.Helper()
	_, err := exec.LookPath("gcc")
	require.NoError(t, err, "the host net-stack test needs gcc")
	dir := t.TempDir()
	common := []string{"-std=gnu11", "-O1", "-g", "-Wall", "-Werror",
		"-fsanitize=address,undefined", "-fno-sanitize-recover=all",
		"-I", "../xv6", "-I", "netstack"}
	kernelSide := append([]string{"-ffreestanding", "-fno-builtin"}, common...)
	for _, n := range kernelNames {
		kernelSide = append(kernelSide, "-D"+n+"=k_"+n)
	}
	sources := []string{"netstack/kshim.c", "netstack/scenarios.c"}
	for _, f := range []string{"mbuf.c", "checksum.c", "net.c", "e1000.c", "sock.c"} {
		sources = append(sources, filepath.Join("../xv6/kernel/net", f))
	}
	var objs []string
	compile := func(flags []string, src string) {
		obj := filepath.Join(dir, strings.ReplaceAll(strings.TrimPrefix(src, "../"), "/", "_")+".o")
		out, err := exec.Command("gcc", append(flags, "-c", "-o", obj, src)...).CombinedOutput()
		require.NoErrorf(t, err, "compiling %s:\n%s", src, out)
		objs = append(objs, obj)
	}
	for _, src := range sources {
		compile(kernelSide, src)
	}
	compile(common, "netstack/host.c")
	bin := filepath.Join(dir, "netstack")
	out, err := exec.Command("gcc", append([]string{"-fsanitize=address,undefined", "-o", bin}, objs...)...).CombinedOutput()
	require.NoErrorf(t, err, "linking:\n%s", out)
	return bin
}
