#!/usr/bin/python3
"""Turn charon level-4 logs (ike=4, chd=4, ike_name=yes) into key files.

Debian's strongSwan has no save-keys plugin, but at level 4 charon dumps every
derived key as hex.  This reads those dumps and writes, into --out:
  esp_sa                   Wireshark UAT (Preferences > Protocols > ESP > ESP SAs)
  ikev1_decryption_table   Wireshark UAT (ISAKMP > IKEv1 Decryption Table)
  ikev2_decryption_table   Wireshark UAT (ISAKMP > IKEv2 Decryption Table)
  ikev1_skeyid             vpnscope: icookie, rcookie, SKEYID_d, SKEYID_a, encryption key
                           (Wireshark's IKEv1 table has no SKEYID_d, which Quick Mode KEYMAT needs)
  esp-secrets.txt          tcpdump -E file:esp-secrets.txt
  keys.txt                 every SA in words (which router, direction, algorithms)
Only the files for which the logs hold SAs are written.

Log facts relied on (strongSwan 5.9.8):
- lines look like "HH:MM:SS TT[GRP] <name|uid> text"; a hex dump follows a
  "label => N bytes @ 0x..." line as "  off: HH HH ...  ascii" lines;
- "natd_chunk" is SPIi | SPIr | IPv4 | port for IKEv1 and IKEv2 (RFC 3947, RFC 7296 2.23);
- IKEv1: "encryption key Ka" is the phase-1 encryption key (RFC 2409 appendix B);
  "SKEYID_d" and "SKEYID_a" are dumped under those labels just before it;
- IKEv2: "Sk_ei secret", "Sk_er secret", "Sk_ai secret", "Sk_ar secret";
- CHILD_SA: "using X for encryption", "using Y for integrity", then "encryption
  initiator key", "encryption responder key", "integrity initiator key",
  "integrity responder key", then "adding inbound|outbound ESP SA" +
  "SPI 0x..., src A dst B".  "initiator" keys protect traffic sent by the
  exchange's initiator; the logging charon was the initiator of that exchange
  when the last message it parsed for this IKE_SA was a response.
"""
import argparse
import os
import re
import sys

LINE = re.compile(r'^\S+ (\d+)\[(\w+)\] (?:<(?:([^|>]*)\|)?(\d+)> )?(.*)$')
DUMP_HEAD = re.compile(r'^(.*?) => (\d+) bytes @ 0x[0-9a-f]+$')
DUMP_ROW = re.compile(r'^\s*(\d+): ((?:[0-9A-F]{2} ?)+)')

ESP_ENCR = {  # strongSwan name -> (Wireshark esp_sa name, tcpdump name by key bytes)
    '3DES_CBC': ('TripleDES-CBC [RFC2451]', {24: '3des-cbc'}),
    'AES_CBC': ('AES-CBC [RFC3602]', {16: 'aes128-cbc', 24: 'aes192-cbc', 32: 'aes256-cbc'}),
    'DES_CBC': ('DES-CBC [RFC2405]', {8: 'des-cbc'}),
    'NULL': ('NULL [RFC2410]', {0: 'none'}),
}
ESP_INTEG = {  # strongSwan name -> (Wireshark esp_sa name, ICV bytes)
    'HMAC_MD5_96': ('HMAC-MD5-96 [RFC2403]', 12),
    'HMAC_SHA1_96': ('HMAC-SHA-1-96 [RFC2404]', 12),
    'HMAC_SHA2_256_128': ('HMAC-SHA-256-128 [RFC4868]', 16),
    'HMAC_SHA2_384_192': ('HMAC-SHA-384-192 [RFC4868]', 24),
    'HMAC_SHA2_512_256': ('HMAC-SHA-512-256 [RFC4868]', 32),
}
IKEV2_ENCR = {'3DES_CBC': '3DES [RFC2451]', 'AES_CBC_128': 'AES-CBC-128 [RFC3602]',
              'AES_CBC_192': 'AES-CBC-192 [RFC3602]', 'AES_CBC_256': 'AES-CBC-256 [RFC3602]'}
