/* Keys typed at Domus's own console, or sent by the toolstack (XEN_SYSCTL_debug_keys). */
#ifndef DOMUS_DEBUGKEYS_H
#define DOMUS_DEBUGKEYS_H

void debugkey_handle(char c);

#endif
