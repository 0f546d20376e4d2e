/* Start-up: from the boot CPU's first C code to running domains. */
#ifndef DOMUS_SETUP_H
#define DOMUS_SETUP_H

#include <domus/lib.h>

void __attribute__((noreturn)) domus_main(const void *fdt, uint64_t image_start,
					  uint64_t image_end);

#endif
