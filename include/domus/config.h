/* Build-time limits, shared by C and assembly. */
#ifndef DOMUS_CONFIG_H
#define DOMUS_CONFIG_H

#define NR_CPUS          8
#define CPU_STACK_SIZE   (16 * 1024)
#define MAX_DOMAINS      8
#define MAX_VCPUS        8
#define DOMUS_VERSION    "0.1"

#endif
