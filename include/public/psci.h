/* PSCI 1.0 and SMCCC function IDs and return codes, as the Arm specifications define them. */
#ifndef PUBLIC_PSCI_H
#define PUBLIC_PSCI_H

#define PSCI_0_2_FN_BASE            0x84000000u
#define PSCI_0_2_FN64_BASE          0xc4000000u

#define PSCI_VERSION                0x84000000u
#define PSCI_CPU_SUSPEND            0x84000001u
#define PSCI_CPU_SUSPEND_64         0xc4000001u
#define PSCI_CPU_OFF                0x84000002u
#define PSCI_CPU_ON                 0x84000003u
#define PSCI_CPU_ON_64              0xc4000003u
#define PSCI_AFFINITY_INFO          0x84000004u
#define PSCI_AFFINITY_INFO_64       0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE      0x84000006u
#define PSCI_SYSTEM_OFF             0x84000008u
#define PSCI_SYSTEM_RESET           0x84000009u
#define PSCI_FEATURES               0x8400000au

#define SMCCC_VERSION               0x80000000u
#define SMCCC_ARCH_FEATURES         0x80000001u

#define PSCI_SUCCESS                0
#define PSCI_NOT_SUPPORTED          (-1)
#define PSCI_INVALID_PARAMETERS     (-2)
#define PSCI_DENIED                 (-3)
#define PSCI_ALREADY_ON             (-4)
#define PSCI_ON_PENDING             (-5)
#define PSCI_INTERNAL_FAILURE       (-6)
#define PSCI_INVALID_ADDRESS        (-9)

#define PSCI_AFFINITY_ON            0
#define PSCI_AFFINITY_OFF           1

#define PSCI_VERSION_1_0            0x00010000u
#define SMCCC_VERSION_1_1           0x00010001u
#define MIGRATE_TYPE_NOT_PRESENT    2	/* no Trusted OS that needs migrating */

#endif
