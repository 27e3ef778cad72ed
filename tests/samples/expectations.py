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
