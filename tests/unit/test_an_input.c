/* Capture input (libpcap), bad capture files, the pcapng writer (read back
 * by libpcap and by tshark) and fragment reassembly. */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/capture.h"
#include "input/reasm.h"
#include "output/pcapng.h"
#include "vs_test.h"

/* ---- capture files written byte by byte (classic pcap, little endian) ---- */

static void w32(FILE *f, uint32_t v)
{
    fwrite(&v, 4, 1, f);
}

static char *tmpname(const char *tag)
{
    static char buf[8][64];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 64, "/tmp/vsa_%s_%d_XXXXXX", tag, (int)getpid());
    int fd = mkstemp(p);
    cr_assert(fd >= 0);
    close(fd);
    return p;
}

static FILE *pcap_hdr(const char *path, uint32_t snaplen, uint32_t linktype)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    w32(f, 0xa1b2c3d4);
    uint16_t v[2] = {2, 4};
    fwrite(v, 2, 2, f);
    w32(f, 0);
    w32(f, 0);
    w32(f, snaplen);
    w32(f, linktype);
    return f;
}

static void rec(FILE *f, uint32_t sec, uint32_t usec, uint32_t caplen, uint32_t len,
                const uint8_t *d, size_t n)
{
    w32(f, sec);
    w32(f, usec);
    w32(f, caplen);
    w32(f, len);
    if (n)
        fwrite(d, 1, n, f);
}

static int read_all(const char *path, vsa_capture *c, uint64_t *frames)
{
    if (vsa_capture_open(c, path) < 0)
        return -2;
    vsa_packet p;
    int r;
    *frames = 0;
    while ((r = vsa_capture_next(c, &p)) == 1)
        (*frames)++;
    vsa_capture_close(c);
    return r;
}

Test(an_input, reads_a_capture_with_nanosecond_times)
{
    const char *path = tmpname("ok");
    FILE *f = pcap_hdr(path, 65535, 1);
    uint8_t d[60] = {1, 2, 3};
    rec(f, 100, 250000, 60, 60, d, 60);
    rec(f, 101, 999999, 0, 0, NULL, 0); /* zero-length record: a frame with no bytes */
    fclose(f);
    vsa_capture c;
    cr_assert_eq(vsa_capture_open(&c, path), 0, "%s", c.error);
    cr_assert_eq(c.linktype, 1);
    vsa_packet p;
    cr_assert_eq(vsa_capture_next(&c, &p), 1);
    cr_assert_eq(p.frame_no, 1);
    cr_assert_eq(p.ts_sec, 100);
    cr_assert_eq(p.ts_nsec, 250000000u);
    cr_assert_eq(p.caplen, 60);
    cr_assert_eq(p.data[2], 3);
    cr_assert_eq(vsa_capture_next(&c, &p), 1);
    cr_assert_eq(p.caplen, 0);
    cr_assert_eq(p.frame_no, 2);
    cr_assert_eq(vsa_capture_next(&c, &p), 0);
    vsa_capture_close(&c);
    remove(path);
}

Test(an_input, nonexistent_and_garbage_files)
{
    vsa_capture c;
    cr_assert_eq(vsa_capture_open(&c, "/nonexistent/x.pcap"), -1);
    cr_assert_str_eq(c.error, "/nonexistent/x.pcap: cannot open capture: No such file or directory");
    cr_assert_eq(vsa_capture_open(&c, "/tmp"), -1);
    cr_assert(strstr(c.error, "is a directory") != NULL);
    const char *path = tmpname("garbage");
    FILE *f = fopen(path, "wb");
    fputs("this is not a capture file at all\n", f);
    fclose(f);
    cr_assert_eq(vsa_capture_open(&c, path), -1);
    cr_assert(strstr(c.error, "not a readable pcap or pcapng capture") != NULL, "%s", c.error);
    cr_assert(strncmp(c.error, path, strlen(path)) == 0);
    /* empty file */
    f = fopen(path, "wb");
    fclose(f);
    cr_assert_eq(vsa_capture_open(&c, path), -1);
    remove(path);
}

