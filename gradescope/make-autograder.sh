#!/bin/sh
# make-autograder.sh GRADER OUT [CLASS-FLAGS...]
#
# Lays out Gradescope's autograder for one xv6 lab in the folder OUT, and
# zips it as OUT.zip (upload that): setup.sh and run_autograder from this
# folder, rvemu built for linux/amd64, the lab's grader tree GRADER (a lab
# tree at the starter or solution commit, without .git) as lab/, and the
# class grader's options (rvemu class --help) in class-flags.
#   RVEMU_BINARY=path  copy that rvemu instead of building one
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 GRADER OUT [CLASS-FLAGS...]" >&2
	exit 2
fi
grader=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$grader/Makefile" ] && ls "$grader"/grade-lab-* >/dev/null 2>&1 || {
	echo "$0: $grader is not a lab tree (no Makefile and grade-lab-* script)" >&2
	exit 2
}
rm -rf "$out"
mkdir -p "$out/lab"
cp "$here/setup.sh" "$here/run_autograder" "$out/"
chmod 0755 "$out/setup.sh" "$out/run_autograder"
if [ -n "${RVEMU_BINARY:-}" ]; then
	cp "$RVEMU_BINARY" "$out/rvemu"
else
	(cd "$here/.." && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -buildvcs=auto -o "$out/rvemu" ./cmd/rvemu)
fi
# The grader tree, without its history or build outputs.
(cd "$grader" && tar -cf - --exclude=.git --exclude='*.o' --exclude='*.d' --exclude=fs.img .) | (cd "$out/lab" && tar -xf -)
echo "$*" >"$out/class-flags"
(cd "$out" && rm -f "../$(basename "$out").zip" &&
	python3 -m zipfile -c "../$(basename "$out").zip" setup.sh run_autograder rvemu class-flags lab)
echo "$out.zip: upload it as the assignment's autograder"
