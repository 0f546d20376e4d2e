/* sys_iso_b: one side of the mutual isolation probe; see sys_iso_mutual.h. */
#define ISO_SELF    2
#define ISO_PEER    1
#include "sys_iso_mutual.h"

void test_main(void)
{
    iso_mutual_main();
}
