/* System-register access and the EL2 register bits Domus programs. */
#ifndef ASM_SYSREG_H
#define ASM_SYSREG_H

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) asm volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))
#define isb()  asm volatile("isb" : : : "memory")
#define dsb(o) asm volatile("dsb " #o : : : "memory")
#define dmb(o) asm volatile("dmb " #o : : : "memory")
#define wfi()  asm volatile("wfi" : : : "memory")
#define sev()  asm volatile("sev" : : : "memory")

/* GICv3 registers by encoding, so no assembler support for their names is needed. */
#define ICC_SRE_EL2     S3_4_C12_C9_5
#define ICC_IAR1_EL1    S3_0_C12_C12_0
#define ICC_EOIR1_EL1   S3_0_C12_C12_1
#define ICC_PMR_EL1     S3_0_C4_C6_0
#define ICC_CTLR_EL1    S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1   S3_0_C12_C11_5
#define ICC_BPR1_EL1    S3_0_C12_C12_3
#define ICH_HCR_EL2     S3_4_C12_C11_0
#define ICH_VTR_EL2     S3_4_C12_C11_1
#define ICH_MISR_EL2    S3_4_C12_C11_2
#define ICH_VMCR_EL2    S3_4_C12_C11_7
#define ICH_AP0R0_EL2   S3_4_C12_C8_0
#define ICH_AP1R0_EL2   S3_4_C12_C9_0
#define ICH_LR0_EL2     S3_4_C12_C12_0
#define ICH_LR1_EL2     S3_4_C12_C12_1
#define ICH_LR2_EL2     S3_4_C12_C12_2
#define ICH_LR3_EL2     S3_4_C12_C12_3
#define ICH_LR4_EL2     S3_4_C12_C12_4
#define ICH_LR5_EL2     S3_4_C12_C12_5
#define ICH_LR6_EL2     S3_4_C12_C12_6
#define ICH_LR7_EL2     S3_4_C12_C12_7
#define ICH_LR8_EL2     S3_4_C12_C13_0
#define ICH_LR9_EL2     S3_4_C12_C13_1
#define ICH_LR10_EL2    S3_4_C12_C13_2
#define ICH_LR11_EL2    S3_4_C12_C13_3
#define ICH_LR12_EL2    S3_4_C12_C13_4
#define ICH_LR13_EL2    S3_4_C12_C13_5
#define ICH_LR14_EL2    S3_4_C12_C13_6
#define ICH_LR15_EL2    S3_4_C12_C13_7

/* HCR_EL2 */
#define HCR_VM    (1ull << 0)
#define HCR_SWIO  (1ull << 1)
#define HCR_FMO   (1ull << 3)
#define HCR_IMO   (1ull << 4)
#define HCR_AMO   (1ull << 5)
#define HCR_FB    (1ull << 9)
#define HCR_BSU_IS (1ull << 10)
#define HCR_TWI   (1ull << 13)
#define HCR_TWE   (1ull << 14)
#define HCR_TID3  (1ull << 18)
#define HCR_TSC   (1ull << 19)
#define HCR_TIDCP (1ull << 20)
#define HCR_TACR  (1ull << 21)
#define HCR_TSW   (1ull << 22)
#define HCR_PTW   (1ull << 2)
#define HCR_TACR  (1ull << 21)
#define HCR_TSW   (1ull << 22)
#define HCR_RW    (1ull << 31)
#define HCR_FWB   (1ull << 46)

/* MDCR_EL2 */
#define MDCR_TPMCR (1ull << 5)
#define MDCR_TPM   (1ull << 6)
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDRA  (1ull << 11)

/* CPTR_EL2 (nVHE layout) */
#define CPTR_RES1  0x32ffull
#define CPTR_TZ    (1ull << 8)
#define CPTR_TSM   (1ull << 12)
#define CPTR_TAM   (1ull << 30)

/* CNTHCTL_EL2 */
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN  (1ull << 1)

/* Exception classes (ESR_ELx.EC) */
#define EC_UNKNOWN    0x00
#define EC_WFX        0x01
#define EC_FP         0x07
#define EC_HVC64      0x16
#define EC_SMC64      0x17
#define EC_SYSREG     0x18
#define EC_SVE        0x19
#define EC_IABT_LOW   0x20
#define EC_IABT_CUR   0x21
#define EC_PC_ALIGN   0x22
#define EC_DABT_LOW   0x24
#define EC_DABT_CUR   0x25
#define EC_SP_ALIGN   0x26
#define EC_SERROR     0x2f
#define EC_BRK        0x3c

#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_IL        (1u << 25)
#define ESR_ISS(esr)  ((esr) & 0x1ffffff)

/* PSTATE / SPSR */
#define PSR_MODE_EL1H 0x5
#define PSR_DAIF_MASK (0xfull << 6)

#endif
