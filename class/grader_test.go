package class

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rvemu/rvemu/sandbox"
)

func TestMain(m *testing.M) {
	sandbox.RunInitIfAsked()
	os.Exit(m.Run())
}

// A lab without a kernel: its grade script (in gradelib's report format,
// written for this test) reads answer.txt; broken.c stops the "build". It
// prints the uid the ports would come from, as the Makefile's `id -u` and
// Python see it.
var fakeLab = map[string]string{
	"Makefile": "grade:\n\t@echo make clean\n\t@echo make uid `id -u`\n\t./grade-lab-fake $(GRADEFLAGS)\n",
	"grade-lab-fake": `#!/usr/bin/env python3
import os, sys
TESTS = []
def test(points, title):
    def register(fn):
        TESTS.append((points, title, fn))
        return fn
    return register

@test(10, "answer")
def test_answer():
    if open("answer.txt").read().strip() != "42":
        raise AssertionError("...\n     the answer is " + open("answer.txt").read().strip() + "\nMISSING '^42$'")

@test(1, "time")
def test_time():
    if not os.path.exists("time.txt"):
        raise AssertionError("Cannot read time.txt")

print("python uid", os.getuid())
if os.path.exists("broken.c"):
    print("broken.c:1:5: error: expected ';' before '}' token")
    sys.exit(2)
score = 0
for points, title, fn in TESTS:
    print("== Test %s == " % title, end="")
    try:
        fn()
        print("%s: OK" % title)
        score += points
    except AssertionError as e:
        print("%s: FAIL" % title)
        print("    " + str(e).replace("\n", "\n    "))
print("Score: %d/%d" % (score, sum(p for p, _, _ in TESTS)))
`,
}

func fakeClass(t *testing.T) (grader, subs, rvemu string) {
	t.Helper()
	root := t.TempDir()
	grader = filepath.Join(root, "grader")
	writeFiles(t, grader, fakeLab)
	require.NoError(t, os.Chmod(filepath.Join(grader, "grade-lab-fake"), 0o755))
	subs = filepath.Join(root, "subs")
	tree := func(name string, files map[string]string) {
		all := map[string]string{"Makefile": fakeLab["Makefile"]} // the student's own Makefile
		for k, v := range files {
			all[k] = v
		}
		writeFiles(t, filepath.Join(subs, name), all)
	}
	tree("alice", map[string]string{"answer.txt": "42\n", "time.txt": "3\n"})
	tree("bob", map[string]string{"answer.txt": "41\n", "grade-lab-fake": "#!/bin/sh\necho Score: 11/11\n"})
	tree("carol", map[string]string{"answer.txt": "42\n", "broken.c": "int x\n"})
	writeFiles(t, subs, map[string]string{"erin.docx": "my lab"})
	// What plays qemu-system-riscv64 (never run by this lab).
	rvemu = filepath.Join(root, "rvemu")
	require.NoError(t, os.WriteFile(rvemu, []byte("#!/bin/sh\necho 'QEMU emulator version 7.2.0 (rvemu test)'\n"), 0o755))
	return grader, subs, rvemu
}

