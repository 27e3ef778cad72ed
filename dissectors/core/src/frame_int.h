/* Internal to the core (and its unit tests): the frame decoder's fast path. */
#ifndef VPNSCOPE_FRAME_INT_H
#define VPNSCOPE_FRAME_INT_H

#include "vpnscope/frame.h"

#include <stdbool.h>

/* Ethernet (one 802.1Q tag at most) / 20-byte IPv4 / ESP, directly or in
 * UDP 4500, without the walk (see frame.c): true when it took the frame and
 * filled out as vs_frame_decode does without a tree. */
bool vs__frame_fast_esp(int linktype, const uint8_t *d, size_t caplen, size_t wirelen, vs_frame *out);

#endif