Test(an_input, truncated_file_names_the_frame)
{
    const char *path = tmpname("trunc");
    FILE *f = pcap_hdr(path, 65535, 1);
    uint8_t d[100] = {0};
    rec(f, 1, 0, 100, 100, d, 100);
    rec(f, 2, 0, 100, 100, d, 40); /* record cut inside its data */
    fclose(f);
    vsa_capture c;
    uint64_t n;
    cr_assert_eq(read_all(path, &c, &n), -1);
    cr_assert_eq(n, 1);
    cr_assert(strstr(c.error, ": frame 2: ") != NULL, "%s", c.error);
    cr_assert(strstr(c.error, "truncated") != NULL, "%s", c.error);
    /* cut inside a record header */
    f = pcap_hdr(path, 65535, 1);
    rec(f, 1, 0, 100, 100, d, 100);
    fwrite(d, 1, 7, f);
    fclose(f);
    cr_assert_eq(read_all(path, &c, &n), -1);
    cr_assert(strstr(c.error, ": frame 2: ") != NULL, "%s", c.error);
    remove(path);
}

Test(an_input, huge_record_and_snaplen_lie)
{
    const char *path = tmpname("huge");
    FILE *f = pcap_hdr(path, 65535, 1);
    uint8_t d[200] = {0};
    rec(f, 1, 0, 0x7fffffffu, 0x7fffffffu, d, 200);
    fclose(f);
    vsa_capture c;
    uint64_t n;
    cr_assert_eq(read_all(path, &c, &n), -1);
    cr_assert_eq(n, 0);
    cr_assert(strstr(c.error, "frame 1") != NULL, "%s", c.error);
    /* header says snaplen 64, records hold 100 bytes: libpcap copes (reads them) */
    f = pcap_hdr(path, 64, 1);
    rec(f, 1, 0, 100, 100, d, 100);
    rec(f, 2, 0, 100, 100, d, 100);
    fclose(f);
    int r = read_all(path, &c, &n);
    cr_assert(r == 0 || r == -1, "never a crash");
    if (r == -1)
        cr_assert(strstr(c.error, "frame") != NULL);
    remove(path);
}

/* ---- pcapng writer ---- */

Test(an_input, pcapng_round_trip_through_libpcap_and_tshark)
{
    const char *path = tmpname("ng");
    vsa_pcapng w;
    cr_assert_eq(vsa_pcapng_open(&w, path, "vpnscope test"), 0, "%s", w.error);
    uint8_t a[61], b[20];
    for (int i = 0; i < 61; i++)
        a[i] = (uint8_t)i;
    memset(b, 0x45, sizeof b);
    cr_assert_eq(vsa_pcapng_write(&w, 1, 1700000000, 123456789, a, 61, 61, NULL), 0);
    cr_assert_eq(vsa_pcapng_write(&w, 1, 1700000001, 5, b, 20, 20,
                                  "vpnscope: frame 7, ESP SPI 0x12345678 seq 3"), 0);
    cr_assert_eq(vsa_pcapng_close(&w), 0);

    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
    cr_assert_not_null(p, "%s", eb);
    struct pcap_pkthdr *h;
    const u_char *d;
    cr_assert_eq(pcap_next_ex(p, &h, &d), 1);
    cr_assert_eq(pcap_datalink(p), 1);
    cr_assert_eq(h->caplen, 61);
    cr_assert_eq(h->ts.tv_sec, 1700000000);
    cr_assert_eq(h->ts.tv_usec, 123456789, "nanoseconds kept");
    cr_assert_arr_eq(d, a, 61);
    cr_assert_eq(pcap_next_ex(p, &h, &d), 1);
    cr_assert_eq(pcap_datalink(p), 1, "one interface for one link type");
    cr_assert_arr_eq(d, b, 20);
    cr_assert_neq(pcap_next_ex(p, &h, &d), 1);
    pcap_close(p);

    const char *fields[] = {"frame.number", "frame.comment", "frame.len", NULL};
    char **lines = vs_tshark_fields(path, NULL, fields);
    if (lines) {
        cr_assert_not_null(lines[0]);
        cr_assert_not_null(lines[1]);
        cr_assert_str_eq(lines[0], "1||61");
        cr_assert_str_eq(lines[1], "2|vpnscope: frame 7, ESP SPI 0x12345678 seq 3|20");
        cr_assert_null(lines[2]);
        vs_lines_free(lines);
    }
    remove(path);
}

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(buf, 1, cap, f);
    cr_assert(n < cap, "%s fits", path);
    fclose(f);
    return n;
}

/* The threads' path (blocks built apart by vsa_pcapng_epb, written in
 * groups by vsa_pcapng_write_epbs with writev) gives the same file as the
 * one-step writer: every payload and comment length modulo 4, a second link
 * type announced (IDB) at the first packet that uses it, more blocks in a
 * group than one writev takes, and a packet written the one-step way between
 * groups. tshark, an independent reader, then finds every packet. */
