package tests

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/rvemu/rvemu/class"
)

// The class grader end to end, on our own kernel's net lab: the grader
// tree is a copy of xv6/ with class/testdata/ourlab's grading files (our
// grade script and harness, in gradelib's report format); the
// submissions are copies of xv6/ that a student broke on purpose.

// ourLabFiles are the grader files laid over each submission.
const ourLabFiles = "grade-lab-*,*.py,GNUmakefile,go.mod"

// edit replaces the first occurrence of Anchor in File by With. A missing
// anchor fails the test (xv6 changed: move the edit).
type edit struct{ File, Anchor, With string }

// copyXV6 copies ../xv6 (no build outputs) into dir and applies edits.
func copyXV6(t *testing.T, dir string, edits ...edit) string {
	t.Helper()
	src, err := filepath.Abs("../xv6")
	require.NoError(t, err)
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && strings.HasPrefix(d.Name(), "build") {
			return filepath.SkipDir
		}
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
	require.NoError(t, err)
	for _, e := range edits {
		p := filepath.Join(dir, e.File)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Containsf(t, string(b), e.Anchor, "%s changed: the test's edit has no anchor", e.File)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(b), e.Anchor, e.With, 1)), 0o644))
	}
	return dir
}

// ourLabGrader is the grader tree of our lab.
func ourLabGrader(t *testing.T, dir string) string {
	t.Helper()
	copyXV6(t, dir)
	fixture, err := filepath.Abs("../class/testdata/ourlab")
	require.NoError(t, err)
	entries, err := os.ReadDir(fixture)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(fixture, e.Name()))
		require.NoError(t, err)
		info, _ := e.Info()
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, info.Mode().Perm()))
	}
	return dir
}

func writeTimeFile(t *testing.T, tree string) {
	require.NoError(t, os.WriteFile(filepath.Join(tree, "time.txt"), []byte("6\n"), 0o644))
}

// The students' mistakes, as edits of our kernel.
var (
	// init, before its first shell, makes this edit's lines run.
	initAnchor = "  for (;;) {\n    printf(\"init: starting sh\\n\");"

	brokenBuild = edit{"kernel/net/e1000.c", "e1000_ready(void)\n{", "e1000_ready(void)\n{\n  this is not C;"}
	panicOnSend = edit{"kernel/net/e1000.c", "  acquire(&tx_lock);\n  uint32 tail",
		"  panic(\"e1000_transmit: not written yet\");\n  acquire(&tx_lock);\n  uint32 tail"}
	hangInConnect = edit{"kernel/net/sock.c", "  struct file *f;\n  if(sockalloc(", "  for(;;)\n    ;\n  struct file *f;\n  if(sockalloc("}
	forkBomb      = edit{"user/init.c", initAnchor,
		"  if (fork() == 0) {\n    sleep(20);\n    for (;;)\n      fork();\n  }\n" + initAnchor}
	fillDisk = edit{"user/init.c", initAnchor,
		"  static char junk[1024];\n  for (int i = 0; ; i++) {\n    char name[] = {'j', 'a' + i / 26 % 26, 'a' + i % 26, 0};\n" +
			"    int fd = open(name, O_CREATE | O_WRONLY);\n    if (fd < 0) break;\n    int n = 0;\n" +
			"    while (write(fd, junk, sizeof(junk)) == sizeof(junk)) n++;\n    close(fd);\n    if (n == 0) break;\n  }\n" + initAnchor}
	floodConsole = edit{"user/init.c", initAnchor,
		"  static char line[4096];\n  for (int i = 0; i < sizeof(line); i++)\n    line[i] = i % 64 == 63 ? '\\n' : 'a' + i % 26;\n" +
			"  for (;;)\n    write(1, line, sizeof(line));\n" + initAnchor}
	sendOffLab = edit{"user/init.c", initAnchor,
		"  int net = connect(0x01010101, 2001, 9);  // 1.1.1.1, discard\n  if (net >= 0) {\n    write(net, \"hello\", 5);\n    close(net);\n  }\n" + initAnchor}
	// The student's Makefile runs these first in every build.
	hostForks = edit{"Makefile", "all: $(B)/kernel.img $(B)/fs.img\n",
		"all: extra $(B)/kernel.img $(B)/fs.img\nextra:\n\tsh -c 'i=0; while [ $$i -lt 600 ]; do sleep 60 & i=$$((i+1)); done; wait'\n"}
	hostFillsDisk = edit{"Makefile", "all: $(B)/kernel.img $(B)/fs.img\n",
		"all: extra $(B)/kernel.img $(B)/fs.img\nextra:\n\tmkdir -p $(B) && head -c 200000000 /dev/zero > $(B)/junk\n"}
)

