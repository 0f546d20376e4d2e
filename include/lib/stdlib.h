/* The freestanding subset of <stdlib.h> that Domus and libfdt use. */
#ifndef LIB_STDLIB_H
#define LIB_STDLIB_H

unsigned long strtoul(const char *s, char **end, int base);

#endif
