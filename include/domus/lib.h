/* Small helpers shared by all of Domus. */
#ifndef DOMUS_LIB_H
#define DOMUS_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a)      (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)          ((a) < (b) ? (a) : (b))
#define MAX(a, b)          ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)     (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)   ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a)   (((x) & ((uint64_t)(a) - 1)) == 0)
#define STR_(x)            #x
#define STR(x)             STR_(x)
#define BIT(n)             (1ul << (n))
#define KiB                1024ul
#define MiB                (1024ul * KiB)
#define GiB                (1024ul * MiB)
#define PAGE_SHIFT         12
#define PAGE_SIZE          (1ul << PAGE_SHIFT)
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* How many bits are set.  (No __builtin_popcount: it needs libgcc, which Domus does not link.) */
static inline unsigned bit_count(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* True when [base, base+size) overlaps [b2, b2+s2); sizes of 0 never overlap. */
static inline bool ranges_overlap(uint64_t base, uint64_t size, uint64_t b2, uint64_t s2)
{
	return size && s2 && base < b2 + s2 && b2 < base + size;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
