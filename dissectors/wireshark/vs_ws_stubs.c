/* Placeholders for protocols whose core decoder has not landed yet. */
#include "vs_ws.h"

void vs_ws_register_ike(void) {}
void vs_ws_handoff_ike(void) {}
void vs_ws_register_gdoi(void) {}
void vs_ws_handoff_gdoi(void) {}
void vs_ws_register_nhrp(void) {}
void vs_ws_handoff_nhrp(void) {}
