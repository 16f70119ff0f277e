// The first process: set up the console as fds 0-2, then keep a shell running.
#include "user.h"

#define CONSOLE_MAJOR 1

int main(void) {
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE_MAJOR, 0);
    open("console", O_RDWR);
  }
  dup(0);  // stdout
  dup(0);  // stderr

  for (;;) {
    printf("init: starting sh\n");
    int pid = fork();
    if (pid < 0) {
      printf("init: fork failed\n");
      exit(1);
    }
    if (pid == 0) {
      char *argv[] = {"sh", 0};
      exec("sh", argv);
      printf("init: exec sh failed\n");
      exit(1);
    }
    // Reap orphans too, until the shell itself exits.
    for (;;) {
      int w = wait(0);
      if (w == pid)
        break;
      if (w < 0) {
        printf("init: wait failed\n");
        exit(1);
      }
    }
  }
}
