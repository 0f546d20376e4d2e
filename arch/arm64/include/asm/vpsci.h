/* The PSCI 1.0 / SMCCC 1.1 firmware interface Domus offers its guests. */
#ifndef DOMUS_VPSCI_H
#define DOMUS_VPSCI_H

#include <domus/lib.h>

struct vcpu;

/* Handles the call in the vCPU's x0-x3 and writes the result to x0. */
void vpsci_call(struct vcpu *v);

#endif