// makePatch is a `git diff` of a variant against the grader tree.
func makePatch(t *testing.T, scratch string, edits ...edit) []byte {
	t.Helper()
	a := copyXV6(t, filepath.Join(scratch, "a"))
	copyXV6(t, filepath.Join(scratch, "b"), edits...)
	cmd := exec.Command("git", "diff", "--no-index", "--no-prefix", "a", "b")
	cmd.Dir = filepath.Dir(a)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) { // 1: they differ
		require.NoError(t, err)
	}
	// --no-prefix with trees named a and b gives a/PATH and b/PATH.
	require.Contains(t, string(out), "--- a/")
	return out
}

// writeTarGz packs tree under top/ (as a student's `tar czf` of their
// checkout would).
func writeTarGz(t *testing.T, tree, top, file string) {
	t.Helper()
	f, err := os.Create(file)
	require.NoError(t, err)
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	require.NoError(t, filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tree, p)
		info, _ := d.Info()
		h, _ := tar.FileInfoHeader(info, "")
		h.Name = filepath.ToSlash(filepath.Join(top, rel))
		if d.IsDir() {
			h.Name += "/"
		}
		require.NoError(t, tw.WriteHeader(h))
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			tw.Write(b)
		}
		return nil
	}))
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
}

func writeZip(t *testing.T, tree, file string) {
	t.Helper()
	f, err := os.Create(file)
	require.NoError(t, err)
	defer f.Close()
	zw := zip.NewWriter(f)
	require.NoError(t, filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tree, p)
		info, _ := d.Info()
		h, _ := zip.FileInfoHeader(info)
		h.Name = filepath.ToSlash(rel)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		_, err = w.Write(b)
		return err
	}))
	require.NoError(t, zw.Close())
}

// runClass runs `rvemu class ARGS` and returns its status and output.
func runClass(t *testing.T, rvemu string, args ...string) (int, string) {
	t.Helper()
	return runClassEnv(t, nil, rvemu, args...)
}

