// The build of mkfs (Go, standard library only) in a copy of xv6 outside
// the rvemu module: a test fixture of the class grader.
module rvemu.test/ourlab

go 1.22
