/* ESP decrypt benchmark: OpenSSL 3 vs intel-ipsec-mb 1.3 (job API).
 * Scratch experiment. Build:
 *   gcc -O2 -Wall -o bench bench.c -lIPSec_MB -lcrypto
 * Usage: ./bench [auto|avx512|avx2|avx|sse] [noshani]
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <intel-ipsec-mb.h>

#define N 200000
#define NSA 8
#define REPS 3

typedef struct { uint64_t off; uint32_t len, ct, inner; uint8_t sa; } pkt_t;

typedef struct {
    int gcm;
    pkt_t *p;
    uint8_t *buf, *outA, *outB, *ref; /* ref = original plaintext (ct bytes at off) */
    size_t total;
} set_t;

/* SA material */
static uint8_t cbc_key[NSA][16], auth_key[NSA][20], gcm_key[NSA][16], gcm_salt[NSA][4];
static EVP_CIPHER_CTX *ossl_cbc[NSA], *ossl_gcm[NSA];
static SHA_CTX ossl_ictx[NSA], ossl_octx[NSA];
/* ipsec-mb SA material */
static DECLARE_ALIGNED(uint32_t mb_enc_k[NSA][4 * 15], 16);
static DECLARE_ALIGNED(uint32_t mb_dec_k[NSA][4 * 15], 16);
static DECLARE_ALIGNED(uint8_t mb_ipad[NSA][64], 16);
static DECLARE_ALIGNED(uint8_t mb_opad[NSA][64], 16);
static struct gcm_key_data mb_gcm_k[NSA];
static IMB_MGR *mgr;
static IMB_MGR *mgrs[3];
static int g_mis;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int mix_size(int i)
{
    int r = rand() % 10;
    (void)i;
    if (r < 4) return 64 + rand() % 65;
    if (r < 7) return 512;
    return 1400;
}

/* Build N ESP packets. fixed>0: uniform inner size. */
static void build_set(set_t *s, int gcm, int fixed)
{
    s->gcm = gcm;
    s->p = calloc(N, sizeof(pkt_t));
    uint64_t off = 0;
    srand(12345 + fixed);
    for (int i = 0; i < N; i++) {
        int inner = fixed ? fixed : mix_size(i);
        int ct, len;
        if (!gcm) {
            ct = (inner + 2 + 15) & ~15;
            len = 8 + 16 + ct + 12;
        } else {
            ct = (inner + 2 + 3) & ~3;
            len = 8 + 8 + ct + 16;
        }
        s->p[i].off = off + g_mis; s->p[i].len = len; s->p[i].inner = inner; s->p[i].ct = ct; s->p[i].sa = i % NSA;
        off += (len + 16 + 63) & ~63;
    }
    s->total = off;
    s->buf = aligned_alloc(64, off); s->outA = aligned_alloc(64, off);
    s->outB = aligned_alloc(64, off); s->ref = aligned_alloc(64, off);
    memset(s->outA, 0, off); memset(s->outB, 0, off);
    RAND_bytes(s->ref, (int)(off > (1u << 30) ? (1u << 30) : off));
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    for (int i = 0; i < N; i++) {
        pkt_t *p = &s->p[i];
        uint8_t *e = s->buf + p->off;
        int sa = p->sa, l;
        uint32_t spi = 0x1000 + sa, seq = i + 1;
        e[0] = spi >> 24; e[1] = spi >> 16; e[2] = spi >> 8; e[3] = spi;
        e[4] = seq >> 24; e[5] = seq >> 16; e[6] = seq >> 8; e[7] = seq;
        int ivlen = gcm ? 8 : 16;
        uint8_t *iv = e + 8, *ctp = e + 8 + ivlen;
        RAND_bytes(iv, ivlen);
        /* plaintext: inner(random) | pad 1..k | padlen | nh=4 */
        uint8_t *pt = s->ref + p->off;
        {   /* ESP trailer: pad 1,2,3.. | padlen | next header (4 = IPv4) */
            int padlen = p->ct - p->inner - 2;
            for (int k = 0; k < padlen; k++) pt[p->inner + k] = k + 1;
            pt[p->ct - 2] = padlen;
        }
        pt[p->ct - 1] = 4;
        if (!gcm) {
            EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, cbc_key[sa], iv);
            EVP_CIPHER_CTX_set_padding(c, 0);
            EVP_EncryptUpdate(c, ctp, &l, pt, p->ct);
            unsigned int hl = 20; uint8_t h[20];
            HMAC(EVP_sha1(), auth_key[sa], 20, e, 24 + p->ct, h, &hl);
            memcpy(ctp + p->ct, h, 12);
        } else {
            uint8_t nonce[12];
            memcpy(nonce, gcm_salt[sa], 4); memcpy(nonce + 4, iv, 8);
            EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, gcm_key[sa], nonce);
            EVP_EncryptUpdate(c, NULL, &l, e, 8);
            EVP_EncryptUpdate(c, ctp, &l, pt, p->ct);
            EVP_EncryptFinal_ex(c, ctp + p->ct, &l);
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, ctp + p->ct);
        }
    }
    EVP_CIPHER_CTX_free(c);
}

