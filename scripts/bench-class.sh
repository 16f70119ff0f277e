#!/bin/sh
# bench-class.sh GRADER SUBMISSIONS [ROUNDS] [CLASS-FLAGS...]
#
# Class-grading throughput, rvemu against QEMU driven by the same grader:
# `rvemu class --regrade` on the same submissions with --machine rvemu and
# --machine qemu, alternating which goes first, ROUNDS times (default 2).
# Prints one line per run (wall time, submissions per hour, the host's load
# average when it started) and the medians and their ratio. The gradebooks
# stay in $BENCH_OUT (default /tmp/rvemu-bench-class) for comparing
# verdicts. A benchmark, not a test: the host is shared, so quote the load.
#   RVEMU=bin/rvemu  the rvemu to run (it plays qemu-system-riscv64 too)
#
# The compiler cache (rvemu class --build-cache) is warmed once, untimed,
# by grading the grader tree itself; every timed run then starts from its
# own copy of that warm cache, so both machines grade from the same cache
# state (the files a student changed miss, the rest hit, as in a class's
# run). CLASS-FLAGS with --build-cache off: no cache at all.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 GRADER SUBMISSIONS [ROUNDS] [CLASS-FLAGS...]" >&2
	exit 2
fi
grader=$1 subs=$2
rounds=${3:-2}
[ $# -ge 3 ] && shift 3 || shift 2
extra="$*" # more options of rvemu class, split on spaces
rvemu=${RVEMU:-bin/rvemu}
out=${BENCH_OUT:-/tmp/rvemu-bench-class}
mkdir -p "$out"
n=$(find "$subs" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
results="$out/runs.txt"
: >"$results"
cache=""
case " $extra " in
*" --build-cache off "*) ;;
*) command -v ccache >/dev/null 2>&1 && cache="$out/ccache-warm" ;;
esac

run() { # machine round
	dir="$out/$1-$2"
	cacheflag=""
	if [ -n "$cache" ]; then
		rm -rf "$out/ccache-run"
		cp -a "$cache" "$out/ccache-run"
		ccache -d "$out/ccache-run" -z >/dev/null
		cacheflag="--build-cache $out/ccache-run"
	fi
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	start=$(date +%s.%N)
	status=0
	# shellcheck disable=SC2086
	"$rvemu" class -q --regrade --machine "$1" -o "$dir" $cacheflag $extra "$grader" "$subs" || status=$?
	end=$(date +%s.%N)
	awk -v m="$1" -v r="$2" -v n="$n" -v s="$start" -v e="$end" -v st="$status" -v l="$load" 'BEGIN {
		w = e - s; printf "%s round %d: %d submissions in %.0f s = %.1f per hour (status %d; load %s)\n", m, r, n, w, n * 3600 / w, st, l }' |
		tee -a "$results"
	echo "$1 $(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" >>"$out/walls.txt"
	# Each grade's log says how it was isolated: "namespaces" is a network
	# namespace holding only lo (checked by the sandbox before make ran).
	echo "  isolation: $(grep -l '^limits: .*; namespaces$' "$dir"/logs/*.log | wc -l) of $n grades in a network namespace of their own (only lo)" | tee -a "$results"
	if [ -n "$cache" ]; then
		ccache -d "$out/ccache-run" --print-stats | awk '
			/^(direct|preprocessed)_cache_hit\t/ { hit += $2 } /^cache_miss\t/ { miss = $2 }
			END { printf "  compiler cache: %d hits, %d misses\n", hit, miss }' | tee -a "$results"
	fi
	# Each student's score, to see the two machines' verdicts side by side.
	python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))
print("  scores:", " ".join("%s=%s/%s%s" % (r["student"], r.get("score", 0), r.get("possible", 0),
    "" if r["status"] == "graded" else "(" + r["status"] + ")") for r in b["students"]))' "$dir/gradebook.json" | tee -a "$results" || true
}

: >"$out/walls.txt"
echo "host: $(nproc) cores; $(uptime)" | tee -a "$results"
echo "grader $grader; $n submissions in $subs; $("$rvemu" version 2>/dev/null | head -1); $(qemu-system-riscv64 --version | head -1)" | tee -a "$results"
if [ -n "$cache" ]; then
	# Warm the cache once, untimed: the grader tree graded as the only
	# student (its compiles are what every submission shares).
	rm -rf "$cache" "$out/warm" "$out/warm-class"
	mkdir -p "$out/warm-class"
	ln -s "$(cd "$grader" && pwd)" "$out/warm-class/grader-tree"
	# shellcheck disable=SC2086
	"$rvemu" class -q --regrade --machine rvemu -o "$out/warm" --build-cache "$cache" $extra "$grader" "$out/warm-class" || true
	echo "compiler cache: $(ccache --version | head -1), warmed once (untimed) by grading the grader tree: $(ccache -d "$cache" --print-stats | awk '/^files_in_cache\t/ { print $2 }') files; each timed run starts from its own copy of it, the same state for both machines" | tee -a "$results"
else
	echo "compiler cache: off" | tee -a "$results"
fi
r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) -eq 1 ]; then
		run rvemu "$r" "$@"
		run qemu "$r" "$@"
	else
		run qemu "$r" "$@"
		run rvemu "$r" "$@"
	fi
	r=$((r + 1))
done

median() {
	grep "^$1 " "$out/walls.txt" | cut -d' ' -f2 | sort -n | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}
awk -v r="$(median rvemu)" -v q="$(median qemu)" -v n="$n" 'BEGIN {
	printf "median: rvemu %.0f s (%.1f per hour), QEMU %.0f s (%.1f per hour): rvemu grades %.2fx as many per hour\n", r, n * 3600 / r, q, n * 3600 / q, q / r }' |
	tee -a "$results"
echo "host at the end: $(uptime)" | tee -a "$results"
