package sandbox

import (
	"os"
	"strconv"
	"strings"
)

// sampleTree sums the resident memory (bytes) and counts the processes of
// the tree rooted at root, from /proc. The watchdog uses it where no
// cgroup could be made; it also gives the peak when one was.
func sampleTree(root int) (mem int64, procs int) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, 0
	}
	children := map[int][]int{}
	rss := map[int]int64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, pages, ok := readStat(pid)
		if !ok {
			continue
		}
		children[ppid] = append(children[ppid], pid)
		rss[pid] = pages
	}
	page := int64(os.Getpagesize())
	queue := []int{root}
	seen := map[int]bool{root: true}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		mem += rss[p] * page
		procs++
		for _, c := range children[p] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	return mem, procs
}

// readStat reads a process's parent and resident pages from /proc/PID/stat
// (the command name, in parentheses, may hold spaces).
func readStat(pid int) (ppid int, rssPages int64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is the state, f[1] ppid, ... f[21] rss (field 24 of stat).
	if len(f) < 22 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	rssPages, _ = strconv.ParseInt(f[21], 10, 64)
	return ppid, rssPages, true
}
