module github.com/rvemu/rvemu

go 1.26
