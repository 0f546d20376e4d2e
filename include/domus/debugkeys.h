/* Keys typed at Domus's own console. */
#ifndef DOMUS_DEBUGKEYS_H
#define DOMUS_DEBUGKEYS_H

void debugkey_handle(char c);

#endif
