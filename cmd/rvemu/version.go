package main

import (
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// buildVersion is what the Go toolchain recorded about this binary: the
// module version (a tag, a pseudo-version, or "(devel)"), the commit and
// its time when built from a checkout, and the compiler. `go install
// ...@version` and `go build` in a clone both record it; no link-time
// flags are needed.
type buildVersion struct {
	Module   string // "v0.3.0", "v0.0.0-20261207095232-ec3943f8c54a", "(devel)"
	Commit   string // full hash, or the 12-digit prefix of a pseudo-version; "" unknown
	Time     string // commit time, RFC 3339 UTC; "" unknown
	Modified bool   // built from a checkout with uncommitted changes
	Go       string // "go1.26.0"
	Platform string // "linux/amd64"
}

// pseudoVersion matches the tail of a Go pseudo-version: the commit time
// and the commit's 12-digit prefix (what a module-proxy build knows).
var pseudoVersion = regexp.MustCompile(`(\d{14})-([0-9a-f]{12})(\+.*)?$`)

func readBuildVersion() buildVersion {
	v := buildVersion{Module: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	return versionFrom(info, v.Platform)
}

// versionFrom reads what a build recorded (split out for tests).
func versionFrom(info *debug.BuildInfo, platform string) buildVersion {
	v := buildVersion{Module: info.Main.Version, Go: info.GoVersion, Platform: platform}
	if v.Module == "" {
		v.Module = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if m := pseudoVersion.FindStringSubmatch(v.Module); m != nil && v.Commit == "" {
		v.Commit = m[2]
		if t, err := time.Parse("20060102150405", m[1]); err == nil {
			v.Time = t.UTC().Format(time.RFC3339)
		}
	}
	return v
}

// Short is the one-word version used in other messages (QEMU's -version).
func (v buildVersion) Short() string {
	if v.Module != "(devel)" {
		return v.Module
	}
	if v.Commit != "" {
		s := "devel-" + v.Commit[:min(12, len(v.Commit))]
		if v.Modified {
			s += "+dirty"
		}
		return s
	}
	return "devel"
}

// Write prints `rvemu version`.
func (v buildVersion) Write(w io.Writer) {
	commit, date := v.Commit, v.Time
	if commit == "" {
		commit = "unknown (built without version control information)"
	} else if v.Modified {
		commit += " (with uncommitted changes)"
	}
	if date == "" {
		date = "unknown"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rvemu %s\n", v.Short())
	fmt.Fprintf(&b, "commit: %s\n", commit)
	fmt.Fprintf(&b, "date:   %s\n", date)
	fmt.Fprintf(&b, "go:     %s %s\n", v.Go, v.Platform)
	io.WriteString(w, b.String())
}
