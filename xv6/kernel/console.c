// The console device (major CONSOLE): line editing on input, UART output.
// Editing keys: backspace/DEL erase a character, ^U erases the line,
// ^D ends input (read returns 0 on an empty line).
#include "defs.h"

#define CTRL(x) ((x) - '@')
#define INPUT_BUF 128

static struct {
  struct spinlock lock;
  char buf[INPUT_BUF];
  uint r;  // next byte read()
  uint w;  // end of the committed lines
  uint e;  // end of the line being edited
} cons;

void consputc(int c) {
  uartputc(c);
}

static void erase_one(void) {
  cons.e--;
  consputc('\b');
  consputc(' ');
  consputc('\b');
}

// Called by the UART interrupt for every received byte.
void consoleintr(int c) {
  acquire(&cons.lock);
  switch (c) {
  case CTRL('U'):
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % INPUT_BUF] != '\n')
      erase_one();
    break;
  case '\b':
  case 0x7f:
    if (cons.e != cons.w)
      erase_one();
    break;
  default:
    if (c == 0 || cons.e - cons.r >= INPUT_BUF)
      break;
    if (c == '\r')
      c = '\n';
    if (c != CTRL('D'))
      consputc(c);
    cons.buf[cons.e++ % INPUT_BUF] = c;
    if (c == '\n' || c == CTRL('D') || cons.e - cons.r == INPUT_BUF) {
      cons.w = cons.e;
      wakeup(&cons.r);
    }
  }
  release(&cons.lock);
}

// Read up to one line.
static int consoleread(int user_dst, uint64 dst, int n) {
  int want = n;
  acquire(&cons.lock);
  while (n > 0) {
    while (cons.r == cons.w) {
      if (killed(myproc())) {
        release(&cons.lock);
        return -1;
      }
      sleep(&cons.r, &cons.lock);
    }
    char c = cons.buf[cons.r++ % INPUT_BUF];
    if (c == CTRL('D')) {
      if (n < want)
        cons.r--;  // return what we have; the next read sees end of file
      break;
    }
    if (either_copyout(user_dst, dst, &c, 1) < 0)
      break;
    dst++;
    n--;
    if (c == '\n')
      break;
  }
  release(&cons.lock);
  return want - n;
}

static int consolewrite(int user_src, uint64 src, int n) {
  int i;
  for (i = 0; i < n; i++) {
    char c;
    if (either_copyin(&c, user_src, src + i, 1) < 0)
      break;
    consputc(c);
  }
  return i;
}

void consoleinit(void) {
  initlock(&cons.lock, "cons");
  uartinit();
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
}