Test(an_input, pcapng_blocks_written_in_groups_equal_one_by_one)
{
    const char *p1 = tmpname("ng1"), *p2 = tmpname("ng2");
    vsa_pcapng w1, w2;
    cr_assert_eq(vsa_pcapng_open(&w1, p1, "vpnscope test"), 0, "%s", w1.error);
    cr_assert_eq(vsa_pcapng_open(&w2, p2, "vpnscope test"), 0, "%s", w2.error);
    uint8_t data[64];
    for (int i = 0; i < 64; i++)
        data[i] = (uint8_t)(i * 7);
    static const char *const comments[] = {NULL, "a", "ab", "abc", "abcd", "vpnscope: decrypted"};
    enum { NB = 540, NC = sizeof comments / sizeof comments[0] };
    static uint8_t store[NB][128];
    static uint8_t *epb[NB];
    static uint32_t len[NB];
    static int lt[NB];
    for (size_t k = 0; k < NB; k++) {
        uint32_t pl = (uint32_t)(k / NC % 9);
        const char *cm = comments[k % NC];
        size_t cl = cm ? strlen(cm) : 0;
        /* Ethernet, then raw IP from the 300th packet on, every third */
        lt[k] = k >= 300 && k % 3 == 2 ? 101 : 1;
        size_t n = vsa_pcapng_epb_size(pl, cl);
        cr_assert(n < sizeof store[0]);
        cr_assert_eq(n % 4, 0, "blocks are 32-bit aligned");
        memset(store[k], 0xEE, sizeof store[k]);
        vsa_pcapng_epb(store[k], 1700000000 + (int64_t)k, (uint32_t)k, data, pl, pl + 3, cm, cl);
        cr_assert_eq(store[k][n], 0xEE, "nothing written past the size given");
        epb[k] = store[k];
        len[k] = (uint32_t)n;
        if (k == 300)
            cr_assert_eq(vsa_pcapng_write(&w1, 1, 5, 6, data, 7, 7, "between"), 0);
        cr_assert_eq(vsa_pcapng_write(&w1, lt[k], 1700000000 + (int64_t)k, (uint32_t)k, data, pl,
                                      pl + 3, cm),
                     0);
    }
    /* groups of 1, 299 (past one writev's 256) and the rest */
    cr_assert_eq(vsa_pcapng_write_epbs(&w2, epb, len, lt, 1), 0, "%s", w2.error);
    cr_assert_eq(vsa_pcapng_write_epbs(&w2, epb + 1, len + 1, lt + 1, 299), 0, "%s", w2.error);
    cr_assert_eq(vsa_pcapng_write(&w2, 1, 5, 6, data, 7, 7, "between"), 0);
    cr_assert_eq(vsa_pcapng_write_epbs(&w2, epb + 300, len + 300, lt + 300, NB - 300), 0, "%s",
                 w2.error);
    cr_assert_eq(vsa_pcapng_close(&w1), 0);
    cr_assert_eq(vsa_pcapng_close(&w2), 0);
    static uint8_t a[1 << 17], b[1 << 17];
    size_t n1 = slurp(p1, a, sizeof a), n2 = slurp(p2, b, sizeof b);
    cr_assert_gt(n1, 20000u);
    cr_assert_eq(n1, n2);
    cr_assert_arr_eq(a, b, n1);
    const char *fields[] = {"frame.number", "frame.encap_type", "frame.len", NULL};
    char **lines = vs_tshark_fields(p2, NULL, fields);
    if (lines) {
        size_t n = 0;
        for (; lines[n]; n++) {
            /* WTAP_ENCAP_ETHERNET 1, WTAP_ENCAP_RAW_IP 7; frame.len is the wire length */
            size_t k = n < 300 ? n : n - 1;
            char want[64];
            if (n == 300)
                snprintf(want, sizeof want, "301|1|7");
            else
                snprintf(want, sizeof want, "%zu|%d|%zu", n + 1, lt[k] == 101 ? 7 : 1, k / NC % 9 + 3);
            cr_assert_str_eq(lines[n], want);
        }
        cr_assert_eq(n, NB + 1);
        vs_lines_free(lines);
    }
    remove(p1);
    remove(p2);
}

Test(an_input, pcapng_unwritable_path)
{
    vsa_pcapng w;
    cr_assert_eq(vsa_pcapng_open(&w, "/nonexistent/dir/out.pcapng", "t"), -1);
    cr_assert(strstr(w.error, "cannot create") != NULL);
}

