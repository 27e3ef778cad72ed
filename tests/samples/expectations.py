"""What tshark must find in each lab sample (see samples/<name>/expected.md).

Keys: ike = IKE messages in frame order (v1: MM/QM/INFO/AM, v2: SA_INIT/AUTH/CHILD/INFO
with > request, < response); esp = ESP frames, distinct SPIs, ICV failures (every ESP frame
must decrypt with a good ICV unless counted in 'bad'); nhrp = NHRP types in order (or a
function returning an error string); count = {protocol: (min, max)}; notify = notify types
that must appear; ike_retrans = byte-identical IKE retransmissions; ike_other_keys_from =
sources whose IKE messages are under keys not in the table; keyfiles = key file names to use
instead of the defaults; alt = further passes with other key files; extra = functions
(pkts, sample dir, {frame: UDP payload}) returning an error string or None.
"""
import warnings

V1_MM_PSK = ['MM'] * 6 + ['QM'] * 3


def _3des_decrypt_no_iv(key, data):
    """3DES-CBC with a zero IV: every block but the first is right whatever the IV was."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        c = Cipher(algorithms.TripleDES(key), modes.CBC(b'\0' * 8)).decryptor()
        return c.update(data) + c.finalize()


def psk_mismatch_responder_notify(pkts, d, raw):
    """r2's answers to MM5 are INFORMATIONAL messages encrypted under r2's own phase-1 key
    (derived from its PSK), so neither tshark table entry for the cookie opens them.  Check
    independently of tshark: decrypted with r2's key (ikev1_decryption_table.r2) each holds
    HASH(20 bytes: MD5) then NOTIFY PAYLOAD-MALFORMED (16, RFC 2408 3.14.1); with r1's key
    it does not."""
    k1 = bytes.fromhex(open(f'{d}/ikev1_decryption_table').read().split(',')[1].strip())
    k2 = bytes.fromhex(open(f'{d}/ikev1_decryption_table.r2').read().split(',')[1].strip())
    want = bytes.fromhex('0000000c' '00000001' '01' '00' '0010')
    n = 0
    for p in pkts:
        if p.first('ip.src') != '192.0.2.2' or p.first('isakmp.exchangetype') != '5':
            continue
        body = raw[p.num]
        body = body[4:] if body[:4] == b'\0\0\0\0' else body
        if body[19] & 1 == 0:
            return f'frame {p.num}: responder INFORMATIONAL not encrypted'
        if _3des_decrypt_no_iv(k2, body[28:])[20:32] != want:
            return f'frame {p.num}: not a PAYLOAD-MALFORMED notify under r2\'s key'
        if _3des_decrypt_no_iv(k1, body[28:])[20:32] == want:
            return f'frame {p.num}: decrypts under r1\'s key too: the PSKs did not differ?'
        n += 1
    if n != 4:
        return f'{n} PAYLOAD-MALFORMED answers, expected 4 (one per MM5 copy)'
    return None


def nat_t_ports(pkts, d, raw):
    """r1 sits behind the NAT: IKE starts on 40500->500 (translated), floats to 44500->4500."""
    ports = [(p.first('udp.srcport'), p.first('udp.dstport')) for p in pkts
             if p.first('ip.src') == '198.51.100.1' and p.first('udp.srcport')]
    if not ports or ports[0] != ('40500', '500'):
        return f'first IKE packet from the NAT uses ports {ports[:1]}, expected 40500->500'
    if set(ports[4:]) != {('44500', '4500')}:
        return f'after MM4 the NAT side should only use 44500->4500, got {sorted(set(ports[4:]))}'
    keepalives = [p for p in pkts if any(f[0] == 'udpencap.nat_keepalive' for f in p.fields)]
    if len(keepalives) < 2:
        return f'{len(keepalives)} NAT keepalives, expected at least 2'
    return None


def aggressive_mode(pkts, d, raw):
    """Aggressive Mode with a PSK (RFC 2409 5.4): AM1 (SA, KE, Ni, IDii = FQDN) and AM2 (SA, KE,
    Nr, IDir, NAT-D, HASH_R) in clear on UDP 500; AM3 (HASH_I, NAT-D x2) encrypted, already on
    4500 (NAT-T float, RFC 3947 4); the phase-1 transform AES-256/SHA-1/PSK/group 5 in both SAs."""
    am = [p for p in pkts if p.first('isakmp.exchangetype') == '4']
    if len(am) != 3:
        return f'{len(am)} Aggressive Mode messages, expected 3'
    a1, a2, a3 = am
    if [p.first('udp.dstport') for p in am] != ['500', '500', '4500']:
        return f'AM ports {[p.first("udp.dstport") for p in am]}, expected 500, 500, 4500'
    if [int(p.first('isakmp.flags'), 16) & 1 for p in am] != [0, 0, 1]:
        return 'expected AM1 and AM2 in clear, AM3 encrypted'
    if a1.first('isakmp.id.type') != '2' or a1.first('isakmp.id.data.fqdn') != 'spoke1.vpnscope.example':
        return f'AM1 ID {a1.first("isakmp.id.type")} {a1.first("isakmp.id.data.fqdn")}, expected FQDN spoke1.vpnscope.example'
    if a2.first('isakmp.id.type') != '1' or a2.first('isakmp.id.data.ipv4_addr') != '192.0.2.2':
        return 'AM2 ID is not IPV4_ADDR 192.0.2.2'
    for p, who in ((a1, 'AM1'), (a2, 'AM2')):
        attrs = {f[0]: f[1] for f in p.fields if f[0].startswith('isakmp.ike.attr.')}
        want = {'isakmp.ike.attr.encryption_algorithm': '7', 'isakmp.ike.attr.hash_algorithm': '2',
                'isakmp.ike.attr.authentication_method': '1', 'isakmp.ike.attr.group_description': '5'}
        if any(attrs.get(k) != v for k, v in want.items()):
            return f'{who} phase-1 transform {attrs}, expected AES/SHA-1/PSK/group 5'
        if not p.first('isakmp.key_exchange.data') or not p.first('isakmp.nonce'):
            return f'{who} without KE or nonce'
    if len((a2.first('isakmp.hash') or '').replace(':', '')) != 40 or len(a2.all('isakmp.ike.nat_hash')) != 2:
        return 'AM2 lacks HASH_R (20 bytes, SHA-1) or its two NAT-D payloads'
    if a1.first('isakmp.hash') is not None:
        return 'AM1 carries a HASH payload'
    inner = [f[1] for f in a3.all('isakmp.typepayload')]
    if inner != ['8', '20', '20'] or len((a3.first('isakmp.hash') or '').replace(':', '')) != 40:
        return f'AM3 decrypted payloads {inner}, expected HASH_I (20 bytes), NAT-D, NAT-D'
    return None


SAMPLES = {
    'ipsec-cryptomap-ikev1': dict(
        ike=V1_MM_PSK + ['INFO'] * 2, ike_retrans=0,
        esp=dict(frames=8, spis=2)),
    'ikev2-s2s': dict(
        ike=['SA_INIT>', 'SA_INIT<', 'AUTH>', 'AUTH<', 'CHILD>', 'CHILD<', 'INFO>', 'INFO<',
             'INFO>', 'INFO<'],
        notify=['REKEY_SA'], ike_retrans=0,
        esp=dict(frames=12, spis=4)),
    'ikev1-certs': dict(
        ike=V1_MM_PSK + ['INFO'] * 2, ike_retrans=0,
        esp=dict(frames=8, spis=2),
        extra=[lambda pkts, d, raw: None if sum(
            1 for p in pkts for f in p.fields if f[0] == 'isakmp.typepayload' and f[1] == '6') == 2
            else 'expected one CERT payload in each of MM5 and MM6 (decrypted)']),
    'nat-t': dict(
        ike=V1_MM_PSK + ['INFO'] * 2, ike_retrans=0,
        esp=dict(frames=10, spis=2),
        extra=[nat_t_ports]),
    'psk-mismatch': dict(
        ike=['MM'] * 5 + ['INFO', 'MM', 'INFO', 'MM', 'INFO', 'MM', 'INFO'],
        ike_retrans=3, ike_other_keys_from=['192.0.2.2'],
        extra=[psk_mismatch_responder_notify]),
    'proposal-mismatch': dict(
        ike=['MM', 'INFO'] + ['MM'] * 6 + ['QM', 'INFO', 'INFO', 'SA_INIT>', 'SA_INIT<'],
        notify=['NO-PROPOSAL-CHOSEN', 'NO_PROPOSAL_CHOSEN'], ike_retrans=0,
        extra=[lambda pkts, d, raw: None if sum(
            1 for p in pkts for f in p.fields
            if f[0] == 'isakmp.notify.msgtype' and f[1] == '14') == 3
            else 'expected NO_PROPOSAL_CHOSEN three times (phase 1, phase 2, IKEv2)']),
    'esp-wrong-key': dict(
        ike=['SA_INIT>', 'SA_INIT<', 'AUTH>', 'AUTH<', 'INFO>', 'INFO<'], ike_retrans=0,
        esp=dict(frames=8, spis=2, bad=4),
        extra=[lambda pkts, d, raw: None if {p.first('ip.dst') for p in pkts
                                             if p.first('esp.icv_bad') == '1'} == {'192.0.2.1'}
               else 'ICV failures must be exactly the packets towards 192.0.2.1'],
        alt=[dict(keyfiles={'esp_sa': 'esp_sa.correct'}, esp=dict(frames=8, spis=2, bad=0))]),
}


# ---- guest (QEMU) samples: real kernel GRE, ESP and FRR --------------------------------------

def ospf_types(*want):
    """OSPF message types (1 Hello, 2 DBD, 3 LSR, 4 LSU, 5 LSAck) that must all appear."""
    def check(pkts, d, raw):
        have = {int(f[1]) for p in pkts for f in p.fields if f[0] == 'ospf.msg'}
        miss = set(want) - have
        return f'OSPF message types {sorted(miss)} missing (have {sorted(have)})' if miss else None
    return check


def icmp_echo(n, inside):
    """n echo requests and n replies, all carried inside `inside` (gre / esp)."""
    def check(pkts, d, raw):
        req = [p for p in pkts if p.first('icmp.type') == '8']
        rep = [p for p in pkts if p.first('icmp.type') == '0']
        if len(req) < n or len(rep) < n:
            return f'{len(req)} echo requests / {len(rep)} replies, expected at least {n} each'
        bad = [p.num for p in req + rep if inside not in p.protos]
        return f'ICMP frames {bad} not inside {inside}' if bad else None
    return check


def gre_key(key):
    def check(pkts, d, raw):
        keys = {int(p.first('gre.key') or '-1', 0) for p in pkts if 'gre' in p.protos}
        return None if keys == {key} else f'GRE keys {keys}, expected {{{key}}}'
    return check


def nbma_pairs(pkts):
    """Outer (NBMA) address pairs of GRE frames, in order."""
    out = []
    for p in pkts:
        if 'gre' in p.protos:
            ips = [f[1] for f in p.fields if f[0] == 'ip.src']
            dsts = [f[1] for f in p.fields if f[0] == 'ip.dst']
            out.append((p.num, ips[0], dsts[0]))
    return out


def no_clear_gre(pkts, d, raw):
    """Every GRE packet on the wire is inside ESP (tunnel protection)."""
    bad = [p.num for p in pkts if 'gre' in p.protos and 'esp' not in p.protos]
    return f'GRE frames {bad[:5]} travel unprotected' if bad else None


def nhrp_registrations(spokes, hubs):
    """Every spoke registers with every hub: RegReq spoke->hub answered by RegRep Success."""
    def check(pkts, d, raw):
        got = set()
        for p in pkts:
            t = p.first('nhrp.hdr.op.type')
            if t == '4' and p.first('nhrp.code') == '0':
                ips = [f[1] for f in p.fields if f[0] == 'ip.src']
                dsts = [f[1] for f in p.fields if f[0] == 'ip.dst']
                got.add((dsts[0], ips[0]))
        want = {(s, h) for s in spokes for h in hubs}
        return None if want <= got else f'registrations answered with success: {sorted(got)}, want {sorted(want)}'
    return check


def only_types(*allowed):
    def check(seq):
        extra = set(seq) - set(allowed)
        if extra:
            return f'unexpected NHRP types {sorted(extra)}'
        return None if seq else 'no NHRP at all'
    return check


def phase3_sequence(seq):
    """RegReq/RegRep first, then a Traffic Indication, then Resolution Request and Reply."""
    if 'TrafInd' not in seq:
        return 'no Traffic Indication'
    i = seq.index('TrafInd')
    rest = seq[i:]
    if 'ResReq' not in rest or 'ResRep' not in rest[rest.index('ResReq'):]:
        return 'no Resolution Request followed by a Resolution Reply after the Traffic Indication'
    if seq[:2] != ['RegReq', 'RegRep']:
        return 'does not start with a registration'
    return None


def phase3_shortcut(pkts, d, raw):
    """The Resolution Reply carries spoke2's prefix as a /24 and spoke2's NBMA address, and
    after it spoke1 <-> spoke2 traffic flows directly (GRE 192.0.2.11 <-> 192.0.2.12)."""
    rep = [p for p in pkts if p.first('nhrp.hdr.op.type') == '2']
    if not rep:
        return 'no Resolution Reply'
    pls = {f[1] for p in rep for f in p.fields if f[0] == 'nhrp.prefix'}
    if '24' not in pls:
        return f'Resolution Reply prefix lengths {pls}, expected a /24'
    nbmas = {f[1] for p in rep for f in p.fields if f[0] == 'nhrp.client.nbma.addr'}
    if not {'192.0.2.12', '192.0.2.11'} & nbmas:
        return f'Resolution Reply client NBMA {nbmas} names no spoke'
    first = rep[0].num
    direct = [n for n, s, t in nbma_pairs(pkts) if {s, t} == {'192.0.2.11', '192.0.2.12'}]
    if not direct:
        return 'no direct spoke-to-spoke GRE'
    if min(direct) < first:
        return 'direct spoke-to-spoke GRE before any Resolution Reply'
    icmp_direct = [p.num for p in pkts if p.first('icmp.type') == '8' and p.num in set(direct)]
    return None if icmp_direct else 'no echo request on the direct spoke-to-spoke path'


def via_hub_only(pkts, d, raw):
    """Phase 1: no GRE ever goes spoke to spoke."""
    direct = [n for n, s, t in nbma_pairs(pkts) if s.startswith('192.0.2.1') and t.startswith('192.0.2.1')
              and s != '192.0.2.1' and t != '192.0.2.1']
    return f'direct spoke-to-spoke GRE in frames {direct[:5]}' if direct else None


def missing_map(pkts, d, raw):
    """spoke2 (10.0.0.12) never sends an OSPF hello; spoke1's and the hub's do flow; spoke2's LAN
    is never reached."""
    hellos = {}
    for p in pkts:
        if p.first('ospf.msg') == '1':
            src = [f[1] for f in p.fields if f[0] == 'ip.src'][-1]
            hellos[src] = hellos.get(src, 0) + 1
    if hellos.get('10.0.0.12'):
        return f'spoke2 sent {hellos["10.0.0.12"]} OSPF hellos: the multicast map is not missing?'
    if not hellos.get('10.0.0.11') or not hellos.get('10.0.0.1'):
        return f'hellos by source {hellos}: expected the hub and spoke1'
    to_spoke2 = [p.num for p in pkts if 'gre' in p.protos and p.first('ospf.msg') == '1'
                 and [f[1] for f in p.fields if f[0] == 'ip.dst'][0] == '192.0.2.12']
    if not to_spoke2:
        return 'the hub never replicated a hello to spoke2 (dynamic map)'
    if any(p.first('icmp.type') == '0' for p in pkts):
        return 'an echo reply exists: spoke2 was reachable'
    return None


V1_GRE_IPSEC = ['MM'] * 6 + ['QM'] * 3 + ['INFO'] * 2


def esp_mode(next_header, encap_mode):
    """Every decrypted ESP packet has this next header (4 IPv4 = tunnel mode, 47 GRE or other =
    transport mode) and the Quick Mode / IKE_AUTH agreed this encapsulation mode (IKEv1:
    1 tunnel, 2 transport; None: not checked)."""
    def check(pkts, d, raw):
        nh = {int(p.first('esp.protocol') or '-1', 0) for p in pkts if p.first('esp.spi') is not None}
        if nh != {next_header}:
            return f'ESP next headers {nh}, expected {{{next_header}}}'
        if encap_mode is not None:
            modes = {f[1] for p in pkts for f in p.fields if f[0] == 'isakmp.ipsec.attr.encap_mode'}
            if modes != {str(encap_mode)}:
                return f'Quick Mode encapsulation modes {modes}, expected {{{encap_mode}}}'
        return None
    return check

SAMPLES.update({
    'ipsec-manual-keys': dict(
        ike=[], esp=dict(frames=8, spis=2, spi_values=[0x1001, 0x1002], negotiated=False),
        extra=[icmp_echo(4, 'esp'), esp_mode(4, None)]),
    'gre-p2p': dict(
        ike=[], nhrp=[], count={'gre': (30, 400)},
        extra=[ospf_types(1, 2, 3, 4, 5), icmp_echo(4, 'gre')]),
    'gre-ipsec-tunnel': dict(
        ike=V1_GRE_IPSEC, esp=dict(frames=(20, 400), spis=2),
        extra=[ospf_types(1, 2, 3, 4, 5), icmp_echo(4, 'gre'), no_clear_gre, esp_mode(4, 1)]),
    'gre-ipsec-transport': dict(
        ike=V1_GRE_IPSEC, esp=dict(frames=(20, 400), spis=2),
        extra=[ospf_types(1, 2, 3, 4, 5), icmp_echo(4, 'gre'), no_clear_gre, esp_mode(47, 2)]),
    'svti': dict(
        ike=['SA_INIT>', 'SA_INIT<', 'AUTH>', 'AUTH<', 'INFO>', 'INFO<'],
        esp=dict(frames=(20, 400), spis=2),
        extra=[ospf_types(1, 2, 3, 4, 5), icmp_echo(4, 'esp'), esp_mode(4, None),
               lambda pkts, d, raw: None if not any('gre' in p.protos for p in pkts)
               else 'GRE found: a VTI carries IP directly in ESP']),
    'mgre-static-nhrp': dict(
        ike=[], nhrp=[], extra=[gre_key(42), ospf_types(1, 2, 3, 4, 5), icmp_echo(8, 'gre')]),
    'dmvpn-phase1': dict(
        ike=[], nhrp=only_types('RegReq', 'RegRep'),
        extra=[gre_key(42), nhrp_registrations(['192.0.2.11', '192.0.2.12'], ['192.0.2.1']),
               ospf_types(1, 2, 3, 4, 5), icmp_echo(5, 'gre'), via_hub_only]),
    'dmvpn-phase3': dict(
        ike=[], nhrp=phase3_sequence,
        extra=[gre_key(42), nhrp_registrations(['192.0.2.11', '192.0.2.12'], ['192.0.2.1']),
               ospf_types(1, 2, 3, 4, 5), icmp_echo(12, 'gre'), phase3_shortcut]),
    'dmvpn-dual-hub': dict(
        ike=[], nhrp=only_types('RegReq', 'RegRep'),
        extra=[gre_key(42),
               nhrp_registrations(['192.0.2.11', '192.0.2.12'], ['192.0.2.1', '192.0.2.2']),
               ospf_types(1, 2, 3, 4, 5), icmp_echo(5, 'gre'), via_hub_only]),
    'dmvpn-missing-multicast-map': dict(
        ike=[], nhrp=only_types('RegReq', 'RegRep'),
        extra=[gre_key(42), nhrp_registrations(['192.0.2.11', '192.0.2.12'], ['192.0.2.1']),
               missing_map]),
})


def ike_counts(**want):
    """IKE message counts by label when several exchanges interleave (order not fixed)."""
    def check(pkts, d, raw):
        from oracle import ike_label
        have = {}
        for p in pkts:
            if p.first('isakmp.exchangetype') is not None:
                lbl = ike_label(p)
                have[lbl] = have.get(lbl, 0) + 1
        return None if have == want else f'IKE messages {have}, expected {want}'
    return check


def ike_pairs(*pairs):
    """Main Mode exchanges happened exactly between these address pairs."""
    def check(pkts, d, raw):
        got = {frozenset((p.first('ip.src'), p.first('ip.dst'))) for p in pkts
               if p.first('isakmp.exchangetype') == '2'}
        want = {frozenset(x) for x in pairs}
        return None if got == want else f'Main Mode pairs {sorted(map(sorted, got))}, expected {sorted(map(sorted, want))}'
    return check


SAMPLES['dmvpn-phase3-ipsec'] = dict(
    ike_retrans=0, esp=dict(frames=(50, 2000), spis=6),
    nhrp=phase3_sequence,
    extra=[ike_counts(MM=18, QM=9),
           ike_pairs(('192.0.2.11', '192.0.2.1'), ('192.0.2.12', '192.0.2.1'),
                     ('192.0.2.11', '192.0.2.12')),
           esp_mode(47, 2), no_clear_gre, gre_key(42),
           nhrp_registrations(['192.0.2.11', '192.0.2.12'], ['192.0.2.1']),
           ospf_types(1, 2, 3, 4, 5), icmp_echo(16, 'gre'), phase3_shortcut])

# Aggressive Mode (after icmp_echo / esp_mode: the ESP inside is tunnel mode, IPv4 next header,
# UDP-Encapsulated-Tunnel (3) because of kernel-libipsec, see the sample's README)
SAMPLES['ikev1-aggressive'] = dict(
    ike=['AM'] * 3 + ['QM'] * 3 + ['INFO'] * 2, ike_retrans=0,
    esp=dict(frames=8, spis=2),
    extra=[aggressive_mode, icmp_echo(4, 'esp'), esp_mode(4, 3)])
