/*
 * Plugin entry points for Wireshark 4.0 (see
 * ../shared/notes/wireshark-4.0-facts.md): plugin_version must equal the
 * project version, plugin_want_major/minor the epan ABI.
 */
#define WS_BUILD_DLL
#include "vs_ws.h"

#include <ws_version.h>

#ifndef VS_VERSION
#error "VS_VERSION must be defined by the build"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = VS_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

static void register_protoinfo(void)
{
    vs_ws_register_catalogue();
    vs_ws_register_tap();
    vs_ws_register_ike();
    vs_ws_register_nhrp();
    vs_ws_register_overhead();
}

static void register_handoff(void)
{
    vs_ws_handoff_ike();
    vs_ws_handoff_nhrp();
    vs_ws_handoff_overhead();
}

void plugin_register(void)
{
    static proto_plugin plug = {register_protoinfo, register_handoff};
    proto_register_plugin(&plug);
    vs_ws_register_stats();
}