/* ---- reassembly ---- */

static vsa_frag frag(uint32_t id, uint32_t off, bool mf, const uint8_t *data, size_t len, double ts)
{
    static const uint8_t hdr[20] = {0x45};
    vsa_frag f;
    memset(&f, 0, sizeof f);
    f.af = 4;
    f.src[0] = 10;
    f.dst[0] = 11;
    f.id = id;
    f.proto = 50;
    f.offset = off;
    f.mf = mf;
    f.hdr = hdr;
    f.hdr_len = 20;
    f.data = data;
    f.len = len;
    f.ts = ts;
    f.frame_no = off / 8 + 1;
    return f;
}

static uint8_t PAY[3000];

static void fill(void)
{
    for (size_t i = 0; i < sizeof PAY; i++)
        PAY[i] = (uint8_t)(i * 7 + 3);
}

Test(an_input, reassembly_in_any_order)
{
    fill();
    static const uint32_t orders[][3] = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {2, 0, 1}};
    for (int o = 0; o < 4; o++) {
        vsa_reasm *r = vsa_reasm_new(1 << 20, 64, 30.0);
        vsa_reasm_result res = VSA_RA_HELD;
        for (int k = 0; k < 3; k++) {
            uint32_t i = orders[o][k];
            vsa_frag f = frag(7, i * 1480, i < 2, PAY + i * 1480, i < 2 ? 1480 : 40, 1.0);
            res = vsa_reasm_add(r, &f);
            cr_assert_eq(res, k < 2 ? VSA_RA_HELD : VSA_RA_COMPLETE, "order %d step %d", o, k);
        }
        const uint8_t *h, *p;
        size_t hl, pl;
        uint64_t first;
        unsigned nf;
        vsa_reasm_take(r, &h, &hl, &p, &pl, &first, &nf);
        cr_assert_eq(pl, 3000);
        cr_assert_eq(hl, 20);
        cr_assert_eq(h[0], 0x45);
        cr_assert_eq(nf, 3);
        cr_assert_eq(first, 1, "frame of the offset-0 fragment");
        cr_assert_arr_eq(p, PAY, 3000);
        cr_assert_eq(vsa_reasm_stats_get(r)->completed, 1);
        cr_assert_eq(vsa_reasm_bytes_held(r), 0);
        vsa_reasm_free(r);
    }
}

Test(an_input, reassembly_overlaps_duplicates_and_conflicts)
{
    fill();
    vsa_reasm *r = vsa_reasm_new(1 << 20, 64, 30.0);
    vsa_frag a = frag(1, 0, true, PAY, 1000, 1.0);
    cr_assert_eq(vsa_reasm_add(r, &a), VSA_RA_HELD);
    cr_assert_eq(vsa_reasm_add(r, &a), VSA_RA_DUPLICATE, "an identical resend");
    /* overlapping, identical bytes: accepted */
    vsa_frag b = frag(1, 504, false, PAY + 504, 996, 1.0);
    cr_assert_eq(vsa_reasm_add(r, &b), VSA_RA_COMPLETE);
    const uint8_t *h, *p;
    size_t hl, pl;
    vsa_reasm_take(r, &h, &hl, &p, &pl, NULL, NULL);
    cr_assert_eq(pl, 1500);
    cr_assert_arr_eq(p, PAY, 1500);
    /* overlapping with different bytes: the whole datagram is dropped */
    uint8_t evil[1000];
    memcpy(evil, PAY + 504, sizeof evil);
    evil[10] ^= 0xff;
    vsa_frag c = frag(2, 0, true, PAY, 1000, 2.0);
    vsa_frag e = frag(2, 504, false, evil, 996, 2.0);
    cr_assert_eq(vsa_reasm_add(r, &c), VSA_RA_HELD);
    cr_assert_eq(vsa_reasm_add(r, &e), VSA_RA_CONFLICT);
    cr_assert_eq(vsa_reasm_stats_get(r)->conflicts, 1);
    cr_assert_eq(vsa_reasm_stats_get(r)->duplicates, 1);
    cr_assert_eq(vsa_reasm_stats_get(r)->frags_lost, 1);
    cr_assert_eq(vsa_reasm_bytes_held(r), 0);
    /* two different "last" fragments */
    vsa_frag l1 = frag(3, 1000 - 1000 % 8, false, PAY, 100, 3.0);
    vsa_frag l2 = frag(3, 2000, false, PAY, 100, 3.0);
    cr_assert_eq(vsa_reasm_add(r, &l1), VSA_RA_HELD);
    cr_assert_eq(vsa_reasm_add(r, &l2), VSA_RA_CONFLICT);
    /* a non-last fragment whose length is not a multiple of 8 */
    vsa_frag bad = frag(4, 0, true, PAY, 1001, 3.0);
    cr_assert_eq(vsa_reasm_add(r, &bad), VSA_RA_BAD);
    /* beyond 65535 */
    vsa_frag big = frag(5, 65000, false, PAY, 1000, 3.0);
    cr_assert_eq(vsa_reasm_add(r, &big), VSA_RA_BAD);
    cr_assert_eq(vsa_reasm_stats_get(r)->bad, 2);
    vsa_reasm_free(r);
}

