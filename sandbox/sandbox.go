// Package sandbox runs one command tree (a lab's `make grade` and all it
// starts) apart from the host and from other runs: in network, PID and IPC
// namespaces of its own when the host permits them (the network holding
// only loopback, checked before the command starts), under a wall-clock,
// memory, process-count and file-size limit, and it says which limit ended
// the run.
//
// The command is started by a small init: this same program run again with
// InitEnv set (main calls RunInitIfAsked first thing). Inside the new
// namespaces it is PID 1: it brings loopback up, refuses to go on if any
// other interface exists, optionally answers the xv6 net lab's DNS query
// on 8.8.8.8 over loopback (so QEMU too passes that test offline), sets the
// rlimits, starts the command, reaps every orphan, and exits with the
// command's status. When the init dies, the kernel ends every process left
// in its PID namespace, so nothing a run starts outlives it.
//
// Where namespaces are not permitted (another OS, or a Linux host that
// forbids unprivileged user namespaces) the init still sets the limits and
// the run is ended by process group; the caller keeps runs apart by ports
// (see the class grader's port sets).
package sandbox

import (
	"io"
	"time"
)

// InitEnv, when set in the environment, makes RunInitIfAsked act as the
// sandbox's init instead of returning.
const InitEnv = "RVEMU_SANDBOX_INIT"

// Isolation is how runs are kept apart from the host and each other.
type Isolation int

const (
	// Namespaces: private network (loopback only), PID and IPC
	// namespaces, in a user namespace.
	Namespaces Isolation = iota
	// ProcessGroup: the host's network and PID space; the run is one
	// process group. The caller must hand each run distinct ports.
	ProcessGroup
)

func (i Isolation) String() string {
	if i == Namespaces {
		return "namespaces"
	}
	return "process group"
}

// Limits bound one run. Zero means no limit (Wall excepted: it must be set).
type Limits struct {
	Wall   time.Duration // from start to the end of the whole tree
	Memory int64         // bytes, every process of the run together
	Procs  int           // processes (and threads) at once
	// FileSize is the largest file any process may write, in bytes. A
	// file of Job.Dir that reached it after the run names the limit as
	// what ended it (the process that hit it may be a grandchild).
	FileSize int64
}

// Job is one command to run.
type Job struct {
	Command []string // argv; looked up in Env's PATH
	Dir     string
	Env     []string
	Nice    int // added niceness of the command (0: none)
	Limits  Limits
	// LabDNS puts 8.8.8.8 on the namespace's loopback and answers the xv6
	// net lab's DNS query there (Namespaces only).
	LabDNS bool
	// MountAt (Namespaces only; "" none): an existing empty directory at
	// which Dir is mounted, in the run's own mount namespace, for the
	// command to run in. Every run can so see its tree at the same path
	// (what compilers write into debug information), each its own tree,
	// and the host's directory stays empty. Elsewhere the command runs
	// in Dir.
	MountAt string
	Output  io.Writer // the command's stdout and stderr together
}

// Ended names the limit that ended a run.
type Ended string

const (
	EndedNot     Ended = ""
	EndedWall    Ended = "time limit"
	EndedMemory  Ended = "memory limit"
	EndedProcs   Ended = "process limit"
	EndedFile    Ended = "file size limit"
	EndedStopped Ended = "stopped" // the caller's context was cancelled
)

// Outcome is how a run ended.
type Outcome struct {
	Exit       int           // the command's exit status (-1 when killed)
	Signal     string        // the signal that killed the command, if any
	Ended      Ended         // the limit that ended it, if any
	Detail     string        // about Ended: the file that reached the size limit
	Wall       time.Duration // start to end
	PeakMemory int64         // bytes, the run's most at once (0 if unknown)
	PeakProcs  int           // processes at once at the most (0 if unknown)
}

// Reason is the outcome in a few words, "" for a normal exit.
func (o Outcome) Reason() string {
	switch {
	case o.Ended != EndedNot && o.Detail != "":
		return string(o.Ended) + " (" + o.Detail + ")"
	case o.Ended != EndedNot:
		return string(o.Ended)
	case o.Signal != "":
		return "killed by " + o.Signal
	}
	return ""
}

// initFailed is the init's status when it could not start the command
// (the namespace was not as required, a limit could not be set).
const initFailed = 125

// initPrefix starts every line the init itself writes to the output.
const initPrefix = "sandbox: "
