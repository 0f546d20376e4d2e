/* Physical interrupts taken by Domus. */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <stdint.h>

typedef void (*irq_handler_t)(uint32_t intid);

void irq_register(uint32_t intid, irq_handler_t handler);
/* Acknowledges and handles every pending interrupt. */
void irq_handle_pending(void);

#endif
