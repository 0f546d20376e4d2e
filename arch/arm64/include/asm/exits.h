/* Why enter_guest() returned, and which exception brought EL2 code down. */
#ifndef ASM_EXITS_H
#define ASM_EXITS_H

#define EXIT_SYNC      0
#define EXIT_IRQ       1
#define EXIT_FIQ       2
#define EXIT_SERROR    3
#define EXIT_AARCH32   4

#define HYP_EXC_SYNC   0
#define HYP_EXC_IRQ    1
#define HYP_EXC_FIQ    2
#define HYP_EXC_SERROR 3

#endif
