/*
 * Statistics (Statistics menu / tshark -z): NHRP, IKE and GDOI message
 * counts, and encapsulation overhead per tunnel type. The dissectors queue
 * vs_ws_tap_rec records on the "vpnscope" tap; two stats trees read them.
 */
#include "vs_ws.h"

#include <epan/stats_tree.h>
#include <epan/tap.h>

int vs_ws_tap = -1;

void vs_ws_register_tap(void)
{
    vs_ws_tap = register_tap("vpnscope");
}

void vs_ws_tap_message(packet_info *pinfo, const char *protocol, const char *message)
{
    if (!have_tap_listener(vs_ws_tap))
        return;
    vs_ws_tap_rec *r = wmem_new0(pinfo->pool, vs_ws_tap_rec);
    r->kind = VS_TAP_MESSAGE;
    r->protocol = protocol;
    r->message = message ? message : "Unknown";
    tap_queue_packet(vs_ws_tap, pinfo, r);
}

void vs_ws_tap_nhrp_reg(packet_info *pinfo, const char *client, const char *outcome,
                        double response_ms)
{
    if (!have_tap_listener(vs_ws_tap))
        return;
    vs_ws_tap_rec *r = wmem_new0(pinfo->pool, vs_ws_tap_rec);
    r->kind = VS_TAP_NHRP_REG;
    r->client = client;
    r->outcome = outcome;
    r->response_ms = response_ms;
    tap_queue_packet(vs_ws_tap, pinfo, r);
}

static const char st_msgs[] = "vpnscope messages";
static const char st_ovh[] = "vpnscope overhead per tunnel type";
static int st_msgs_node = -1, st_ovh_node = -1;

static void msgs_init(stats_tree *st)
{
    st_msgs_node = stats_tree_create_node(st, st_msgs, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status msgs_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                     const void *p, tap_flags_t flags _U_)
{
    const vs_ws_tap_rec *r = p;
    if (r->kind != VS_TAP_MESSAGE)
        return TAP_PACKET_DONT_REDRAW;
    tick_stat_node(st, st_msgs, 0, FALSE);
    int proto_node = tick_stat_node(st, r->protocol, st_msgs_node, TRUE);
    tick_stat_node(st, r->message, proto_node, FALSE);
    return TAP_PACKET_REDRAW;
}

static void ovh_init(stats_tree *st)
{
    st_ovh_node = stats_tree_create_node(st, st_ovh, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status ovh_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                    const void *p, tap_flags_t flags _U_)
{
    const vs_ws_tap_rec *r = p;
    if (r->kind != VS_TAP_OVERHEAD)
        return TAP_PACKET_DONT_REDRAW;
    /* Count, average, min and max of the encapsulation bytes per packet. */
    avg_stat_node_add_value_int(st, st_ovh, 0, FALSE, (gint)r->overhead);
    avg_stat_node_add_value_int(st, r->tunnel, st_ovh_node, FALSE, (gint)r->overhead);
    return TAP_PACKET_REDRAW;
}

/* The per-capture NHRP registration table: one node per client (tunnel
 * address and NBMA address as it registered), with its requests, the
 * replies' CIE codes, the request-to-reply times (count, average, min, max)
 * and error indications sent back to it. */
static const char st_reg[] = "vpnscope NHRP registrations";
static int st_reg_node = -1;

static void reg_init(stats_tree *st)
{
    st_reg_node = stats_tree_create_node(st, st_reg, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status reg_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                    const void *p, tap_flags_t flags _U_)
{
    const vs_ws_tap_rec *r = p;
    if (r->kind != VS_TAP_NHRP_REG)
        return TAP_PACKET_DONT_REDRAW;
    tick_stat_node(st, st_reg, 0, FALSE);
    int client = tick_stat_node(st, r->client, st_reg_node, TRUE);
    tick_stat_node(st, r->outcome, client, FALSE);
    /* Count, average, min and max of the time from request to reply. */
    if (r->response_ms >= 0)
        avg_stat_node_add_value_float(st, "Response time (ms)", client, FALSE,
                                      (float)r->response_ms);
    return TAP_PACKET_REDRAW;
}

static void register_trees(void)
{
    stats_tree_register_plugin("vpnscope", "vpnscope.nhrp.registrations",
                               "vpnscope/NHRP registrations", 0, reg_packet, reg_init, NULL);
    stats_tree_register_plugin("vpnscope", "vpnscope.messages", "vpnscope/Messages (IKE, GDOI, NHRP)",
                               0, msgs_packet, msgs_init, NULL);
    stats_tree_register_plugin("vpnscope", "vpnscope.overhead", "vpnscope/Overhead per tunnel type",
                               0, ovh_packet, ovh_init, NULL);
}

void vs_ws_register_stats(void)
{
    static tap_plugin plug = {register_trees};
    tap_register_plugin(&plug);
}
