package main

import (
	"bytes"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// What `rvemu version` says for each way a binary is built: from a clone
// (the toolchain records the commit), by `go install ...@version` through
// the module proxy (a tag, or a pseudo-version naming commit and time), and
// with nothing recorded.
func TestVersionFromBuildInfo(t *testing.T) {
	tests := []struct {
		name  string
		info  debug.BuildInfo
		short string
		text  string
	}{
		{"a clone with uncommitted changes", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20261207110000-0123456789ab+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
				{Key: "vcs.time", Value: "2026-12-07T11:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"v0.0.0-20261207110000-0123456789ab+dirty",
			"rvemu v0.0.0-20261207110000-0123456789ab+dirty\ncommit: 0123456789abcdef0123456789abcdef01234567 (with uncommitted changes)\ndate:   2026-12-07T11:00:00Z\ngo:     go1.26.0 linux/amd64\n"},
		{"go install @v0.3.0 (a tag)", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.3.0"}},
			"v0.3.0", "rvemu v0.3.0\ncommit: unknown (built without version control information)\ndate:   unknown\ngo:     go1.26.0 linux/amd64\n"},
		{"go install @latest (a pseudo-version)", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20261207095232-ec3943f8c54a"}},
			"v0.0.0-20261207095232-ec3943f8c54a",
			"rvemu v0.0.0-20261207095232-ec3943f8c54a\ncommit: ec3943f8c54a\ndate:   2026-12-07T09:52:32Z\ngo:     go1.26.0 linux/amd64\n"},
		{"go build in a worktree: nothing recorded", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
			"devel", "rvemu devel\ncommit: unknown (built without version control information)\ndate:   unknown\ngo:     go1.26.0 linux/amd64\n"},
		{"(devel) with a commit", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "false"}}},
			"devel-0123456789ab", "rvemu devel-0123456789ab\ncommit: 0123456789abcdef\ndate:   unknown\ngo:     go1.26.0 linux/amd64\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := versionFrom(&tc.info, "linux/amd64")
			assert.Equal(t, tc.short, v.Short())
			var b bytes.Buffer
			v.Write(&b)
			assert.Equal(t, tc.text, b.String())
		})
	}
}
