// NS16550A UART driver. Output polls the transmitter (emulated UARTs are
// always ready); input arrives by interrupt and goes to the console.
#include "defs.h"
#include "memlayout.h"

#define REG(r) ((volatile uint8 *)(UART0 + (r)))
#define RHR 0  // receive holding (read)
#define THR 0  // transmit holding (write)
#define IER 1  // interrupt enable
#define FCR 2  // FIFO control
#define LCR 3  // line control
#define LSR 5  // line status
#define LCR_DLAB 0x80
#define LSR_RX_READY 0x01
#define LSR_TX_IDLE 0x20

void uartinit(void) {
  *REG(IER) = 0;
  *REG(LCR) = LCR_DLAB;
  *REG(0) = 3;  // divisor 3: 38400 baud
  *REG(1) = 0;
  *REG(LCR) = 3;     // 8 data bits, no parity, one stop bit
  *REG(FCR) = 0x07;  // enable and clear both FIFOs
  *REG(IER) = 0x01;  // interrupt on received data
}

void uartputc(int c) {
  while ((*REG(LSR) & LSR_TX_IDLE) == 0)
    ;
  *REG(THR) = c;
}

// Drain the receive FIFO into the console.
void uartintr(void) {
  while (*REG(LSR) & LSR_RX_READY)
    consoleintr(*REG(RHR));
}
