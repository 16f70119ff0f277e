// stress: soak and benchmark the kernel. One line per part, then
// "stress: all OK" if every part passed. Parts: mem, fork, exec, sched,
// pipe, file.
// Each line ends with the clock ticks (100 ms) the part took.
//
//   stress          every part, then the summary line
//   stress PART...  only the parts named (`make bench` times one at a time),
//                   no summary line; exit status 1 if one failed
#include "user.h"

#define PAGE 4096

static int failed;

static void report(const char *part, int ok, int count, const char *unit, int start) {
  printf("stress %s: %s %d %s %d ticks\n", part, ok ? "OK" : "FAIL", count, unit, uptime() - start);
  if (!ok)
    failed = 1;
}

// Grow by pages until sbrk fails, touch each, give them back. Returns pages.
static int fill_memory(void) {
  char *base = sbrk(0);
  int pages = 0;
  while (sbrk(PAGE) != (char *)-1) {
    base[(long)pages * PAGE] = 1;  // touch the new page
    base[(long)pages * PAGE + PAGE - 1] = 1;
    pages++;
  }
  sbrk(-pages * PAGE);
  return pages;
}

static void stress_mem(void) {
  int start = uptime();
  int first = fill_memory();
  int second = fill_memory();
  // Everything given back the first time must be there the second time.
  report("mem", first > 1000 && first == second, first, "pages", start);
}

static void stress_fork(void) {
  int start = uptime(), ok = 1, n = 200;
  for (int i = 0; i < n && ok; i++) {
    int pid = fork();
    if (pid < 0) {
      ok = 0;
      break;
    }
    if (pid == 0)
      exit(i % 7);
    int status = -1;
    ok = wait(&status) == pid && status == i % 7;
  }
  report("fork", ok, n, "procs", start);
}

static void stress_exec(char *self) {
  int start = uptime(), ok = 1, n = 50;
  for (int i = 0; i < n && ok; i++) {
    int pid = fork();
    if (pid < 0) {
      ok = 0;
      break;
    }
    if (pid == 0) {
      char *argv[] = {self, "exit42", 0};
      exec(self, argv);
      exit(1);
    }
    int status = -1;
    ok = wait(&status) == pid && status == 42;
  }
  report("exec", ok, n, "execs", start);
}

// More CPU-bound processes than harts, all spinning until the same
// deadline: each gets CPU time only if the timer preempts the others.
static void stress_sched(void) {
  int start = uptime(), n = 6, ok = 1;
  int deadline = start + 5;
  int fds[2];
  if (pipe(fds) < 0) {
    report("sched", 0, 0, "procs", start);
    return;
  }
  for (int i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0) {
      ok = 0;
      break;
    }
    if (pid == 0) {
      int spins = 0;
      while (uptime() < deadline)
        for (volatile int k = 0; k < 1000; k++)
          spins++;
      write(fds[1], &spins, sizeof(spins));
      exit(0);
    }
  }
  close(fds[1]);
  int spins, got = 0;
  while (read(fds[0], &spins, sizeof(spins)) == sizeof(spins)) {
    ok = ok && spins > 0;
    got++;
  }
  close(fds[0]);
  while (wait(0) >= 0)
    ;
  report("sched", ok && got == n, got, "procs", start);
}

static void stress_pipe(void) {
  static char buf[2048];
  int start = uptime(), total = 4 << 20, ok = 1;
  int fds[2];
  if (pipe(fds) < 0) {
    report("pipe", 0, 0, "bytes", start);
    return;
  }
  int pid = fork();
  if (pid == 0) {
    close(fds[0]);
    for (int sent = 0; sent < total; sent += sizeof(buf)) {
      for (int i = 0; i < sizeof(buf); i++)
        buf[i] = (sent + i) * 7;
      if (write(fds[1], buf, sizeof(buf)) != sizeof(buf))
        exit(1);
    }
    exit(0);
  }
  close(fds[1]);
  int got = 0, n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
    for (int i = 0; i < n; i++)
      if (buf[i] != (char)((got + i) * 7))
        ok = 0;
    got += n;
  }
  close(fds[0]);
  int status = -1;
  wait(&status);
  report("pipe", ok && got == total && status == 0, got, "bytes", start);
}

static void stress_file(void) {
  static char buf[1024];
  const char *name = "stress.tmp";
  int start = uptime(), total = 200 * 1024, ok = 1;
  int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    ok = 0;
  for (int off = 0; ok && off < total; off += sizeof(buf)) {
    for (int i = 0; i < sizeof(buf); i++)
      buf[i] = (off + i) % 251;
    ok = write(fd, buf, sizeof(buf)) == sizeof(buf);
  }
  close(fd);
  int got = 0;
  fd = open(name, O_RDONLY);
  int n;
  while (ok && (n = read(fd, buf, sizeof(buf))) > 0) {
    for (int i = 0; i < n; i++)
      if (buf[i] != (char)((got + i) % 251))
        ok = 0;
    got += n;
  }
  close(fd);
  struct stat st;
  ok = ok && got == total && stat(name, &st) == 0 && st.size == total;
  ok = ok && unlink(name) == 0 && open(name, O_RDONLY) < 0;
  report("file", ok, got, "bytes", start);
}

static char *self;
static void run_exec(void) { stress_exec(self); }

static const struct {
  const char *name;
  void (*run)(void);
} parts[] = {
    {"mem", stress_mem},   {"fork", stress_fork}, {"exec", run_exec},
    {"sched", stress_sched}, {"pipe", stress_pipe}, {"file", stress_file},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

// run_named runs the parts named on the command line, in the given order.
static int run_named(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    int found = 0;
    for (int p = 0; p < NPARTS; p++) {
      if (strcmp(argv[i], parts[p].name) == 0) {
        parts[p].run();
        found = 1;
      }
    }
    if (!found) {
      fprintf(2, "usage: stress [mem|fork|exec|sched|pipe|file]...\n");
      return 2;
    }
  }
  return failed;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "exit42") == 0)
    exit(42);  // the exec storm's child
  self = argv[0];
  if (argc > 1)
    exit(run_named(argc, argv));
  stress_mem();
  stress_fork();
  stress_exec(argv[0]);
  stress_sched();
  stress_pipe();
  stress_file();
  if (failed) {
    printf("stress: FAILED\n");
    return 1;
  }
  printf("stress: all OK\n");
  return 0;
}
