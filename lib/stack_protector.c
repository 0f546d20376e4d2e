/* Stack-smashing protection for Domus and the libfdt it links. */
#include <domus/console.h>

unsigned long __stack_chk_guard = 0x2d2d7375d04d05ull;

void __attribute__((noreturn)) __stack_chk_fail(void)
{
	panic("stack corruption detected");
}