Test(an_input, reassembly_timeout_and_memory_bound)
{
    fill();
    vsa_reasm *r = vsa_reasm_new(8192, 4, 30.0);
    vsa_frag a = frag(1, 0, true, PAY, 1480, 1.0);
    cr_assert_eq(vsa_reasm_add(r, &a), VSA_RA_HELD);
    /* 31 s later the first one has expired */
    vsa_frag b = frag(2, 0, true, PAY, 1480, 32.0);
    cr_assert_eq(vsa_reasm_add(r, &b), VSA_RA_HELD);
    cr_assert_eq(vsa_reasm_stats_get(r)->timed_out, 1);
    vsa_frag a2 = frag(1, 1480, false, PAY, 20, 32.5);
    cr_assert_eq(vsa_reasm_add(r, &a2), VSA_RA_HELD, "a new datagram 1, the old one is gone");
    /* at most 4 datagrams in progress: the oldest is evicted */
    for (uint32_t id = 10; id < 14; id++) {
        vsa_frag x = frag(id, 0, true, PAY, 8, 33.0);
        vsa_reasm_add(r, &x);
    }
    cr_assert_geq(vsa_reasm_stats_get(r)->evicted, 2);
    cr_assert_leq(vsa_reasm_bytes_held(r), 8192);
    /* bytes: a datagram that would exceed the budget evicts older ones */
    vsa_frag huge = frag(20, 0, true, PAY, 2992, 33.0);
    vsa_frag huge2 = frag(20, 2992, true, PAY, 2992, 33.0);
    vsa_frag huge3 = frag(20, 5984, true, PAY, 2992, 33.0);
    vsa_reasm_add(r, &huge);
    vsa_reasm_add(r, &huge2);
    vsa_reasm_result last = vsa_reasm_add(r, &huge3);
    cr_assert(last == VSA_RA_TOO_MANY || last == VSA_RA_HELD);
    cr_assert_leq(vsa_reasm_bytes_held(r), 8192, "never above the bound");
    vsa_reasm_flush(r);
    cr_assert_eq(vsa_reasm_bytes_held(r), 0);
    const vsa_reasm_stats *s = vsa_reasm_stats_get(r);
    cr_assert_eq(s->completed, 0);
    cr_assert_geq(s->frags_lost, 8, "every fragment ends counted");
    vsa_reasm_free(r);
}

Test(an_input, reassembly_zero_length_fragments)
{
    /* found by fuzz_an_frame: an empty fragment at offset 0 (an empty datagram) */
    vsa_reasm *r = vsa_reasm_new(1 << 20, 64, 30.0);
    vsa_frag a = frag(9, 0, false, PAY, 0, 1.0);
    cr_assert_eq(vsa_reasm_add(r, &a), VSA_RA_BAD);
    /* an empty last fragment after data is fine */
    vsa_frag a1 = frag(11, 0, true, PAY, 8, 1.0);
    vsa_frag a2 = frag(11, 8, false, PAY, 0, 1.0);
    cr_assert_eq(vsa_reasm_add(r, &a1), VSA_RA_HELD);
    cr_assert_eq(vsa_reasm_add(r, &a2), VSA_RA_COMPLETE);
    const uint8_t *h, *p;
    size_t hl, pl;
    vsa_reasm_take(r, &h, &hl, &p, &pl, NULL, NULL);
    cr_assert_eq(pl, 8);
    cr_assert_eq(hl, 20);
    /* an empty non-last fragment is invalid */
    vsa_frag b = frag(10, 0, true, PAY, 0, 1.0);
    cr_assert_eq(vsa_reasm_add(r, &b), VSA_RA_BAD);
    vsa_reasm_free(r);
}
