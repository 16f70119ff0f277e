// repeat N PROG [ARGS...]: run PROG N times, one after the other, and count
// the runs that exited with a status other than 0. For soak runs: one
// command line keeps a test going for hours without a host typing at it.
// The last line is "repeat: N runs of PROG, F failed" (F > 0: status 1).
#include "user.h"

int main(int argc, char **argv) {
  if (argc < 3 || atoi(argv[1]) <= 0) {
    fprintf(2, "usage: repeat N PROG [ARGS...]\n");
    return 2;
  }
  int runs = atoi(argv[1]), failed = 0;
  for (int i = 1; i <= runs; i++) {
    int pid = fork();
    if (pid < 0) {
      fprintf(2, "repeat: fork failed at run %d\n", i);
      failed += runs - i + 1;
      break;
    }
    if (pid == 0) {
      exec(argv[2], argv + 2);
      fprintf(2, "repeat: exec %s failed\n", argv[2]);
      exit(127);
    }
    int status = -1;
    if (wait(&status) != pid || status != 0) {
      printf("repeat: run %d of %s failed (status %d)\n", i, argv[2], status);
      failed++;
    }
  }
  printf("repeat: %d runs of %s, %d failed\n", runs, argv[2], failed);
  return failed > 0;
}
