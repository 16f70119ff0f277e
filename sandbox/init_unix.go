//go:build unix

package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/rvemu/rvemu/usernet"
)

// The init: what runs first inside the sandbox (see the package comment).
// The parent hands it an initConfig on descriptor 3 and reads an
// initStatus from descriptor 4 when it ends.

type initConfig struct {
	Command    []string `json:"command"`
	Dir        string   `json:"dir"`
	Env        []string `json:"env"`
	Nice       int      `json:"nice"`
	Namespaces bool     `json:"namespaces"`
	LabDNS     bool     `json:"lab_dns"`
	FileSize   int64    `json:"file_size"`
	MountAt    string   `json:"mount_at,omitempty"` // Dir is mounted here and the command runs here
	// CheckOnly: set the namespace up and check it, then exit 0 (Probe).
	CheckOnly bool `json:"check_only"`
}

type initStatus struct {
	Exit   int    `json:"exit"`
	Signal string `json:"signal,omitempty"`
	// Error: the init could not start the command (nothing ran).
	Error string `json:"error,omitempty"`
}

// labDNSAddr is where the xv6 net lab's DNS test sends its query.
var labDNSAddr = netip.MustParseAddr("8.8.8.8")

// RunInitIfAsked becomes the sandbox's init and never returns when this
// process was started as one (InitEnv set); otherwise it returns at once.
// Call it first in main, and in TestMain of packages that start runs.
func RunInitIfAsked() {
	if os.Getenv(InitEnv) == "" {
		return
	}
	os.Exit(runInit())
}

func runInit() int {
	cfgFile, statusFile := os.NewFile(3, "config"), os.NewFile(4, "status")
	var cfg initConfig
	err := json.NewDecoder(cfgFile).Decode(&cfg)
	cfgFile.Close()
	if err != nil {
		return initFail(statusFile, fmt.Errorf("reading the run's configuration: %w", err))
	}
	if cfg.Namespaces {
		if err := loopbackUp(); err != nil {
			return initFail(statusFile, err)
		}
		if cfg.LabDNS {
			if err := addLoopbackAddress(labDNSAddr); err != nil {
				return initFail(statusFile, fmt.Errorf("8.8.8.8 on lo: %w", err))
			}
		}
		if err := onlyLoopback(); err != nil {
			return initFail(statusFile, err)
		}
		if cfg.LabDNS {
			if err := serveLabDNS(netip.AddrPortFrom(labDNSAddr, 53)); err != nil {
				return initFail(statusFile, err)
			}
		}
	}
	if cfg.MountAt != "" {
		if err := mountDir(cfg.Dir, cfg.MountAt); err != nil {
			return initFail(statusFile, err)
		}
		cfg.Dir = cfg.MountAt
		cfg.Env = setEnv(cfg.Env, "PWD", cfg.MountAt)
	}
	if cfg.CheckOnly {
		json.NewEncoder(statusFile).Encode(initStatus{})
		return 0
	}
	if err := setLimits(cfg); err != nil {
		return initFail(statusFile, err)
	}
	st, err := startAndReap(cfg)
	if err != nil {
		return initFail(statusFile, err)
	}
	json.NewEncoder(statusFile).Encode(st)
	statusFile.Close()
	if st.Signal != "" {
		return 128 + 9
	}
	return st.Exit
}

// initFail reports why the command could not be started, on the output
// and to the parent.
func initFail(status *os.File, err error) int {
	fmt.Fprintf(os.Stderr, "%s%v\n", initPrefix, err)
	json.NewEncoder(status).Encode(initStatus{Exit: initFailed, Error: err.Error()})
	return initFailed
}

func setLimits(cfg initConfig) error {
	if cfg.FileSize > 0 {
		if err := setFileSizeLimit(cfg.FileSize); err != nil {
			return fmt.Errorf("file size limit: %w", err)
		}
	}
	// A crashing grader or emulator must not write a core the size of
	// its memory into the submission's directory.
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	if cfg.Nice > 0 {
		if err := unix.Setpriority(unix.PRIO_PROCESS, 0, cfg.Nice); err != nil {
			return fmt.Errorf("nice: %w", err)
		}
	}
	return nil
}

// startAndReap runs the command (in the init's process group, which the
// parent ends as one), forwards SIGTERM/SIGINT to it, and reaps every
// child (in a PID namespace orphans come to the init) until the command
// itself ends.
func startAndReap(cfg initConfig) (initStatus, error) {
	path, err := lookPath(cfg.Command[0], envValue(cfg.Env, "PATH"))
	if err != nil {
		return initStatus{}, err
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return initStatus{}, err
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	p, err := os.StartProcess(path, cfg.Command, &os.ProcAttr{
		Dir:   cfg.Dir,
		Env:   cfg.Env,
		Files: []*os.File{devnull, os.Stdout, os.Stderr},
	})
	devnull.Close()
	if err != nil {
		return initStatus{}, err
	}
	go func() {
		for range sigs {
			p.Signal(syscall.SIGTERM)
		}
	}()
	var st initStatus
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return st, fmt.Errorf("waiting for %s: %w", cfg.Command[0], err)
		}
		if pid != p.Pid {
			continue // an orphan, reaped
		}
		if ws.Signaled() {
			st.Exit, st.Signal = -1, unix.SignalName(ws.Signal())
		} else {
			st.Exit = ws.ExitStatus()
		}
		break
	}
	return st, nil
}

// setEnv sets key to value in env, replacing any value it had.
func setEnv(env []string, key, value string) []string {
	out := []string{key + "=" + value}
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k != key {
			out = append(out, e)
		}
	}
	return out
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// lookPath finds name in the run's PATH (not the init's own).
func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in the run's PATH", name)
}

// serveLabDNS answers DNS queries on addr from the lab's table (the one
// rvemu's own network answers from). Only the init's namespace can reach
// it; nothing is ever forwarded.
func serveLabDNS(addr netip.AddrPort) error {
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(addr))
	if err != nil {
		return fmt.Errorf("the lab's DNS on %s: %w", addr, err)
	}
	table := usernet.LabDNS()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if reply, ok := table.Answer(buf[:n]); ok {
				conn.WriteToUDPAddrPort(reply, from)
			}
		}
	}()
	return nil
}
