// Package xv6lab knows xv6 lab trees as their own `make grade` sees them:
// which lab a tree is, how to build it with today's compiler, and what
// MIT's gradelib printed (each test's outcome, its time and its failure
// message, and the final score). The lab harness (labs/) and the class
// grader (class/) both drive trees through it.
package xv6lab
