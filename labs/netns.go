//go:build linux

package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// Network safety: every `make grade` runs inside a network namespace of its
// own that holds only loopback, on QEMU and on rvemu alike. The net lab's
// guests send to 8.8.8.8 (the DNS test) and QEMU's slirp would forward
// that; in the namespace there is no interface and no route to send it on.
//
// labs starts `unshare -n SELF -- COMMAND...` with innerEnv set; the child
// (inNamespace) brings lo up, checks that nothing but lo exists, and only
// then replaces itself with COMMAND. Anything else and it refuses.

const innerEnv = "RVEMU_LABS_NETNS"

// unshareArgs is the unshare command line that runs self in a new network
// namespace (a user namespace too when not root, so that an unprivileged
// user may create it).
func unshareArgs(self string, command []string) []string {
	args := []string{"-n"}
	if os.Geteuid() != 0 {
		args = []string{"-r", "-n"}
	}
	args = append(args, self, "--")
	return append(args, command...)
}

// inNamespace is the child's whole life: it never returns.
func inNamespace(args []string) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		refuse("no command to run")
	}
	out, err := exec.Command("ip", "-o", "link").Output()
	if err != nil {
		refuse(fmt.Sprintf("ip -o link: %v", err))
	}
	if names := linkNames(string(out)); len(names) != 1 || names[0] != "lo" {
		refuse(fmt.Sprintf("the namespace holds %s, not only lo", strings.Join(names, ", ")))
	}
	if out, err = exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		refuse(fmt.Sprintf("ip link set lo up: %v: %s", err, strings.TrimSpace(string(out))))
	}
	ifs, err := net.Interfaces()
	if err != nil {
		refuse(err.Error())
	}
	for _, i := range ifs {
		if i.Name != "lo" {
			refuse("the namespace holds " + i.Name + " besides lo")
		}
	}
	path, err := exec.LookPath(args[0])
	if err != nil {
		refuse(err.Error())
	}
	env := make([]string, 0, len(os.Environ()))
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, innerEnv+"=") {
			env = append(env, e)
		}
	}
	err = syscall.Exec(path, args, env)
	refuse(fmt.Sprintf("exec %s: %v", args[0], err))
}

// linkNames lists the interfaces of `ip -o link` output ("1: lo: <...").
func linkNames(ipOutput string) []string {
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(ipOutput), "\n") {
		f := strings.SplitN(l, ":", 3)
		if len(f) < 3 {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSpace(f[1]), "@")
		names = append(names, name)
	}
	return names
}

func refuse(why string) {
	fmt.Fprintf(os.Stderr, "labs: refusing to grade: %s\n", why)
	os.Exit(3)
}