static void free_set(set_t *s)
{
    free(s->p); free(s->buf); free(s->outA); free(s->outB); free(s->ref);
}

static void setup_sas(void)
{
    uint8_t blk[64];
    for (int sa = 0; sa < NSA; sa++) {
        RAND_bytes(cbc_key[sa], 16); RAND_bytes(auth_key[sa], 20);
        RAND_bytes(gcm_key[sa], 16); RAND_bytes(gcm_salt[sa], 4);
        /* OpenSSL CBC: one ctx per SA, init once, no padding */
        uint8_t z[16] = {0};
        ossl_cbc[sa] = EVP_CIPHER_CTX_new();
        EVP_DecryptInit_ex(ossl_cbc[sa], EVP_aes_128_cbc(), NULL, cbc_key[sa], z);
        EVP_CIPHER_CTX_set_padding(ossl_cbc[sa], 0);
        ossl_gcm[sa] = EVP_CIPHER_CTX_new();
        EVP_DecryptInit_ex(ossl_gcm[sa], EVP_aes_128_gcm(), NULL, gcm_key[sa], NULL);
        /* HMAC precomputed states */
        memset(blk, 0x36, 64); for (int j = 0; j < 20; j++) blk[j] ^= auth_key[sa][j];
        SHA1_Init(&ossl_ictx[sa]); SHA1_Update(&ossl_ictx[sa], blk, 64);
        IMB_SHA1_ONE_BLOCK(mgr, blk, mb_ipad[sa]);
        memset(blk, 0x5c, 64); for (int j = 0; j < 20; j++) blk[j] ^= auth_key[sa][j];
        SHA1_Init(&ossl_octx[sa]); SHA1_Update(&ossl_octx[sa], blk, 64);
        IMB_SHA1_ONE_BLOCK(mgr, blk, mb_opad[sa]);
        IMB_AES_KEYEXP_128(mgr, cbc_key[sa], mb_enc_k[sa], mb_dec_k[sa]);
        IMB_AES128_GCM_PRE(mgr, gcm_key[sa], &mb_gcm_k[sa]);
    }
}

/* ---------------- (a) OpenSSL ---------------- */
static long ossl_cbc_run(set_t *s)
{
    long bad = 0;
    for (int i = 0; i < N; i++) {
        pkt_t *p = &s->p[i];
        const uint8_t *e = s->buf + p->off;
        uint8_t *o = s->outA + p->off;
        int sa = p->sa, l;
        SHA_CTX c = ossl_ictx[sa];
        uint8_t h[20];
        SHA1_Update(&c, e, 24 + p->ct);
        SHA1_Final(h, &c);
        c = ossl_octx[sa];
        SHA1_Update(&c, h, 20);
        SHA1_Final(h, &c);
        if (memcmp(h, e + 24 + p->ct, 12)) { bad++; continue; }
        /* continuation trick: decrypt IV|ct; first output block is garbage */
        EVP_DecryptUpdate(ossl_cbc[sa], o, &l, e + 8, 16 + p->ct);
    }
    return bad;
}

