/*
 * Domus's own vsnprintf/snprintf (lib/vsnprintf.c), built here under other
 * names so that it does not replace the C library's.  The expected strings
 * are what C's printf produces for the same formats.
 */
#define vsnprintf domus_vsnprintf
#define snprintf domus_snprintf
#include "../../../lib/vsnprintf.c"
#undef vsnprintf
#undef snprintf

#include <limits.h>

#include "../unit.h"

static char out[64];

/* Formats into out[], checks the text and the returned length. */
#define CHECK_FMT(want, ...)                                                  \
	do {                                                                  \
		memset(out, '#', sizeof(out));                                \
		int n_ = domus_snprintf(out, sizeof(out), __VA_ARGS__);       \
		CHECK_STR(out, want);                                         \
		CHECK_EQ(n_, strlen(want));                                   \
	} while (0)

TEST(integers)
{
	CHECK_FMT("0 42 -42", "%d %i %d", 0, 42, -42);
	CHECK_FMT("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
	CHECK_FMT("4294967295", "%u", UINT_MAX);
	CHECK_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK_FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK_FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	CHECK_FMT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	CHECK_FMT("123456789abc", "%lx", 0x123456789abcul);
	CHECK_FMT("4096", "%zu", (size_t)4096);
	CHECK_FMT("0x40000000", "%p", (void *)0x40000000ul);
}

TEST(characters_and_strings)
{
	const char *volatile none = NULL;	/* hidden from the compiler's format checks */

	CHECK_FMT("a-z", "%c-%c", 'a', 'z');
	CHECK_FMT("domus 0.1", "%s %s", "domus", "0.1");
	CHECK_FMT("(null)", "%s", none);
	CHECK_FMT("100%", "%d%%", 100);
	CHECK_FMT("", "%s", "");
}

TEST(width_and_padding)
{
	CHECK_FMT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	CHECK_FMT("  -42|-0042|-42  ", "%5d|%05d|%-5d", -42, -42, -42);
	CHECK_FMT("0000000040000000", "%016lx", 0x40000000ul);
	CHECK_FMT("  ab|ab  |abcdef", "%4s|%-4s|%3s", "ab", "ab", "abcdef");
	CHECK_FMT("    x", "%5c", 'x');
	CHECK_FMT("12345", "%3d", 12345);
}

/* The precision forms the common code uses ("%.*s" in cmdline.c's warnings). */
TEST(string_precision)
{
	CHECK_FMT("abc|", "%.*s|", 3, "abcdef");
	CHECK_FMT("abcdef|", "%.*s|", 10, "abcdef");
	CHECK_FMT("|", "%.*s|", 0, "abcdef");
	CHECK_FMT("ab", "%.2s", "abcdef");
	CHECK_FMT("unknown option ignored: foo", "unknown option ignored: %.*s", 3, "foo=1 x");
	/* The precision bounds the read: the string need not be terminated. */
	static const char unterminated[4] = { 'w', 'x', 'y', 'z' };
	CHECK_FMT("wxyz.", "%.*s.", 4, unterminated);
	CHECK_FMT("  ab", "%4.2s", "abcdef");
}

TEST(truncation)
{
	char small[8];
	int n;

	memset(small, '#', sizeof(small));
	n = domus_snprintf(small, sizeof(small), "%s", "0123456789");
	CHECK_EQ(n, 10);
	CHECK_STR(small, "0123456");
	memset(small, '#', sizeof(small));
	n = domus_snprintf(small, 1, "%d", 12345);
	CHECK_EQ(n, 5);
	CHECK_EQ(small[0], '\0');
	CHECK_EQ(small[1], '#');
	memset(small, '#', sizeof(small));
	n = domus_snprintf(small, 0, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(small[0], '#');
	n = domus_snprintf(NULL, 0, "%lx", 0x1234ul);
	CHECK_EQ(n, 4);
}

static int call_v(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = domus_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(vsnprintf_with_va_list)
{
	CHECK_EQ(call_v(out, sizeof(out), "%s=%d", "cpus", 2), 6);
	CHECK_STR(out, "cpus=2");
}
