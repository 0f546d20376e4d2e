/* The physical PL011 console UART. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdint.h>

void pl011_init(uint64_t pa);
void pl011_enable_rx_irq(void);
void pl011_irq(uint32_t intid);

#endif
