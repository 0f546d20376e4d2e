/* Host interrupts given to Dom0 (passthrough.c; the fake machine records them). */
#ifndef ASM_PASSTHROUGH_H
#define ASM_PASSTHROUGH_H

#include <domus/lib.h>

struct domain;

/* Routes host SPI intid to d's vGIC; false if it is not an SPI or already given. */
bool passthrough_spi(struct domain *d, uint32_t intid);
/* Dom0 has handled it: the physical SPI may fire again. */
void passthrough_handled(uint32_t intid);

#endif
