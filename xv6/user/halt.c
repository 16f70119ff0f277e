#include "user.h"

// halt: power the board off.
int main(void) {
  shutdown(0);
  fprintf(2, "halt: the board has no test device\n");
  return 1;
}