static long ossl_gcm_run(set_t *s)
{
    long bad = 0;
    for (int i = 0; i < N; i++) {
        pkt_t *p = &s->p[i];
        const uint8_t *e = s->buf + p->off;
        uint8_t *o = s->outA + p->off + 16;
        int sa = p->sa, l;
        uint8_t nonce[12];
        EVP_CIPHER_CTX *c = ossl_gcm[sa];
        memcpy(nonce, gcm_salt[sa], 4); memcpy(nonce + 4, e + 8, 8);
        EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce);
        EVP_DecryptUpdate(c, NULL, &l, e, 8);
        EVP_DecryptUpdate(c, o, &l, e + 16, p->ct);
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(e + 16 + p->ct));
        if (EVP_DecryptFinal_ex(c, o + l, &l) <= 0) bad++;
    }
    return bad;
}

/* ---------------- (b) ipsec-mb ---------------- */
static uint8_t (*tags)[16];
static uint8_t (*nonces)[16];
static long mb_bad, mb_ooo, mb_done;
static long mb_next_expected;

static inline void mb_complete(set_t *s, IMB_JOB *job)
{
    long i = (long)(uintptr_t)job->user_data;
    const uint8_t *e = s->buf + s->p[i].off;
    int icv = s->gcm ? 16 : 12;
    int hdr = s->gcm ? 16 : 24;
    if (i != mb_next_expected) mb_ooo++;
    mb_next_expected = i + 1;
    mb_done++;
    if (job->status != IMB_STATUS_COMPLETED ||
        memcmp(tags[i], e + hdr + s->p[i].ct, icv))
        mb_bad++;
}

/* The fields every decrypt job has, and those of AES-CBC + HMAC-SHA1-96. */
static void job_common(IMB_JOB *job, set_t *s, long i)
{
    pkt_t *p = &s->p[i];
    const uint8_t *e = s->buf + p->off;
    job->cipher_direction = IMB_DIR_DECRYPT;
    job->chain_order = IMB_ORDER_HASH_CIPHER;
    job->src = e;
    job->dst = s->outB + p->off + 16;
    job->msg_len_to_cipher_in_bytes = p->ct;
    job->hash_start_src_offset_in_bytes = 0;
    job->auth_tag_output = tags[i];
    job->user_data = (void *)(uintptr_t)i;
    job->key_len_in_bytes = 16;
}

static void job_cbc(IMB_JOB *job, set_t *s, long i)
{
    pkt_t *p = &s->p[i];
    const uint8_t *e = s->buf + p->off;
    int sa = p->sa;
    job->cipher_mode = IMB_CIPHER_CBC;
    job->hash_alg = IMB_AUTH_HMAC_SHA_1;
    job->enc_keys = mb_enc_k[sa];
    job->dec_keys = mb_dec_k[sa];
    job->cipher_start_src_offset_in_bytes = 24;
    job->msg_len_to_hash_in_bytes = 24 + p->ct;
    job->iv = e + 8;
    job->iv_len_in_bytes = 16;
    job->auth_tag_output_len_in_bytes = 12;
    job->u.HMAC._hashed_auth_key_xor_ipad = mb_ipad[sa];
    job->u.HMAC._hashed_auth_key_xor_opad = mb_opad[sa];
}