// runClassEnv is runClass with more environment (KEY=VALUE) for rvemu.
func runClassEnv(t *testing.T, env []string, rvemu string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(rvemu, append([]string{"class"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		require.NoError(t, err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

func readBook(t *testing.T, dir string) class.Gradebook {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "gradebook.json"))
	require.NoError(t, err)
	var g class.Gradebook
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

func rowsByStudent(g class.Gradebook) map[string]class.Row {
	m := map[string]class.Row{}
	for _, r := range g.Rows {
		m[r.Student] = r
	}
	return m
}

func lost(r class.Row) map[string]class.Test {
	m := map[string]class.Test{}
	for _, t := range r.Tests {
		if t.Points < t.Max {
			m[t.Title] = t
		}
	}
	return m
}

// leftovers lists processes whose working directory is under dir.
func leftovers(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err == nil && strings.HasPrefix(cwd, dir) {
			comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
			found = append(found, e.Name()+" "+strings.TrimSpace(string(comm)))
		}
	}
	return found
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// TestClassBadSubmissionsContained grades a class of our kernel in which
// most students broke something on purpose: each gets its row with the
// reason, the good ones their full score, and nothing is left behind.
func TestClassBadSubmissionsContained(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a class of kernels: run without -short (make test-e2e)")
	}
	root := t.TempDir()
	// RVEMU_CLASS_KEEP=DIR (a folder not there yet) keeps the class, its
	// grader tree and gradebook in DIR, to read the rows after the test.
	if keep := os.Getenv("RVEMU_CLASS_KEEP"); keep != "" {
		require.NoError(t, os.Mkdir(keep, 0o755), "RVEMU_CLASS_KEEP names a folder the test makes")
		root = keep
	}
	rvemu := buildRvemuIn(t, root)
	grader := ourLabGrader(t, filepath.Join(root, "grader"))
	subs := filepath.Join(root, "submissions")
	require.NoError(t, os.MkdirAll(subs, 0o755))

	writeTimeFile(t, copyXV6(t, filepath.Join(subs, "alice")))
	// A tarball with the tree one directory down, whose init also sends a
	// datagram to 1.1.1.1.
	bob := copyXV6(t, filepath.Join(root, "bob"), sendOffLab)
	writeTimeFile(t, bob)
	writeTarGz(t, bob, "xv6-net", filepath.Join(subs, "bob.tar.gz"))
	// A patch whose driver panics.
	require.NoError(t, os.WriteFile(filepath.Join(subs, "carol.patch"), makePatch(t, filepath.Join(root, "carol"), panicOnSend), 0o644))
	copyXV6(t, filepath.Join(subs, "dave"), brokenBuild)
	writeZip(t, copyXV6(t, filepath.Join(root, "erin"), hangInConnect), filepath.Join(subs, "erin.zip"))
	copyXV6(t, filepath.Join(subs, "gina"), forkBomb)
	copyXV6(t, filepath.Join(subs, "hana"), fillDisk)
	copyXV6(t, filepath.Join(subs, "ivan"), floodConsole)
	copyXV6(t, filepath.Join(subs, "kim"), hostForks)
	copyXV6(t, filepath.Join(subs, "leo"), hostFillsDisk)
	require.NoError(t, os.WriteFile(filepath.Join(subs, "mallory.txt"), []byte("my lab, see attached\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(subs, "nick.patch"), []byte("--- a/kernel/nothere.c\n+++ b/kernel/nothere.c\n@@ -1 +1 @@\n-x\n+y\n"), 0o644))

	out := filepath.Join(root, "out")
	// TMPDIR: the folder the grades build in (TMPDIR/rvemu-class-build,
	// each tree mounted there) is this test's own, to look for leftovers.
	tmp := filepath.Join(root, "tmp")
	require.NoError(t, os.Mkdir(tmp, 0o755))
	code, output := runClassEnv(t, []string{"TMPDIR=" + tmp}, rvemu, "-j", "2", "-o", out, "--grader-files", ourLabFiles,
		"--build-cache", filepath.Join(root, "ccache"),
		"--memory", "1G", "--procs", "256", "--file-size", "5M", "--timeout", "10m", grader, subs)
	t.Log(output)
	assert.Equal(t, 1, code, "some students have no score")
	book := readBook(t, out)
	rows := rowsByStudent(book)
	require.Len(t, rows, 12)
	assert.Equal(t, 125, book.Possible)

	full := func(name string) {
		r := rows[name]
		assert.Equal(t, class.Graded, r.Status, name)
		assert.Equal(t, 125, r.Score, "%s: %+v", name, lost(r))
	}
	full("alice")
	full("bob")
	assert.Equal(t, []string{"UDP 1.1.1.1:9"}, rows["bob"].Network)
	assert.Contains(t, rows["bob"].Reason, "UDP 1.1.1.1:9")
	assert.Empty(t, rows["alice"].Network)

	carol := rows["carol"]
	assert.Equal(t, class.Graded, carol.Status)
	assert.Contains(t, carol.Reason, "kernel panic: e1000_transmit: not written yet")
	// The driver transmits at boot (a gratuitous ARP): the console holds
	// two lines, and the closest to "testing ping: OK" is one of them.
	assert.Contains(t, []string{"rvemu xv6: booting, timer sstc", "panic: e1000_transmit: not written yet"},
		lost(carol)["nettests: ping"].Closest)

	dave := rows["dave"]
	assert.Equal(t, class.BuildFailed, dave.Status)
	assert.Contains(t, dave.Reason, "e1000.c")
	assert.Contains(t, dave.Reason, "error")

	erin := rows["erin"]
	assert.Equal(t, class.Graded, erin.Status)
	assert.Contains(t, erin.Reason, "timed out")
	assert.Equal(t, 0, erin.Score, "%+v", lost(erin))

	for _, name := range []string{"gina", "hana"} {
		assert.Equal(t, class.Graded, rows[name].Status, name)
		assert.Less(t, rows[name].Score, 125, name)
	}
	assert.Contains(t, lost(rows["hana"]), "stress: file")
	assert.NotContains(t, lost(rows["hana"]), "nettests: ping")

	ivan := rows["ivan"]
	if ivan.Status == class.Graded { // a slow host: the harness's timeout came first
		assert.Contains(t, ivan.Reason, "timed out")
	} else {
		assert.Equal(t, class.FileSizeLimit, ivan.Status)
		assert.Contains(t, ivan.Reason, "xv6.out")
	}
	assert.Equal(t, class.ProcessLimit, rows["kim"].Status)
	assert.Equal(t, class.FileSizeLimit, rows["leo"].Status)
	assert.Contains(t, rows["leo"].Reason, "build/junk")
	assert.Equal(t, class.BadSubmission, rows["mallory"].Status)
	assert.Equal(t, class.BadSubmission, rows["nick"].Status)
	assert.Contains(t, rows["nick"].Reason, "does not apply")

	// Nothing left behind: no process in the class's folder or where its
	// trees were built, work trees gone, logs bounded.
	assert.Empty(t, leftovers(out))
	assert.Empty(t, leftovers(filepath.Join(tmp, "rvemu-class-build")))
	entries, _ := os.ReadDir(filepath.Join(out, "work"))
	assert.Empty(t, entries)
	assert.Less(t, dirBytes(out), int64(64<<20))
	csv, err := os.ReadFile(filepath.Join(out, "gradebook.csv"))
	require.NoError(t, err)
	assert.Equal(t, 13, strings.Count(string(csv), "\n"), "a header and a line per student")

	// Run again: everyone is graded already, nothing runs.
	code, output = runClass(t, rvemu, "-o", out, "--grader-files", ourLabFiles, grader, subs)
	assert.Equal(t, 1, code)
	assert.Contains(t, output, "12 submissions already graded")
	assert.Equal(t, book, readBook(t, out))
}

var clientPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// TestClassBuildCacheGivesTheSameGrades grades the same class with the
// compiler cache off, with an empty cache and with the cache those grades
// filled: every row is the same, the third run's compiles were answered
// from the cache, and what it built is byte for byte what the compiler
// built with no cache (every grade builds in its tree mounted at one
// path, so even the debug information is the same).
func TestClassBuildCacheGivesTheSameGrades(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a class of kernels: run without -short (make test-e2e)")
	}
	root := t.TempDir()
	rvemu := buildRvemuIn(t, root)
	grader := ourLabGrader(t, filepath.Join(root, "grader"))
	subs := filepath.Join(root, "submissions")
	writeTimeFile(t, copyXV6(t, filepath.Join(subs, "alice")))
	copyXV6(t, filepath.Join(subs, "carol"), panicOnSend)
	cache := filepath.Join(root, "ccache")
	grade := func(name, buildCache string) (string, class.Gradebook) {
		out := filepath.Join(root, name)
		code, output := runClass(t, rvemu, "-j", "2", "--keep", "-o", out, "--grader-files", ourLabFiles,
			"--timeout", "10m", "--build-cache", buildCache, grader, subs)
		t.Log(output)
		assert.Equal(t, 0, code)
		return out, readBook(t, out)
	}
	offDir, off := grade("off", "off")
	_, cold := grade("cold", cache)
	// The warm run's own statistics: with -j 2 the cold run's two
	// students compile their shared files at the same time, so how many
	// of those hit there depends on timing.
	require.NoError(t, exec.Command("ccache", "-d", cache, "--zero-stats").Run())
	warmDir, warm := grade("warm", cache)

	rows := rowsByStudent(off)
	assert.Equal(t, 125, rows["alice"].Score)
	assert.Less(t, rows["carol"].Score, 125)
	// The closest console line may name the gdb client's port, which
	// differs from run to run.
	same := func(rows []class.Row) []class.Row {
		rows = normalised(rows)
		for _, r := range rows {
			for i := range r.Tests {
				r.Tests[i].Closest = clientPort.ReplaceAllString(r.Tests[i].Closest, "127.0.0.1:PORT")
			}
		}
		return rows
	}
	assert.Equal(t, same(off.Rows), same(cold.Rows))
	assert.Equal(t, same(off.Rows), same(warm.Rows))
	log, err := os.ReadFile(filepath.Join(warmDir, "logs", "alice.log"))
	require.NoError(t, err)
	assert.Contains(t, string(log), "compiler cache: ccache in "+cache)
	assert.Regexp(t, `each tree mounted at \S*rvemu-class-build`, string(log))

	stats, err := exec.Command("ccache", "-d", cache, "--print-stats").Output()
	require.NoError(t, err)
	count := func(name string) int {
		m := regexp.MustCompile(`(?m)^` + name + `\t(\d+)$`).FindStringSubmatch(string(stats))
		require.NotNil(t, m, "ccache --print-stats has no %s", name)
		n, _ := strconv.Atoi(m[1])
		return n
	}
	// The warm run compiled nothing: every compile was answered from
	// the cache the cold run filled.
	assert.Greater(t, count("direct_cache_hit")+count("preprocessed_cache_hit"), 20)
	assert.Equal(t, 0, count("cache_miss"), "compiles the warm run missed")

	for _, student := range []string{"alice", "carol"} {
		for _, file := range []string{"build/kernel.img", "build/kernel/net/e1000.c.o", "build/user/init.c.o"} {
			want, err := os.ReadFile(filepath.Join(offDir, "work", student, file))
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join(warmDir, "work", student, file))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(want, got), "%s's %s from the cache differs from the compiler's", student, file)
		}
	}
}

// normalised drops what differs between two grades of the same work: the
// times, the memory, where the log is and which machine version ran.
func normalised(rows []class.Row) []class.Row {
	out := make([]class.Row, len(rows))
	for i, r := range rows {
		r.Seconds, r.PeakMiB, r.Log, r.Machine, r.GradedAt = 0, 0, "", "", time.Time{}
		var ts []class.Test
		for _, t := range r.Tests {
			t.Seconds = 0
			ts = append(ts, t)
		}
		r.Tests = ts
		out[i] = r
	}
	return out
}

var slotUID = regexp.MustCompile(`ports: those of uid (\d+)`)

// k8sJob is the part of a Kubernetes Job the test reads.
type k8sJob struct {
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Template       struct {
			Spec struct {
				Containers []struct {
					Command []string `yaml:"command"`
					Env     []struct {
						Name  string `yaml:"name"`
						Value string `yaml:"value"`
					} `yaml:"env"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// jobCommand reads deploy/FILE's container command and environment.
func jobCommand(t *testing.T, file string) (k8sJob, []string, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../deploy", file))
	require.NoError(t, err)
	var j k8sJob
	require.NoError(t, yaml.Unmarshal(b, &j))
	require.Len(t, j.Spec.Template.Spec.Containers, 1)
	c := j.Spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	return j, c.Command, env
}

// runJobCommand runs a pod's command here: its environment with the
// paths moved, rvemu first in PATH.
func runJobCommand(t *testing.T, command []string, env map[string]string, rvemu string) (int, string) {
	t.Helper()
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(rvemu)+string(os.PathListSeparator)+os.Getenv("PATH"))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		require.NoError(t, err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// TestClassShardsMergeToOneGradebook grades a class whole, then as the
// Kubernetes example does (deploy/class-job.yaml, deploy/class-merge-job.yaml):
// the Indexed Job's pod command once per index, all at once (here without
// network namespaces, so each grade on a port set of its own), then the
// merge Job's command. The merged gradebook is the whole one.
func TestClassShardsMergeToOneGradebook(t *testing.T) {
	if testing.Short() {
		t.Skip("grades a class of kernels: run without -short (make test-e2e)")
	}
	job, command, env := jobCommand(t, "class-job.yaml")
	assert.Equal(t, "Indexed", job.Spec.CompletionMode)
	assert.Equal(t, strconv.Itoa(job.Spec.Completions), env["SHARDS"], "SHARDS must equal completions")
	_, mergeCommand, mergeEnv := jobCommand(t, "class-merge-job.yaml")

	root := t.TempDir()
	rvemu := buildRvemuIn(t, root)
	grader := ourLabGrader(t, filepath.Join(root, "grader"))
	subs := filepath.Join(root, "submissions")
	require.NoError(t, os.MkdirAll(subs, 0o755))
	writeTimeFile(t, copyXV6(t, filepath.Join(subs, "alice")))
	amy := copyXV6(t, filepath.Join(root, "amy"))
	writeTarGz(t, amy, "amy", filepath.Join(subs, "amy.tar.gz"))
	copyXV6(t, filepath.Join(subs, "dave"), brokenBuild)
	require.NoError(t, os.WriteFile(filepath.Join(subs, "mallory.txt"), []byte("hello\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(subs, "nick.patch"), []byte("--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-x\n+y\n"), 0o644))
	flags := "--grader-files " + ourLabFiles + " --timeout 10m"

	whole := filepath.Join(root, "whole")
	code, output := runClass(t, rvemu, append(strings.Fields(flags), "-j", "2", "-o", whole, grader, subs)...)
	t.Log(output)
	assert.Equal(t, 1, code)

	// Two pods (SHARDS=2 here), at once, on the same volumes.
	out := filepath.Join(root, "out")
	done := make(chan string, 2)
	for i := 0; i < 2; i++ {
		pod := map[string]string{}
		for k, v := range env {
			pod[k] = v
		}
		pod["SHARDS"], pod["JOB_COMPLETION_INDEX"] = "2", strconv.Itoa(i)
		pod["LAB"], pod["SUBMISSIONS"], pod["OUT"] = grader, subs, out
		pod["CLASS_FLAGS"] = flags + " --isolation ports"
		go func() {
			code, output := runJobCommand(t, command, pod, rvemu)
			done <- fmt.Sprintf("pod %d: status %d\n%s", i, code, output)
		}()
	}
	for i := 0; i < 2; i++ {
		r := <-done
		t.Log(r)
		assert.Contains(t, r, "status 0", "a shard whose students lack a score is still done")
	}
	mergeEnv["OUT"] = out
	code, output = runJobCommand(t, mergeCommand, mergeEnv, rvemu)
	t.Log(output)
	assert.Equal(t, 0, code)

	merged := filepath.Join(out, "gradebook")
	want, got := readBook(t, whole), readBook(t, merged)
	require.Len(t, got.Rows, 5)
	assert.Equal(t, 125, rowsByStudent(want)["alice"].Score)
	assert.Equal(t, 124, rowsByStudent(want)["amy"].Score, "amy has no time.txt")
	assert.Equal(t, want.Tests, got.Tests)
	assert.Equal(t, normalised(want.Rows), normalised(got.Rows))
	for _, r := range got.Rows {
		assert.FileExists(t, filepath.Join(merged, r.Log), "the merged gradebook points at each log")
	}

	// alice and amy were graded at the same time by two processes, each
	// on a port set of its own.
	uid := func(part, student string) string {
		b, err := os.ReadFile(filepath.Join(out, part, "logs", student+".log"))
		require.NoError(t, err)
		m := slotUID.FindStringSubmatch(string(b))
		require.NotNil(t, m, "%s's log names no port set", student)
		return m[1]
	}
	assert.NotEqual(t, uid("shard-0", "alice"), uid("shard-1", "amy"))
}

// gsResults is the part of Gradescope's results.json the test reads.
type gsResults struct {
	Score         *int   `json:"score"`
	ExecutionTime int    `json:"execution_time"`
	Output        string `json:"output"`
	Tests         []struct {
		Name     string `json:"name"`
		Score    *int   `json:"score"`
		MaxScore int    `json:"max_score"`
		Status   string `json:"status"`
		Output   string `json:"output"`
	} `json:"tests"`
}

// TestGradescopeAutograder lays out Gradescope's autograder for our lab
// with gradescope/make-autograder.sh, then runs its run_autograder in a
// folder laid out as Gradescope's /autograder, for a submission that
// passes and one (a zip) that does not build.
func TestGradescopeAutograder(t *testing.T) {
	if testing.Short() {
		t.Skip("grades kernels: run without -short (make test-e2e)")
	}
	root := t.TempDir()
	rvemu := buildRvemuIn(t, root)
	grader := ourLabGrader(t, filepath.Join(root, "grader"))
	ag := filepath.Join(root, "autograder")
	source := filepath.Join(ag, "source")
	cmd := exec.Command("../gradescope/make-autograder.sh", grader, source, "--grader-files", ourLabFiles, "--timeout", "10m")
	cmd.Env = append(os.Environ(), "RVEMU_BINARY="+rvemu)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, f := range []string{"setup.sh", "run_autograder", "rvemu", "class-flags", "lab/grade-lab-net", "lab/gradekit.py"} {
		assert.FileExists(t, filepath.Join(source, f))
	}
	assert.FileExists(t, filepath.Join(ag, "source.zip"))
	require.NoError(t, exec.Command("bash", "-n", filepath.Join(source, "setup.sh")).Run())

	grade := func(t *testing.T, fill func(submission string)) gsResults {
		submission, results := filepath.Join(ag, "submission"), filepath.Join(ag, "results")
		require.NoError(t, os.RemoveAll(submission))
		require.NoError(t, os.RemoveAll(results))
		require.NoError(t, os.MkdirAll(submission, 0o755))
		fill(submission)
		cmd := exec.Command(filepath.Join(source, "run_autograder"))
		cmd.Env = append(os.Environ(), "AUTOGRADER_ROOT="+ag, "RVEMU="+filepath.Join(source, "rvemu"))
		out, err := cmd.CombinedOutput()
		t.Logf("run_autograder:\n%s", lastLines(string(out), 15))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(results, "results.json"))
		require.NoError(t, err)
		var r gsResults
		require.NoError(t, json.Unmarshal(b, &r))
		return r
	}

	t.Run("a tree that passes", func(t *testing.T) {
		r := grade(t, func(sub string) { writeTimeFile(t, copyXV6(t, sub)) })
		require.NotNil(t, r.Score)
		assert.Equal(t, 125, *r.Score)
		assert.Greater(t, r.ExecutionTime, 0)
		require.Len(t, r.Tests, 10)
		for _, tt := range r.Tests {
			assert.Equal(t, "passed", tt.Status, tt.Name)
			require.NotNil(t, tt.Score)
			assert.Equal(t, tt.MaxScore, *tt.Score, tt.Name)
		}
		assert.Equal(t, "nettests: ping", r.Tests[0].Name)
		assert.Equal(t, 40, r.Tests[0].MaxScore)
	})
	t.Run("a zip that does not build", func(t *testing.T) {
		r := grade(t, func(sub string) {
			writeZip(t, copyXV6(t, filepath.Join(root, "broken"), brokenBuild), filepath.Join(sub, "lab.zip"))
		})
		require.NotNil(t, r.Score)
		assert.Equal(t, 0, *r.Score)
		assert.Contains(t, r.Output, "No score: build failed")
		assert.Contains(t, r.Output, "kernel/net/e1000.c")
		require.Len(t, r.Tests, 10)
		for _, tt := range r.Tests {
			assert.Equal(t, "failed", tt.Status, tt.Name)
			assert.Equal(t, "not run", tt.Output, tt.Name)
		}
	})
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}
