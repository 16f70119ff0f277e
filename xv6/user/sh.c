// The shell. A line is jobs separated by ';' (run in turn) or '&' (run in
// the background); a job is commands joined by '|'; a command is words
// with optional '< file' and '> file'. Built-in: cd.
#include "user.h"

#define MAXTOK 64
#define MAXLINE 256

static char line[MAXLINE];
static char *tok[MAXTOK + 1];  // words, or one-character operators
static int optok[MAXTOK + 1];  // 1 where tok[i] is an operator
static int ntok;

__attribute__((noreturn)) static void die(const char *msg) {
  fprintf(2, "sh: %s\n", msg);
  exit(1);
}

static int fork_or_die(void) {
  int pid = fork();
  if (pid < 0)
    die("fork failed");
  return pid;
}

// Split line into tokens in place. Operators may touch words ("a>f").
static int tokenize(char *s) {
  static char ops[MAXTOK][2];
  ntok = 0;
  while (*s) {
    if (strchr(" \t\r\n", *s)) {
      *s++ = 0;
      continue;
    }
    if (ntok == MAXTOK)
      return -1;
    if (strchr("<>|;&", *s)) {
      ops[ntok][0] = *s;
      ops[ntok][1] = 0;
      optok[ntok] = 1;
      tok[ntok] = ops[ntok];
      ntok++;
      *s++ = 0;
      continue;
    }
    optok[ntok] = 0;
    tok[ntok++] = s;
    while (*s && !strchr(" \t\r\n<>|;&", *s))
      s++;
  }
  tok[ntok] = 0;
  return 0;
}

static int is_op(int i, char c) {
  return optok[i] && tok[i][0] == c;
}

// Replace fd with path opened in mode.
static void redirect(int fd, char *path, int mode) {
  close(fd);
  if (open(path, mode) != fd)
    die("cannot open redirect file");
}

// Run tokens [from, to) as one simple command. Does not return.
__attribute__((noreturn)) static void run_command(int from, int to) {
  char *argv[MAXTOK + 1];
  int argc = 0;
  for (int i = from; i < to; i++) {
    if (is_op(i, '<') || is_op(i, '>')) {
      if (i + 1 >= to || optok[i + 1])
        die("missing file for redirection");
      if (tok[i][0] == '<')
        redirect(0, tok[i + 1], O_RDONLY);
      else
        redirect(1, tok[i + 1], O_WRONLY | O_CREATE | O_TRUNC);
      i++;
      continue;
    }
    argv[argc++] = tok[i];
  }
  argv[argc] = 0;
  if (argc == 0)
    exit(0);
  exec(argv[0], argv);
  if (argv[0][0] != '/') {  // programs live in the root directory
    char path[64] = "/";
    if (strlen(argv[0]) < sizeof(path) - 1) {
      strcpy(path + 1, argv[0]);
      exec(path, argv);
    }
  }
  fprintf(2, "sh: exec %s failed\n", argv[0]);
  exit(1);
}

// Run tokens [from, to) as a pipeline. Does not return.
__attribute__((noreturn)) static void run_pipeline(int from, int to) {
  int bar = from;
  while (bar < to && !is_op(bar, '|'))
    bar++;
  if (bar == to)
    run_command(from, to);
  int fds[2];
  if (pipe(fds) < 0)
    die("pipe failed");
  int left = fork_or_die();
  if (left == 0) {
    close(1);
    dup(fds[1]);
    close(fds[0]);
    close(fds[1]);
    run_command(from, bar);
  }
  int right = fork_or_die();
  if (right == 0) {
    close(0);
    dup(fds[0]);
    close(fds[0]);
    close(fds[1]);
    run_pipeline(bar + 1, to);
  }
  close(fds[0]);
  close(fds[1]);
  wait(0);
  wait(0);
  exit(0);
}

// Run tokens [from, to) as a job; wait for it unless background.
static void run_job(int from, int to, int background) {
  if (from == to)
    return;
  if (strcmp(tok[from], "cd") == 0) {
    if (to - from != 2 || chdir(tok[from + 1]) < 0)
      fprintf(2, "sh: cannot cd %s\n", to - from > 1 ? tok[from + 1] : "");
    return;
  }
  int pid = fork_or_die();
  if (pid == 0)
    run_pipeline(from, to);
  if (background) {
    printf("[%d]\n", pid);
    return;
  }
  // Background children may finish first; keep waiting for this one.
  int w;
  while ((w = wait(0)) >= 0 && w != pid)
    ;
}

int main(void) {
  // Make sure fds 0-2 are the console, whatever we inherited.
  int fd;
  while ((fd = open("console", O_RDWR)) >= 0) {
    if (fd >= 3) {
      close(fd);
      break;
    }
  }
  for (;;) {
    fprintf(2, "$ ");
    memset(line, 0, sizeof(line));
    gets(line, sizeof(line));
    if (line[0] == 0)
      exit(0);  // end of input
    if (tokenize(line) < 0) {
      fprintf(2, "sh: too many words\n");
      continue;
    }
    int start = 0;
    for (int i = 0; i <= ntok; i++) {
      if (i == ntok || is_op(i, ';') || is_op(i, '&')) {
        run_job(start, i, i < ntok && is_op(i, '&'));
        start = i + 1;
      }
    }
  }
}