IKEV2_INTEG = {'HMAC_MD5_96': 'HMAC_MD5_96 [RFC2403]', 'HMAC_SHA1_96': 'HMAC_SHA1_96 [RFC2404]',
               'HMAC_SHA2_256_128': 'HMAC_SHA2_256_128 [RFC4868]',
               'HMAC_SHA2_384_192': 'HMAC_SHA2_384_192 [RFC4868]',
               'HMAC_SHA2_512_256': 'HMAC_SHA2_512_256 [RFC4868]'}


class IkeSa:
    def __init__(self, router, name, uid):
        self.router, self.name, self.uid = router, name, uid
        self.version = None
        self.ispi = self.rspi = None
        self.proposal = None
        self.keys = {}
        self.last_parsed = None  # 'request' or 'response'


def read_log(path, router):
    """Yield (ike_sa key or None, group, text, dump bytes or None) in log order.  charon is
    multi-threaded: a dump's rows follow its header in the same thread, possibly interleaved
    with other threads' lines, so rows are matched by thread number."""
    recs = []
    for line in open(path, encoding='utf-8', errors='replace').read().splitlines():
        m = LINE.match(line)
        if m:
            recs.append(m.groups())
    used = [False] * len(recs)
    for i, (thr, grp, name, uid, text) in enumerate(recs):
        if used[i]:
            continue
        text = text.strip()
        sa = (router, int(uid)) if uid else None  # the name appears only once known
        h = DUMP_HEAD.match(text)
        if not h:
            yield sa, grp, text, None
            continue
        want = int(h.group(2))
        data = bytearray()
        j = i + 1
        while len(data) < want and j < len(recs):
            if recs[j][0] == thr and not used[j]:
                r = DUMP_ROW.match(recs[j][4])
                if not r:
                    break
                data += bytes.fromhex(r.group(2).replace(' ', '')[:2 * min(16, want - len(data))])
                used[j] = True
            j += 1
        if len(data) != want:
            sys.exit(f'{path}: dump "{h.group(1)}" has {len(data)} of {want} bytes')
        yield sa, grp, h.group(1), bytes(data)


def parse(paths):
    ikes = {}
    children = []
    for path in paths:
        router = os.path.basename(os.path.dirname(os.path.abspath(path)))
        child = None
        for sa, grp, text, dump in read_log(path, router):
            if sa is None:
                continue
            ike = ikes.setdefault(sa, IkeSa(router, None, sa[1]))
            if dump is not None:
                if text == 'natd_chunk' and len(dump) >= 16 and ike.rspi is None \
                        and any(dump[8:16]):
                    ike.ispi, ike.rspi = dump[:8].hex(), dump[8:16].hex()
                elif text in ('encryption key Ka', 'SKEYID_d', 'SKEYID_a', 'Sk_ei secret',
                              'Sk_er secret', 'Sk_ai secret', 'Sk_ar secret'):
                    ike.keys[text] = dump.hex()
                    ike.version = 1 if text == 'encryption key Ka' else 2
                elif child is not None and re.match(r'(encryption|integrity) (initiator|responder) key$', text):
                    child['keys'][text] = dump.hex()
                continue
            m = re.match(r'selected proposal: IKE:(\S+)', text)
            if m:
                ike.proposal = m.group(1)
            m = re.match(r'parsed (\S+) (request|response) ', text)
            if m:
                ike.last_parsed = m.group(2)
            if re.match(r'CHILD_SA \S+ state change: \S+ => INSTALLING', text):
                child = {'ike': sa, 'router': router, 'keys': {}, 'encr': None, 'integ': None,
                         'initiator': ike.last_parsed == 'response', 'sas': []}
                children.append(child)
                continue
            if child is None or child['ike'] != sa:
                continue
            m = re.match(r'using (\S+) for (encryption|integrity)', text)
            if m:
                child['encr' if m.group(2) == 'encryption' else 'integ'] = m.group(1)
            m = re.match(r'adding (inbound|outbound) ESP SA', text)
            if m:
                child['sas'].append({'dir': m.group(1)})
            m = re.match(r'SPI 0x([0-9a-f]+), src (\S+) dst (\S+)', text)
            if m and child['sas'] and 'spi' not in child['sas'][-1]:
                child['sas'][-1].update(spi=int(m.group(1), 16), src=m.group(2), dst=m.group(3))
    return ikes, children


