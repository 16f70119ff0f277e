//go:build linux

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const runMainEnv = "RVEMU_LABS_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) != "" {
		os.Args = append([]string{"labs"}, strings.Fields(os.Getenv(runMainEnv))[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// labsCommand runs main in a child process with args.
func labsCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), runMainEnv+"=labs "+strings.Join(args, " "))
	return cmd
}

func TestWithoutTreesSaysSoInOneLineAndFails(t *testing.T) {
	out, err := labsCommand().CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.NotZero(t, ee.ExitCode())
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	assert.Len(t, lines, 1)
	assert.Contains(t, lines[0], "no lab trees given")
}

func TestNotATreeFails(t *testing.T) {
	out, err := labsCommand(t.TempDir()).CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "not an xv6 lab tree")
}

// The namespace check runs before the command: started here, in the
// test's own namespace, the child refuses when more than lo exists and
// runs the command only when lo is alone.
func TestNamespaceCheck(t *testing.T) {
	out, err := exec.Command("ip", "-o", "link").Output()
	require.NoError(t, err, "ip (iproute2) is needed")
	cmd := labsCommand("--", "echo", "graded")
	cmd.Env = append(cmd.Env, innerEnv+"=1")
	got, err := cmd.CombinedOutput()
	if names := linkNames(string(out)); len(names) > 1 {
		require.Error(t, err)
		assert.Contains(t, string(got), "labs: refusing to grade: the namespace holds "+strings.Join(names, ", "))
		assert.NotContains(t, string(got), "graded")
	} else {
		require.NoError(t, err)
		assert.Equal(t, "graded\n", string(got))
	}
}