/* batch: flush after every `batch` submissions (0 = never until the end) */
static void mb_run(set_t *s, int batch)
{
    IMB_JOB *job;
    mb_bad = mb_ooo = mb_done = mb_next_expected = 0;
    for (long i = 0; i < N; i++) {
        pkt_t *p = &s->p[i];
        const uint8_t *e = s->buf + p->off;
        int sa = p->sa;
        job = IMB_GET_NEXT_JOB(mgr);
        job_common(job, s, i);
        if (!s->gcm) {
            job_cbc(job, s, i);
        } else {
            uint8_t *n = nonces[i];
            memcpy(n, gcm_salt[sa], 4); memcpy(n + 4, e + 8, 8);
            job->cipher_mode = IMB_CIPHER_GCM;
            job->hash_alg = IMB_AUTH_AES_GMAC;
            job->enc_keys = &mb_gcm_k[sa];
            job->dec_keys = &mb_gcm_k[sa];
            job->cipher_start_src_offset_in_bytes = 16;
            job->hash_start_src_offset_in_bytes = 16;
            job->msg_len_to_hash_in_bytes = p->ct;
            job->iv = n;
            job->iv_len_in_bytes = 12;
            job->u.GCM.aad = e;
            job->u.GCM.aad_len_in_bytes = 8;
            job->auth_tag_output_len_in_bytes = 16;
        }
        job = IMB_SUBMIT_JOB(mgr);
        while (job) {
            mb_complete(s, job);
            job = IMB_GET_COMPLETED_JOB(mgr);
        }
        if (batch && (i + 1) % batch == 0) {
            while ((job = IMB_FLUSH_JOB(mgr)) != NULL) mb_complete(s, job);
            while ((job = IMB_GET_COMPLETED_JOB(mgr)) != NULL) mb_complete(s, job);
        }
    }
    while ((job = IMB_FLUSH_JOB(mgr)) != NULL) mb_complete(s, job);
    while ((job = IMB_GET_COMPLETED_JOB(mgr)) != NULL) mb_complete(s, job);
}

/* CBC only: one IMB_MGR per size class (ct<=256, <=768, larger) */
static void mb_run_bucket(set_t *s)
{
    IMB_JOB *job;
    mb_bad = mb_ooo = mb_done = mb_next_expected = 0;
    for (long i = 0; i < N; i++) {
        const pkt_t *p = &s->p[i];
        IMB_MGR *m = mgrs[p->ct <= 256 ? 0 : p->ct <= 768 ? 1 : 2];
        job = IMB_GET_NEXT_JOB(m);
        job_common(job, s, i);
        job_cbc(job, s, i);
        job = IMB_SUBMIT_JOB(m);
        while (job) {
            mb_complete(s, job);
            job = IMB_GET_COMPLETED_JOB(m);
        }
    }
    for (int k = 0; k < 3; k++) {
        while ((job = IMB_FLUSH_JOB(mgrs[k])) != NULL) mb_complete(s, job);
        while ((job = IMB_GET_COMPLETED_JOB(mgrs[k])) != NULL) mb_complete(s, job);
    }
}

/* direct GCM API, one packet at a time */
static long mb_gcm_direct(set_t *s)
{
    long bad = 0;
    struct gcm_context_data ctx;
    for (int i = 0; i < N; i++) {
        pkt_t *p = &s->p[i];
        const uint8_t *e = s->buf + p->off;
        int sa = p->sa;
        uint8_t nonce[12], tag[16];
        memcpy(nonce, gcm_salt[sa], 4); memcpy(nonce + 4, e + 8, 8);
        IMB_AES128_GCM_DEC(mgr, &mb_gcm_k[sa], &ctx, s->outB + p->off + 16,
                           e + 16, p->ct, nonce, e, 8, tag, 16);
        if (memcmp(tag, e + 16 + p->ct, 16)) bad++;
    }
    return bad;
}

static long cmp_out(set_t *s, uint8_t *out)
{
    long mm = 0;
    for (int i = 0; i < N; i++) {
        pkt_t *p = &s->p[i];
        if (memcmp(out + p->off + 16, s->ref + p->off, p->ct)) mm++;
    }
    return mm;
}

typedef struct { double best, all[REPS]; } tm_t;

