/* sys_iso_a: one side of the mutual isolation probe; see sys_iso_mutual.h. */
#define ISO_SELF    1
#define ISO_PEER    2
#include "sys_iso_mutual.h"

void test_main(void)
{
    iso_mutual_main();
}