def esp_sas(children, prefer=None):
    """One entry per SPI; the same SA appears in both peers' logs.  Behind a NAT the peers
    see different addresses: the entry of router `prefer` (the capture's side) wins."""
    out = {}
    for c in children:
        for sa in c['sas']:
            if 'spi' not in sa:
                sys.exit(f'{c["router"]}: an {sa["dir"]} ESP SA without a logged SPI')
            # Keys of the side that sent this SA's traffic: outbound at the initiator, or
            # inbound at the responder, use the initiator keys.
            use_i = (sa['dir'] == 'outbound') == c['initiator']
            who = 'initiator' if use_i else 'responder'
            ek = c['keys'].get(f'encryption {who} key')
            ak = c['keys'].get(f'integrity {who} key', '')
            if ek is None:
                sys.exit(f'no encryption key for SPI 0x{sa["spi"]:08x} in {c["router"]} log')
            ent = dict(spi=sa['spi'], src=sa['src'], dst=sa['dst'], encr=c['encr'],
                       integ=c['integ'], ek=ek, ak=ak, router=c['router'], dir=sa['dir'])
            key = sa['spi']
            if key in out:
                old = out[key]
                if (old['ek'], old['ak']) != (ek, ak):
                    sys.exit(f'SPI 0x{key:08x}: the two peers logged different keys')
                if (old['src'], old['dst']) != (ent['src'], ent['dst']):
                    if prefer is None:
                        sys.exit(f'SPI 0x{key:08x}: the peers disagree on the addresses '
                                 '(NAT?): say which side was captured with --prefer')
                    if ent['router'] == prefer:
                        out[key] = ent
                continue
            out[key] = ent
    return list(out.values())


def esp_uat(esp):
    uat = ['# Wireshark ESP SAs (esp_sa UAT). Copy into your profile folder or load via',
           '# Edit > Preferences > Protocols > ESP > ESP SAs. Derived from charon level-4 logs.']
    for e in esp:
        ws_e = ESP_ENCR[e['encr']][0]
        ws_a = ESP_INTEG[e['integ']][0] if e['integ'] else 'NULL'
        uat.append(f'"IPv4","{e["src"]}","{e["dst"]}","0x{e["spi"]:08x}","{ws_e}",'
                   f'"0x{e["ek"]}","{ws_a}","0x{e["ak"]}"')
    return uat