#define TIMEIT(t, stmt) do { for (int r_ = 0; r_ < REPS; r_++) { \
    double t0_ = cpu_now(); stmt; (t).all[r_] = cpu_now() - t0_; \
    if (!r_ || (t).all[r_] < (t).best) (t).best = (t).all[r_]; } } while (0)

static void pr(const char *name, tm_t *t)
{
    printf("  %-34s %10.0f pps  (best of %d: %.4f s; runs %.4f %.4f %.4f)\n",
           name, N / t->best, REPS, t->best, t->all[0], t->all[1], t->all[2]);
}

static void bench_cbc(const char *label, int fixed, int batches)
{
    set_t s; tm_t ta, tb;
    long badA = 0;
    build_set(&s, 0, fixed);
    double bytes = 0; for (int i = 0; i < N; i++) bytes += s.p[i].len;
    printf("\n[AES-128-CBC + HMAC-SHA1-96] %s  (avg ESP len %.0f B)\n", label, bytes / N);
    TIMEIT(ta, badA = ossl_cbc_run(&s));
    memset(s.outB, 0, s.total);
    TIMEIT(tb, mb_run(&s, 0));
    long mmA = cmp_out(&s, s.outA), mmB = cmp_out(&s, s.outB), mmAB = 0;
    for (int i = 0; i < N; i++)
        if (memcmp(s.outA + s.p[i].off + 16, s.outB + s.p[i].off + 16, s.p[i].ct)) mmAB++;
    pr("(a) OpenSSL", &ta); pr("(b) ipsec-mb job API", &tb);
    printf("  ratio b/a = %.2f   (a: %.2f Gb/s, b: %.2f Gb/s of ESP)\n", ta.best / tb.best,
           bytes * 8 / ta.best / 1e9, bytes * 8 / tb.best / 1e9);
    printf("  checks: ossl ICV bad=%ld, mb bad status/ICV=%ld, mb completed=%ld, "
           "out-of-order completions=%ld, plaintext mismatch a-vs-ref=%ld b-vs-ref=%ld a-vs-b=%ld\n",
           badA, mb_bad, mb_done, mb_ooo, mmA, mmB, mmAB);
    if (batches) {
        tm_t tk = {0};
        memset(s.outB, 0, s.total);
        TIMEIT(tk, mb_run_bucket(&s));
        long mmK = cmp_out(&s, s.outB);
        printf("  ipsec-mb, 3 managers by size class: %10.0f pps  ratio vs (a) %.2f  (bad=%ld done=%ld mismatch=%ld, ooo=%ld expected)\n",
               N / tk.best, ta.best / tk.best, mb_bad, mb_done, mmK, mb_ooo);
        int bs[] = {1, 2, 4, 8, 16, 32, 64};
        printf("  ipsec-mb with forced flush every K jobs (jobs in flight <= K):\n");
        for (unsigned k = 0; k < sizeof bs / sizeof bs[0]; k++) {
            tm_t t;
            TIMEIT(t, mb_run(&s, bs[k]));
            printf("    K=%-3d %10.0f pps  ratio vs (a) %.2f  (bad=%ld ooo=%ld)\n",
                   bs[k], N / t.best, ta.best / t.best, mb_bad, mb_ooo);
        }
    }
    free_set(&s);
}

