# The fake port: a host build of the core, for the unit tests.  The machine
# (machine.c, and the host primitives under host/) needs no port state, so the
# arm64 port's pure logic runs on it too; port.c is the fake's own domains and vCPUs.
fake_MACHINE_SRCS := arch/fake/machine.c
fake_PORT_SRCS    := arch/fake/port.c
