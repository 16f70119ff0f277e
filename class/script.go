package class

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// A lab's grade script (grade-lab-LAB) declares each test with gradelib's
// decorator, `@test(POINTS, "TITLE", parent=FUNC)` on the line before
// `def FUNC():` (every script of the 2019-2025 courses does). gradelib
// prints titles and outcomes but not points, so the gradebook takes each
// test's points from the script of the grader tree.

// scriptTest is one declared test.
type scriptTest struct {
	Title  string // as gradelib prints it, trimmed
	Points int
	Func   string // the Python function (gradelib's saved transcripts are named after it)
	Parent string // the parent test's function, "" if none
	// Expect are the patterns the function's body matches the console
	// with (r.match, assert_lines_match): what the test wants to see.
	Expect []string
}

var (
	testDecorator = regexp.MustCompile(`^\s*@test\(\s*(\d+)\s*(?:,\s*(?:title\s*=\s*)?(?:"([^"]*)"|'([^']*)'))?\s*(?:,\s*parent\s*=\s*(\w+))?\s*\)`)
	defLine       = regexp.MustCompile(`^\s*def\s+(\w+)\s*\(`)
	matchCall     = regexp.MustCompile(`\b(?:r\.match|assert_lines_match)\((.*)`)
	pyString      = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`)
)

// readScript reads the tests a grade script declares, in order.
func readScript(path string) ([]scriptTest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseScript(b), nil
}

func parseScript(b []byte) []scriptTest {
	var tests []scriptTest
	var pending *scriptTest
	body := -1 // index in tests of the function whose body is being read
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			body = -1 // back at the top level
		}
		if m := matchCall.FindStringSubmatch(line); m != nil && body >= 0 {
			args, _, _ := strings.Cut(m[1], "no=") // what must not appear is not expected
			for _, s := range pyString.FindAllStringSubmatch(args, -1) {
				tests[body].Expect = append(tests[body].Expect, s[1]+s[2])
			}
			continue
		}
		if m := testDecorator.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			pending = &scriptTest{Points: n, Title: strings.TrimSpace(m[2] + m[3]), Parent: m[4]}
			continue
		}
		if m := defLine.FindStringSubmatch(line); m != nil && pending != nil {
			pending.Func = m[1]
			if pending.Title == "" { // gradelib: the function's name without test_, _ as spaces
				pending.Title = strings.ReplaceAll(strings.TrimPrefix(m[1], "test_"), "_", " ")
			}
			tests = append(tests, *pending)
			pending = nil
			body = len(tests) - 1
		}
	}
	return tests
}

// gradeScript finds the grader tree's grade-lab-LAB script.
func gradeScript(tree, lab string) string {
	p := filepath.Join(tree, "grade-lab-"+lab)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if m, _ := filepath.Glob(filepath.Join(tree, "grade-lab-*")); len(m) == 1 {
		return m[0]
	}
	return ""
}