static void bench_gcm(void)
{
    set_t s; tm_t ta, tb, tc;
    long badA = 0, badC = 0;
    build_set(&s, 1, 0);
    double bytes = 0; for (int i = 0; i < N; i++) bytes += s.p[i].len;
    printf("\n[AES-128-GCM-16] mix  (avg ESP len %.0f B)\n", bytes / N);
    TIMEIT(ta, badA = ossl_gcm_run(&s));
    TIMEIT(tb, mb_run(&s, 0));
    long mmB = cmp_out(&s, s.outB), mmA = cmp_out(&s, s.outA);
    long bB = mb_bad, ooo = mb_ooo, done = mb_done;
    memset(s.outB, 0, s.total);
    TIMEIT(tc, badC = mb_gcm_direct(&s));
    long mmC = cmp_out(&s, s.outB);
    pr("(a) OpenSSL EVP", &ta); pr("(b) ipsec-mb job API", &tb);
    pr("(b') ipsec-mb IMB_AES128_GCM_DEC", &tc);
    printf("  ratio b/a = %.2f, b'/a = %.2f\n", ta.best / tb.best, ta.best / tc.best);
    printf("  checks: ossl tag bad=%ld, mb job bad=%ld (completed %ld, ooo %ld), direct tag bad=%ld; "
           "plaintext mismatch a=%ld b=%ld b'=%ld\n", badA, bB, done, ooo, badC, mmA, mmB, mmC);
    free_set(&s);
}

int main(int argc, char **argv)
{
    const char *want = argc > 1 ? argv[1] : "auto";
    uint64_t flags = (argc > 2 && !strcmp(argv[2], "noshani")) ? IMB_FLAG_SHANI_OFF : 0;
    IMB_ARCH arch = IMB_ARCH_NONE;
    mgr = alloc_mb_mgr(flags);
    if (!mgr) { fprintf(stderr, "alloc_mb_mgr failed\n"); return 1; }
    if (!strcmp(want, "auto")) init_mb_mgr_auto(mgr, &arch);
    else if (!strcmp(want, "avx512")) { init_mb_mgr_avx512(mgr); arch = IMB_ARCH_AVX512; }
    else if (!strcmp(want, "avx2")) { init_mb_mgr_avx2(mgr); arch = IMB_ARCH_AVX2; }
    else if (!strcmp(want, "avx")) { init_mb_mgr_avx(mgr); arch = IMB_ARCH_AVX; }
    else { init_mb_mgr_sse(mgr); arch = IMB_ARCH_SSE; }
    const char *an[] = {"none", "noaesni", "sse", "avx", "avx2", "avx512"};
    printf("ipsec-mb %s (hdr %s), requested=%s, arch=%s used_arch=%u err=%d features=0x%llx%s\n",
           imb_get_version_str(), IMB_VERSION_STR, want, an[arch], mgr->used_arch,
           imb_get_errno(mgr), (unsigned long long)mgr->features,
           flags ? " (SHANI off)" : "");
    printf("OpenSSL %s; N=%d packets, %d SAs round-robin, CPU time, best of %d\n",
           OpenSSL_version(OPENSSL_VERSION), N, NSA, REPS);
    for (int k = 0; k < 3; k++) {
        mgrs[k] = alloc_mb_mgr(flags);
        if (!strcmp(want, "auto")) init_mb_mgr_auto(mgrs[k], NULL);
        else if (!strcmp(want, "avx512")) init_mb_mgr_avx512(mgrs[k]);
        else if (!strcmp(want, "avx2")) init_mb_mgr_avx2(mgrs[k]);
        else if (!strcmp(want, "avx")) init_mb_mgr_avx(mgrs[k]);
        else init_mb_mgr_sse(mgrs[k]);
    }
    g_mis = getenv("MISALIGN") ? atoi(getenv("MISALIGN")) : 0;
    if (g_mis) printf("packets misaligned by %d bytes\n", g_mis);
    tags = aligned_alloc(64, (size_t)N * 16);
    nonces = aligned_alloc(64, (size_t)N * 16);
    setup_sas();
    int only_mix = argc > 3 && !strcmp(argv[3], "mix");
    bench_cbc("mix 40% 64-128 / 30% 512 / 30% 1400", 0, 1);
    bench_gcm();
    if (!only_mix) {
        bench_cbc("uniform inner 96", 96, 0);
        bench_cbc("uniform inner 512", 512, 0);
        bench_cbc("uniform inner 1400", 1400, 0);
    }
    free_mb_mgr(mgr);
    return 0;
}