func TestGradeAClass(t *testing.T) {
	grader, subs, rvemu := fakeClass(t)
	for _, iso := range []string{"namespaces", "ports"} {
		t.Run(iso, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			o := Options{Grader: grader, Submissions: subs, Out: out, Jobs: 2, Machine: "rvemu", Rvemu: rvemu,
				GraderFiles: DefaultGraderFiles, Shards: 1, Isolation: iso,
				Limits: sandbox.Limits{Wall: 2 * time.Minute, Memory: 1 << 30, Procs: 200, FileSize: 1 << 30}}
			sum, err := Grade(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, 4, sum.Graded)
			assert.Equal(t, 2, sum.NoScore)
			rows := map[string]Row{}
			for _, r := range sum.Gradebook.Rows {
				rows[r.Student] = r
			}
			assert.Equal(t, []TestSpec{{"answer", 10}, {"time", 1}}, sum.Gradebook.Tests)

			assert.Equal(t, Graded, rows["alice"].Status)
			assert.Equal(t, 11, rows["alice"].Score)
			// bob's own grade script (always 11/11) was replaced by the grader's.
			assert.Equal(t, Graded, rows["bob"].Status)
			assert.Equal(t, 0, rows["bob"].Score)
			assert.Equal(t, []Test{
				{Title: "answer", Max: 10, Ran: true, Why: "MISSING '^42$'", Closest: ""},
				{Title: "time", Max: 1, Ran: true, Why: "Cannot read time.txt"},
			}, rows["bob"].Tests)
			assert.Equal(t, BuildFailed, rows["carol"].Status)
			assert.Equal(t, "broken.c:1:5: error: expected ';' before '}' token", rows["carol"].Reason)
			assert.Equal(t, BadSubmission, rows["erin"].Status)
			assert.Equal(t, "erin.docx", rows["erin"].Submission)

			// The grade saw the uid of its port set (or, in a namespace,
			// root's).
			log, err := os.ReadFile(filepath.Join(out, rows["alice"].Log))
			require.NoError(t, err)
			uid := "0"
			if iso == "ports" {
				m := slotUID.FindStringSubmatch(string(log))
				require.NotNil(t, m, "%s", log)
				uid = m[1]
				n, _ := strconv.Atoi(uid)
				assert.True(t, n >= portBase && n < portBase+slotCount, uid)
			}
			assert.Contains(t, string(log), "make uid "+uid+"\n")
			assert.Contains(t, string(log), "python uid "+uid+"\n")

			// Resumed: nothing is graded again.
			var progress bytes.Buffer
			o.Progress = &progress
			again, err := Grade(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, 0, again.Graded)
			assert.Equal(t, 4, again.Skipped)
			assert.Equal(t, sum.Gradebook, again.Gradebook)
			assert.Contains(t, progress.String(), "4 submissions already graded")
		})
	}
}

func TestShardsSplitTheClass(t *testing.T) {
	grader, subs, rvemu := fakeClass(t)
	var students []string
	for i := 0; i < 3; i++ {
		out := filepath.Join(t.TempDir(), "out")
		sum, err := Grade(context.Background(), Options{Grader: grader, Submissions: subs, Out: out, Jobs: 1,
			Machine: "rvemu", Rvemu: rvemu, GraderFiles: DefaultGraderFiles, Shard: i, Shards: 3,
			Tests: "time", Limits: sandbox.Limits{Wall: 2 * time.Minute}})
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(i)+"/3", sum.Gradebook.Shard)
		for _, r := range sum.Gradebook.Rows {
			students = append(students, r.Student)
		}
	}
	assert.ElementsMatch(t, []string{"alice", "bob", "carol", "erin"}, students)
}

// A grade that does not end is ended at the time limit, with everything
// it started.
func TestTimeLimit(t *testing.T) {
	grader, _, rvemu := fakeClass(t)
	subs := t.TempDir()
	writeFiles(t, filepath.Join(subs, "dave"), map[string]string{"Makefile": "grade:\n\tsleep 600\n"})
	start := time.Now()
	sum, err := Grade(context.Background(), Options{Grader: grader, Submissions: subs, Out: t.TempDir(), Jobs: 1,
		Machine: "rvemu", Rvemu: rvemu, GraderFiles: DefaultGraderFiles, Shards: 1,
		Limits: sandbox.Limits{Wall: time.Second}})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 20*time.Second)
	require.Len(t, sum.Gradebook.Rows, 1)
	assert.Equal(t, TimeLimit, sum.Gradebook.Rows[0].Status)
	assert.Equal(t, "time limit", sum.Gradebook.Rows[0].Reason)
}

func TestGraderTreeChecked(t *testing.T) {
	_, subs, rvemu := fakeClass(t)
	_, err := Grade(context.Background(), Options{Grader: t.TempDir(), Submissions: subs, Out: t.TempDir(), Shards: 1, Rvemu: rvemu})
	assert.ErrorContains(t, err, "not a lab grader tree")
	grader := t.TempDir()
	writeFiles(t, grader, map[string]string{"Makefile": "", "grade-lab-x": "print('no tests')\n"})
	_, err = Grade(context.Background(), Options{Grader: grader, Submissions: subs, Out: t.TempDir(), Shards: 1, Rvemu: rvemu})
	assert.ErrorContains(t, err, "declares no @test")
	assert.True(t, strings.HasPrefix(err.Error(), grader))
}

var slotUID = regexp.MustCompile(`ports: those of uid (\d+)`)
