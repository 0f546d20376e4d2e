/* The arm64 Linux Image format, as Linux's Documentation/arch/arm64/booting.rst defines it. */
#ifndef DOMUS_IMAGE_H
#define DOMUS_IMAGE_H

#include <domus/lib.h>

#define ARM64_IMAGE_MAGIC 0x644d5241u	/* "ARM\x64" */

struct arm64_image {
	uint64_t text_offset;
	uint64_t image_size;	/* bytes needed from the load address, BSS included */
	uint64_t flags;
};

/* Checks a kernel module; returns NULL or what is wrong with it. */
const char *arm64_image_check(const uint8_t *data, uint64_t size, struct arm64_image *img);

#endif
