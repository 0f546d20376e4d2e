/* regs_keep_peer (peer of regs_keep): the same checks with patterns of its own. */
#include "regs_keep.h"

void test_main(void)
{
    regs_keep_main(0xaaaabbbbccccddddUL);
}