def write(outdir, ikes, children, corrupt_dst=None, v1_per_router=False, prefer=None):
    files = {}
    esp = esp_sas(children, prefer)
    esp.sort(key=lambda e: (e['src'], e['spi']))
    for e in esp:
        if e['encr'] not in ESP_ENCR or (e['integ'] and e['integ'] not in ESP_INTEG):
            sys.exit(f'unsupported ESP algorithms {e["encr"]}/{e["integ"]}')
    if corrupt_dst is not None:
        # Deliberately wrong integrity key for the SAs towards one address (esp-wrong-key).
        files['esp_sa.correct'] = esp_uat(esp)
        hit = [e for e in esp if e['dst'] == corrupt_dst]
        if not hit:
            sys.exit(f'no ESP SA towards {corrupt_dst} to corrupt')
        for e in hit:
            b = bytearray(bytes.fromhex(e['ak']))
            b[0] ^= 0xff
            e['ak'] = b.hex()
            e['corrupted'] = True
    if esp:
        tcpd = ['# tcpdump -E file:esp-secrets.txt  (spi@dst algo:key; tcpdump checks no ICV and only',
                '# knows 96-bit ICVs, so SAs with other ICV lengths are listed without -hmac96 and',
                '# their decrypted output ends with the ICV bytes)']
        for e in esp:
            td = ESP_ENCR[e['encr']][1]
            icv = ESP_INTEG[e['integ']][1] if e['integ'] else 0
            algo = td[len(e['ek']) // 2] + ('-hmac96' if icv == 12 else '')
            tcpd.append(f'0x{e["spi"]:08x}@{e["dst"]} {algo}:0x{e["ek"]}')
        files['esp_sa'] = esp_uat(esp)
        files['esp-secrets.txt'] = tcpd
    v1 = [i for i in ikes.values() if i.version == 1 and i.ispi]
    v2 = [i for i in ikes.values() if i.version == 2 and i.ispi]
    seen = {}
    other = []  # IKEv1 SAs whose peers derived different keys (PSK mismatch)
    for i in sorted(v1 + v2, key=lambda i: (i.router, i.uid)):
        k = (i.ispi, i.rspi)
        if k in seen and seen[k].keys != i.keys:
            if not v1_per_router or i.version != 1:
                sys.exit(f'IKE_SA {i.ispi}/{i.rspi}: the two peers logged different keys')
            other.append(i)
            continue
        seen.setdefault(k, i)
    uniq = sorted(seen.values(), key=lambda i: (i.router, i.uid))
    for i in other:
        # Wireshark's table has one key per initiator cookie: the other peer's goes to its own file.
        files.setdefault(f'ikev1_decryption_table.{i.router}', []).append(
            f'{i.ispi},{i.keys["encryption key Ka"]}')
    if any(i.version == 1 for i in uniq):
        files['ikev1_decryption_table'] = [
            f'{i.ispi},{i.keys["encryption key Ka"]}' for i in uniq if i.version == 1]
    skeyid = [i for i in uniq if i.version == 1 and 'SKEYID_d' in i.keys and 'SKEYID_a' in i.keys]
    if skeyid:
        files['ikev1_skeyid'] = [
            '# initiator cookie, responder cookie, SKEYID_d, SKEYID_a, encryption key (one IKEv1 SA per line)'] + [
            f'{i.ispi},{i.rspi},{i.keys["SKEYID_d"]},{i.keys["SKEYID_a"]},{i.keys["encryption key Ka"]}'
            for i in skeyid]
    if any(i.version == 2 for i in uniq):
        rows = []
        for i in uniq:
            if i.version != 2:
                continue
            parts = i.proposal.split('/')
            enc, integ = IKEV2_ENCR.get(parts[0]), IKEV2_INTEG.get(parts[1])
            if not enc or not integ:
                sys.exit(f'unsupported IKEv2 proposal {i.proposal}')
            k = i.keys
            rows.append(f'{i.ispi},{i.rspi},{k["Sk_ei secret"]},{k["Sk_er secret"]},"{enc}",'
                        f'{k["Sk_ai secret"]},{k["Sk_ar secret"]},"{integ}"')
        files['ikev2_decryption_table'] = rows
    words = ['Every SA in this capture, as the routers derived it (charon level-4 log).', '']
    for i in uniq + other:
        words.append(f'IKEv{i.version} SA (logged by {i.router}): initiator SPI {i.ispi}, '
                     f'responder SPI {i.rspi}, proposal {i.proposal}')
        for n, v in sorted(i.keys.items()):
            words.append(f'  {n}: {v}')
    for e in esp:
        words.append(f'ESP SA 0x{e["spi"]:08x} {e["src"]} -> {e["dst"]}: {e["encr"]} key {e["ek"]}, '
                     f'{e["integ"]} key {e["ak"]}' + ('  (DELIBERATELY WRONG)' if e.get('corrupted') else ''))
    files['keys.txt'] = words
    for name, rows in files.items():
        with open(os.path.join(outdir, name), 'w') as f:
            f.write('\n'.join(rows) + '\n')
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--corrupt-dst', help='write a wrong integrity key for SAs towards this address')
    ap.add_argument('--ikev1-per-router', action='store_true',
                    help='peers may disagree on IKEv1 keys (PSK mismatch): one table per router')
    ap.add_argument('logs', nargs='+')
    ap.add_argument('--prefer', help='router whose view of the addresses the capture shows (NAT)')
    a = ap.parse_args()
    ikes, children = parse(a.logs)
    files = write(a.out, ikes, children, a.corrupt_dst, a.ikev1_per_router, a.prefer)
    print(f'charon_keys: {", ".join(sorted(files))}', file=sys.stderr)


if __name__ == '__main__':
    main()
