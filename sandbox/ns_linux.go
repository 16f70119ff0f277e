package sandbox

import (
	"os"
	"syscall"
)

// sysProcAttr starts the init: in a process group of its own, killed if
// we die, and under Namespaces in new user, mount, network, PID, IPC and
// UTS namespaces, this user mapped to root inside (what `unshare -r`
// does). The mount namespace lets the init put Job.Dir at Job.MountAt.
func sysProcAttr(iso Isolation) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if iso == Namespaces {
		a.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET | syscall.CLONE_NEWPID |
			syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
	return a
}
