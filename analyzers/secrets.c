// SPDX-License-Identifier: ISC
/*
 * Secrets and surprises in an image's bytes (docs/secrets.md): private keys
 * and certificates (PEM and DER, parsed by OpenSSL's libcrypto), strings that
 * look like credentials, build paths that name a user, and the OCaml compiler,
 * toplevel or Dynlink linked in. Debug info shipped is MA-HARD-DEBUG's.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

/*
 * Bounds on hostile input (docs/secrets.md, "Limits"): a scan touches each
 * file byte a fixed number of times, and the parser sees at most this many
 * candidates and bytes; past a bound the scan says so in a diagnostic note.
 */
#define MAX_PEM_BLOCKS 4096		/* "-----BEGIN " headers examined */
#define MAX_PEM_BYTES (64u << 10)	/* a PEM block longer than this is not read */
#define MAX_DER_TRIES 20000		/* DER candidates handed to the parser */
#define MAX_DER_BYTES (64u << 20)	/* bytes handed to the DER parser, all tries */
#define MAX_ITEMS 1000			/* keys, certificates, credentials each */
#define MAX_PATHS 256			/* distinct build path prefixes */

/* Credentials (docs/secrets.md, "Credentials"). */
#define CRED_MIN_LEN 20			/* shorter tokens carry too little to tell */
#define CRED_MAX_LEN 256
#define CRED_MIN_BITS 3.7		/* bits per character, letters and digits */
#define CRED_MIN_BITS_HEX 3.0		/* hex tokens: at most 4 bits a character */
#define CRED_MIN_LEN_HEX 32
#define CRED_MIN_CHANGES 4		/* tenths: class changes per neighbour pair */
#define CRED_MIN_CHANGES_HEX 3
#define CRED_WINDOW 64			/* bytes before the token searched for a keyword */

struct region {
	uint64_t off, size;		/* file bytes */
	int32_t sec;			/* index into image.sections, or -1 */
	bool is_full;			/* keys, certificates, paths */
	bool is_cred;			/* credentials: allocated, non-executable data */
};

struct mask {
	uint64_t lo, hi;		/* file offsets of a PEM block or a DER object found */
};

struct sctx {
	struct audit *a;
	struct secret_facts *f;
	struct region *r;
	size_t n_r, alloc_r;
	struct mask *m;
	size_t n_m, alloc_m;
	size_t n_pem, n_der_tries, n_unparsed;
	uint64_t first_unparsed;
	uint64_t der_bytes;
	bool is_pem_capped, is_der_capped, is_item_capped;
};

/* ---- where ---------------------------------------------------------------- */

static void locate(struct sctx *s, const struct region *r, uint64_t off, struct secret_where *w)
{
	const struct image *img = &s->a->image;
	const struct layout_facts *l = &s->a->facts.layout;
	ptrdiff_t seg, node;

	memset(w, 0, sizeof(*w));
	w->offset = off;
	if (r->sec >= 0) {
		const struct image_section *sec = &img->sections[r->sec];

		w->section = sec->name;
		if (sec->flags & IMG_SHF_ALLOC) {
			w->has_address = true;
			w->address = sec->addr + (off - sec->offset);
		}
	} else if ((seg = image_load_at(img, off, IMG_AT_OFFSET)) >= 0) {
		w->has_address = true;
		w->address = img->segments[seg].vaddr + (off - img->segments[seg].offset);
	}
	if (w->has_address && l->nodes && (node = layout_find(l, w->address)) >= 0 &&
	    l->nodes[node].sym >= 0)
		w->symbol = img->symbols[l->nodes[node].sym].name;
}

/* A finding's location: the symbol holding it, else its section, else its offset. */
static const char *where_text(struct sctx *s, const struct secret_where *w)
{
	if (w->symbol)
		return w->symbol;
	if (w->section)
		return w->section;
	return arena_printf(&s->a->arena, "offset 0x%" PRIx64, w->offset);
}

static void add_finding(struct sctx *s, const char *rule, enum severity sev, const char *loc,
			const char *msg, const char *advice)
{
	struct secret_facts *f = s->f;

	f->findings = arena_push(&s->a->arena, f->findings, f->n_findings, sizeof(*f->findings));
	f->findings[f->n_findings++] = (struct finding){
		.rule = rule, .severity = sev, .location = loc, .message = msg, .witness = -1,
		.advice = advice,
	};
}

static bool masked(const struct sctx *s, uint64_t lo, uint64_t hi)
{
	size_t i;

	for (i = 0; i < s->n_m; i++)
		if (lo < s->m[i].hi && s->m[i].lo < hi)
			return true;
	return false;
}

static void add_mask(struct sctx *s, uint64_t lo, uint64_t hi)
{
	xgrow(&s->m, &s->alloc_m, s->n_m + 1, sizeof(*s->m));
	s->m[s->n_m++] = (struct mask){ lo, hi };
}

static bool room(struct sctx *s, size_t n)
{
	if (n < MAX_ITEMS)
		return true;
	s->is_item_capped = true;
	return false;
}

/* ---- keys and certificates ----------------------------------------------- */

/* No passphrase is ever asked for: an encrypted key is reported as encrypted. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	return 0;
}

static const char *key_algorithm(const EVP_PKEY *pk)
{
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA: return "RSA";
	case EVP_PKEY_RSA_PSS: return "RSA-PSS";
	case EVP_PKEY_EC: return "EC";
	case EVP_PKEY_DSA: return "DSA";
	case EVP_PKEY_DH: return "DH";
	case EVP_PKEY_ED25519: return "ED25519";
	case EVP_PKEY_ED448: return "ED448";
	case EVP_PKEY_X25519: return "X25519";
	case EVP_PKEY_X448: return "X448";
	default: return "unknown";
	}
}

static void add_key(struct sctx *s, const struct region *r, uint64_t off, uint64_t size,
		    enum secret_format fmt, const char *alg, int bits)
{
	struct secret_facts *f = s->f;
	struct secret_key *k;

	if (!room(s, f->n_keys))
		return;
	f->keys = arena_push(&s->a->arena, f->keys, f->n_keys, sizeof(*f->keys));
	k = &f->keys[f->n_keys++];
	*k = (struct secret_key){ .format = fmt, .algorithm = alg, .bits = bits, .size = size };
	locate(s, r, off, &k->where);
}

/* "2026-01-31T12:00:00Z" from an ASN.1 time, or "unknown". */
static const char *iso_time(struct sctx *s, const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return "unknown";
	return arena_printf(&s->a->arena, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The name on one line, as `openssl x509 -noout -subject -nameopt oneline,-esc_msb,utf8`. */
static const char *name_line(struct sctx *s, const X509_NAME *nm)
{
	BIO *b = BIO_new(BIO_s_mem());
	const char *out = "unknown";
	char *p;
	long n;

	if (!b)
		return out;
	if (X509_NAME_print_ex(b, nm, 0, (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) |
			       ASN1_STRFLGS_UTF8_CONVERT) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) >= 0)
		out = arena_strndup(&s->a->arena, p, (size_t)n);
	BIO_free(b);
	return out;
}

static void add_cert(struct sctx *s, const struct region *r, uint64_t off, uint64_t size,
		     enum secret_format fmt, X509 *x)
{
	struct secret_facts *f = s->f;
	const X509_NAME *sub = X509_get_subject_name(x), *iss = X509_get_issuer_name(x);
	EVP_PKEY *pk;
	struct secret_cert *c;

	if (!room(s, f->n_certs))
		return;
	f->certs = arena_push(&s->a->arena, f->certs, f->n_certs, sizeof(*f->certs));
	c = &f->certs[f->n_certs++];
	*c = (struct secret_cert){ .format = fmt, .size = size };
	c->subject = name_line(s, sub);
	c->issuer = name_line(s, iss);
	c->not_before = iso_time(s, X509_get0_notBefore(x));
	c->not_after = iso_time(s, X509_get0_notAfter(x));
	/* Against the clock of the audit: the verdict moves with the day (docs/secrets.md). */
	c->is_expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
	/* Self-signed means signed by its own key, not only issuer = subject. */
	pk = X509_get0_pubkey(x);
	c->is_self_signed = sub && iss && !X509_NAME_cmp(sub, iss) && pk && X509_verify(x, pk) == 1;
	locate(s, r, off, &c->where);
	ERR_clear_error();
}

/* ---- OpenSSH private keys (not a format libcrypto reads) ------------------- */

struct sshbuf {
	const unsigned char *p;
	size_t n;
};

static bool ssh_string(struct sshbuf *b, struct sshbuf *out)
{
	uint32_t len;

	if (b->n < 4)
		return false;
	len = (uint32_t)b->p[0] << 24 | (uint32_t)b->p[1] << 16 | (uint32_t)b->p[2] << 8 | b->p[3];
	if (len > b->n - 4)
		return false;
	out->p = b->p + 4;
	out->n = len;
	b->p += 4 + len;
	b->n -= 4 + len;
	return true;
}

static bool ssh_is(const struct sshbuf *b, const char *s)
{
	return b->n == strlen(s) && !memcmp(b->p, s, b->n);
}

/* Bits of an SSH mpint (big-endian, a leading zero byte keeps it positive). */
static int mpint_bits(const struct sshbuf *m)
{
	size_t i = 0;
	int bits;
	unsigned char c;

	while (i < m->n && !m->p[i])
		i++;
	if (i == m->n || m->n - i > 4096)
		return 0;
	bits = (int)(m->n - i) * 8;
	for (c = m->p[i]; !(c & 0x80); c <<= 1)
		bits--;
	return bits;
}

/*
 * openssh-key-v1 (OpenSSH's PROTOCOL.key): the magic, cipher, KDF, its
 * options, the key count, then the first public key in the clear: its type
 * and parameters give the algorithm and the size even when the private part
 * is encrypted.
 */
static bool openssh_key(const unsigned char *der, size_t n, const char **alg, int *bits)
{
	static const char magic[] = "openssh-key-v1";
	struct sshbuf b, cipher, kdf, opts, pub, type, x;

	if (n < sizeof(magic) + 4 || memcmp(der, magic, sizeof(magic)))
		return false;
	b = (struct sshbuf){ der + sizeof(magic), n - sizeof(magic) };
	if (!ssh_string(&b, &cipher) || !ssh_string(&b, &kdf) || !ssh_string(&b, &opts) ||
	    b.n < 4)
		return false;
	b.p += 4;
	b.n -= 4;
	if (!ssh_string(&b, &pub) || !ssh_string(&pub, &type))
		return false;
	*bits = 0;
	if (ssh_is(&type, "ssh-rsa")) {
		*alg = "RSA";
		if (ssh_string(&pub, &x) && ssh_string(&pub, &x))	/* e, then n */
			*bits = mpint_bits(&x);
	} else if (ssh_is(&type, "ssh-dss")) {
		*alg = "DSA";
		if (ssh_string(&pub, &x))				/* p */
			*bits = mpint_bits(&x);
	} else if (ssh_is(&type, "ssh-ed25519")) {
		*alg = "ED25519";
		*bits = 256;		/* as OpenSSL 3's EVP_PKEY_get_bits says of Ed25519 */
	} else if (ssh_is(&type, "ecdsa-sha2-nistp256")) {
		*alg = "EC";
		*bits = 256;
	} else if (ssh_is(&type, "ecdsa-sha2-nistp384")) {
		*alg = "EC";
		*bits = 384;
	} else if (ssh_is(&type, "ecdsa-sha2-nistp521")) {
		*alg = "EC";
		*bits = 521;
	} else {
		*alg = "unknown";
	}
	return true;
}

/* The base64 body of a PEM block (header lines skipped) decoded into *OUT (heap); its size. */
static size_t pem_body(const unsigned char *p, size_t n, unsigned char **out)
{
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	const unsigned char *body, *end;
	int len = 0, fin = 0;

	*out = NULL;
	if (!ctx)
		return 0;
	body = memchr(p, '\n', n);		/* past the BEGIN line */
	end = n > 5 ? p + n - 1 : p;
	while (end > p && *end != '\n')		/* before the END line */
		end--;
	if (!body || end <= body) {
		EVP_ENCODE_CTX_free(ctx);
		return 0;
	}
	body++;
	*out = xmalloc((size_t)(end - body) + 1);
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, *out, &len, body, (int)(end - body)) < 0 ||
	    EVP_DecodeFinal(ctx, *out + len, &fin) < 0)
		len = fin = 0;
	EVP_ENCODE_CTX_free(ctx);
	return (size_t)(len + fin);
}

/* Whether a PEM body is base64 text (its header lines aside): a key we could not read. */
static bool pem_looks_base64(const unsigned char *p, size_t n)
{
	size_t i, b64 = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (isalnum(c) || c == '+' || c == '/' || c == '=')
			b64++;
		else if (c != '\n' && c != '\r' && c != ' ' && c != ':' && c != ',' && c != '-')
			return false;
	}
	return b64 >= 64;
}

/* ---- PEM -------------------------------------------------------------------- */

static bool label_is(const char *label, const char *suffix)
{
	size_t n = strlen(label), m = strlen(suffix);

	return n >= m && !strcmp(label + n - m, suffix);
}

/* A PEM key or certificate block that does not parse: counted, one note for them all. */
static void unparsed(struct sctx *s, uint64_t off)
{
	if (!s->n_unparsed++)
		s->first_unparsed = off;
}

/* One PEM block [P, P + N) at file offset OFF, labelled LABEL. */
static void pem_block(struct sctx *s, const struct region *r, uint64_t off,
		      const unsigned char *p, size_t n, const char *label)
{
	BIO *b = BIO_new_mem_buf(p, (int)n);
	const char *alg;
	int bits;

	if (!b)
		return;
	if (label_is(label, "PRIVATE KEY")) {
		EVP_PKEY *pk = PEM_read_bio_PrivateKey(b, NULL, no_password, NULL);
		unsigned char *raw = NULL;
		size_t n_raw;

		add_mask(s, off, off + n);
		if (pk) {
			add_key(s, r, off, n, SECRET_PEM, key_algorithm(pk), EVP_PKEY_get_bits(pk));
			EVP_PKEY_free(pk);
		} else if (!strcmp(label, "OPENSSH PRIVATE KEY") &&
			   (n_raw = pem_body(p, n, &raw)) && openssh_key(raw, n_raw, &alg, &bits)) {
			add_key(s, r, off, n, SECRET_PEM, alg, bits);
		} else if (!strcmp(label, "ENCRYPTED PRIVATE KEY") ||
			   memmem(p, n, "Proc-Type: 4,ENCRYPTED", 22)) {
			add_key(s, r, off, n, SECRET_PEM, "encrypted", 0);
		} else if (pem_looks_base64(p + strlen(label) + 16, n - strlen(label) - 16)) {
			add_key(s, r, off, n, SECRET_PEM, "unknown", 0);
		} else {
			unparsed(s, off);
		}
		free(raw);
	} else if (label_is(label, "CERTIFICATE")) {
		X509 *x = PEM_read_bio_X509_AUX(b, NULL, no_password, NULL);

		if (x) {
			add_mask(s, off, off + n);
			add_cert(s, r, off, n, SECRET_PEM, x);
			X509_free(x);
		} else {
			unparsed(s, off);
		}
	}
	BIO_free(b);
	ERR_clear_error();
}

/*
 * A key or certificate BEGIN line without its END line, followed by base64
 * lines: a truncated block, counted with the unparsed ones. Its body is not
 * searched for credentials (its lines are key material near "KEY", and one
 * finding each would say less than the note). A BEGIN line alone (a header
 * string in some PEM library) is nothing.
 */
static void truncated(struct sctx *s, const struct region *r, const unsigned char *p,
		      const unsigned char *body, const unsigned char *end, const char *label)
{
	const unsigned char *q = body;

	if (!label_is(label, "PRIVATE KEY") && !label_is(label, "CERTIFICATE"))
		return;
	while (q < end && q - body < MAX_PEM_BYTES &&
	       (isalnum(*q) || *q == '+' || *q == '/' || *q == '=' || *q == '\n' || *q == '\r'))
		q++;
	if (q - body < 64)
		return;
	unparsed(s, r->off + (uint64_t)(p - (s->a->image.data + r->off)));
	add_mask(s, r->off + (uint64_t)(p - (s->a->image.data + r->off)),
		 r->off + (uint64_t)(q - (s->a->image.data + r->off)));
}

/*
 * Every "-----BEGIN LABEL-----" of a region with its "-----END LABEL-----"
 * within MAX_PEM_BYTES: a key or a certificate block. A BEGIN line without
 * its END (a header string in a PEM library) is not a block.
 */
static void scan_pem(struct sctx *s, const struct region *r)
{
	const unsigned char *base = s->a->image.data + r->off, *p = base, *end = base + r->size;

	while (p < end && (p = memmem(p, (size_t)(end - p), "-----BEGIN ", 11))) {
		char label[65], endline[80];
		const unsigned char *q = p + 11, *e;
		size_t k = 0, lim;

		while (q < end && k < sizeof(label) - 1 && (isupper(*q) || isdigit(*q) || *q == ' '))
			label[k++] = (char)*q++;
		label[k] = 0;
		if (!k || end - q < 5 || memcmp(q, "-----", 5)) {
			p += 11;
			continue;
		}
		if (++s->n_pem > MAX_PEM_BLOCKS) {
			s->is_pem_capped = true;
			return;
		}
		snprintf(endline, sizeof(endline), "-----END %s-----", label);
		lim = (size_t)(end - p) < MAX_PEM_BYTES ? (size_t)(end - p) : MAX_PEM_BYTES;
		e = memmem(p, lim, endline, strlen(endline));
		if (!e) {
			truncated(s, r, p, q + 5, end, label);
			p = q + 5;
			continue;
		}
		e += strlen(endline);
		pem_block(s, r, r->off + (uint64_t)(p - base), p, (size_t)(e - p), label);
		p = e;
	}
}

/* ---- DER -------------------------------------------------------------------- */

/* A DER SEQUENCE's header at P (N bytes left): its total size, or 0. */
static size_t der_seq(const unsigned char *p, size_t n, size_t *hdr)
{
	size_t len;

	if (n < 2 || p[0] != 0x30)
		return 0;
	if (p[1] < 0x80) {
		*hdr = 2;
		len = p[1];
	} else if (p[1] == 0x81 && n >= 3 && p[2] >= 0x80) {
		*hdr = 3;
		len = p[2];
	} else if (p[1] == 0x82 && n >= 4 && p[2]) {
		*hdr = 4;
		len = (size_t)p[2] << 8 | p[3];
	} else {
		return 0;
	}
	return len <= n - *hdr ? *hdr + len : 0;
}

enum der_kind { DER_NONE, DER_KEY, DER_CERT };

/*
 * What the first bytes inside a SEQUENCE make a candidate for: a private key
 * opens with its version INTEGER (0 then the RSA or DSA modulus for PKCS#1;
 * 0 or 1 then the AlgorithmIdentifier for PKCS#8; 1 then the OCTET STRING
 * for SEC1), a certificate with its TBSCertificate SEQUENCE then the
 * explicit version [0] or, for v1, the serial INTEGER.
 */
static enum der_kind der_kind(const unsigned char *in, size_t n)
{
	size_t hdr;

	if (n < 8)
		return DER_NONE;
	if (in[0] == 0x02 && in[1] == 0x01) {
		if (in[2] == 0x00 && in[3] == 0x02)
			return DER_KEY;
		if ((in[2] == 0x00 || in[2] == 0x01) && in[3] == 0x30 && in[4] < 0x80 &&
		    in[5] == 0x06)
			return DER_KEY;
		if (in[2] == 0x01 && in[3] == 0x04)
			return DER_KEY;
		return DER_NONE;
	}
	if (in[0] == 0x30 && (in[1] == 0x81 || in[1] == 0x82) && der_seq(in, n, &hdr) &&
	    ((in[hdr] == 0xa0 && in[hdr + 1] == 0x03 && in[hdr + 2] == 0x02 &&
	      in[hdr + 3] == 0x01 && in[hdr + 4] <= 2) || in[hdr] == 0x02))
		return DER_CERT;
	return DER_NONE;
}

/* One DER candidate: parsed in full (every byte consumed) or not at all. Its size, or 0. */
static size_t der_try(struct sctx *s, const struct region *r, uint64_t off,
		      const unsigned char *p, size_t total, enum der_kind kind)
{
	const unsigned char *q = p;
	size_t got = 0;

	if (s->n_der_tries >= MAX_DER_TRIES || s->der_bytes + total > MAX_DER_BYTES) {
		s->is_der_capped = true;
		return 0;
	}
	s->n_der_tries++;
	s->der_bytes += total;
	if (kind == DER_KEY) {
		EVP_PKEY *pk = d2i_AutoPrivateKey(NULL, &q, (long)total);

		if (pk && (size_t)(q - p) == total) {
			add_key(s, r, off, total, SECRET_DER, key_algorithm(pk),
				EVP_PKEY_get_bits(pk));
			got = total;
		}
		EVP_PKEY_free(pk);
	} else {
		X509 *x = d2i_X509(NULL, &q, (long)total);

		if (x && (size_t)(q - p) == total) {
			add_cert(s, r, off, total, SECRET_DER, x);
			got = total;
		}
		X509_free(x);
	}
	ERR_clear_error();
	return got;
}

static void scan_der(struct sctx *s, const struct region *r)
{
	const unsigned char *base = s->a->image.data + r->off;
	size_t i = 0, n = (size_t)r->size;

	while (i + 8 < n && !s->is_der_capped) {
		const unsigned char *p = memchr(base + i, 0x30, n - i);
		size_t hdr, total, got = 0;
		enum der_kind k;
		uint64_t off;

		if (!p)
			break;
		i = (size_t)(p - base);
		off = r->off + i;
		total = der_seq(p, n - i, &hdr);
		if (total >= 40 && (k = der_kind(p + hdr, total - hdr)) != DER_NONE &&
		    !masked(s, off, off + total))
			got = der_try(s, r, off, p, total, k);
		if (got)
			add_mask(s, off, off + got);
		i += got ? got : 1;
	}
}

/* ---- credentials ------------------------------------------------------------ */

static const char *const keywords[] = {
	"password", "passwd", "passphrase", "secret", "token", "bearer", "api_key", "apikey",
	"api-key", "access_key", "private_key", "credential", "auth", "key", "pwd",
};

static bool is_token_char(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '_' || c == '-';
}

static double entropy(const unsigned char *p, size_t n)
{
	unsigned count[256] = { 0 };
	double h = 0;
	size_t i;

	for (i = 0; i < n; i++)
		count[p[i]]++;
	for (i = 0; i < 256; i++)
		if (count[i]) {
			double q = (double)count[i] / (double)n;

			h -= q * log2(q);
		}
	return h;
}

static int char_class(unsigned char c)
{
	return isupper(c) ? 0 : islower(c) ? 1 : isdigit(c) ? 2 : 3;
}

/*
 * Whether a token looks random enough to be a secret (docs/secrets.md,
 * "Credentials"): long enough, letters and digits (or all hex), high Shannon
 * entropy, and the character class changing often between neighbours, as it
 * does in random text and not in identifiers ("Mirage_crypto__Poly1305",
 * "MathVec_Prefer_No_AVX512"); not a path (a leading '/'), not an OCaml
 * qualified name (a "__"), not a table in order (an alphabet).
 */
static bool looks_random(const unsigned char *p, size_t n, double *h)
{
	bool up = false, low = false, dig = false, hex = true;
	size_t i, runs = 0, pairs = 0, changes = 0;

	if (n < CRED_MIN_LEN || n > CRED_MAX_LEN || p[0] == '/' || memmem(p, n, "__", 2))
		return false;
	for (i = 0; i < n; i++) {
		up |= isupper(p[i]) != 0;
		low |= islower(p[i]) != 0;
		dig |= isdigit(p[i]) != 0;
		hex &= isxdigit(p[i]) != 0;
		runs += i && p[i] == p[i - 1] + 1;
		if (i && isalnum(p[i]) && isalnum(p[i - 1])) {
			pairs++;
			changes += char_class(p[i]) != char_class(p[i - 1]);
		}
	}
	if (!dig || !(up || low) || runs * 4 >= n)
		return false;
	*h = entropy(p, n);
	if (hex && up != low)
		return n >= CRED_MIN_LEN_HEX && *h >= CRED_MIN_BITS_HEX &&
		       changes * 10 >= pairs * CRED_MIN_CHANGES_HEX;
	return *h >= CRED_MIN_BITS && changes * 10 >= pairs * CRED_MIN_CHANGES;
}

/* The keyword in [P, P + N), case-insensitive, or NULL. */
static const char *keyword_in(const unsigned char *p, size_t n)
{
	size_t i, k;

	for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		size_t m = strlen(keywords[k]);

		for (i = 0; i + m <= n; i++)
			if (!strncasecmp((const char *)p + i, keywords[k], m))
				return keywords[k];
	}
	return NULL;
}

static void scan_credentials(struct sctx *s, const struct region *r)
{
	const unsigned char *base = s->a->image.data + r->off;
	size_t i = 0, n = (size_t)r->size;
	struct secret_facts *f = s->f;

	while (i < n) {
		size_t j = i, w;
		const char *kw;
		double h;

		while (j < n && is_token_char(base[j]))
			j++;
		if (j == i) {
			i++;
			continue;
		}
		w = i < CRED_WINDOW ? i : CRED_WINDOW;
		if (looks_random(base + i, j - i, &h) && !masked(s, r->off + i, r->off + j) &&
		    (kw = keyword_in(base + i - w, j - i + w))) {
			struct secret_credential *c;

			if (!room(s, f->n_credentials))
				return;
			f->credentials = arena_push(&s->a->arena, f->credentials,
						    f->n_credentials, sizeof(*f->credentials));
			c = &f->credentials[f->n_credentials++];
			*c = (struct secret_credential){ .keyword = kw, .entropy = h,
							 .length = j - i };
			c->text = arena_printf(&s->a->arena, "%.4s...", (const char *)base + i);
			locate(s, r, r->off + i, &c->where);
		}
		i = j;
	}
}

/* ---- build paths -------------------------------------------------------------- */

static bool is_path_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == '+' || c == '~';
}

static void add_path(struct sctx *s, const char *prefix, const unsigned char *user, size_t n)
{
	struct secret_facts *f = s->f;
	char *path;
	size_t i;

	path = arena_printf(&s->a->arena, "%s%.*s/", prefix, (int)n, (const char *)user);
	for (i = 0; i < f->n_paths; i++)
		if (!strcmp(f->paths[i].path, path)) {
			f->paths[i].count++;
			return;
		}
	if (f->n_paths >= MAX_PATHS) {
		s->is_item_capped = true;
		return;
	}
	f->paths = arena_push(&s->a->arena, f->paths, f->n_paths, sizeof(*f->paths));
	f->paths[f->n_paths++] = (struct secret_path){
		.path = path, .user = arena_strndup(&s->a->arena, (const char *)user, n), .count = 1,
	};
}

/*
 * Home directories in paths: /home/USER/, /Users/USER/ (macOS), /root/
 * (root's home), each at the start of a path (not inside a longer one, so
 * /build/root/ is not root's home) and followed by a further component.
 */
static void scan_paths(struct sctx *s, const struct region *r)
{
	static const char *const homes[] = { "/home/", "/Users/", "/root/" };
	const unsigned char *base = s->a->image.data + r->off;
	size_t n = (size_t)r->size, h;

	for (h = 0; h < sizeof(homes) / sizeof(homes[0]); h++) {
		size_t m = strlen(homes[h]);
		const unsigned char *p = base;

		while ((p = memmem(p, n - (size_t)(p - base), homes[h], m))) {
			const unsigned char *u = p + m, *e = u;
			bool at_start = p == base || !is_path_char(p[-1]);

			p += m;
			if (!at_start)
				continue;
			if (!strcmp(homes[h], "/root/")) {
				if (e < base + n && is_path_char(*e))
					add_path(s, "/root", (const unsigned char *)"", 0);
				continue;
			}
			while (e < base + n && e - u < 64 && (isalnum(*e) || *e == '.' ||
							     *e == '_' || *e == '-'))
				e++;
			if (e > u && e < base + n && *e == '/')
				add_path(s, homes[h], u, (size_t)(e - u));
		}
	}
}

/* ---- the OCaml compiler, toplevel and Dynlink --------------------------------- */

/* Units of compiler-libs distinctive enough that two of them mean the compiler is in. */
static const char *const compiler_units[] = {
	"Typecore", "Typemod", "Typedecl", "Translcore", "Translmod", "Compmisc", "Compenv",
	"Optmain", "Optmaindriver", "Maindriver", "Optcompile", "Compile_common", "Asmgen",
	"Asmlink", "Bytegen", "Cmmgen", "Simplif", "Persistent_env", "Printtyp", "Parmatch",
};
static const char *const toplevel_units[] = {
	"Toploop", "Topdirs", "Topeval", "Topcommon", "Topmain", "Opttoploop", "Opttopdirs",
	"Opttopmain", "Genprintval",
};
static const char *const dynlink_units[] = {
	"Dynlink", "Dynlink_common", "Dynlink_types", "Dynlink_platform_intf",
};

static void toolchain_one(struct sctx *s, const char *what, const char *const *names, size_t n,
			  size_t need)
{
	const struct ocaml_facts *of = &s->a->facts.ocaml;
	struct secret_facts *f = s->f;
	const char *ev = NULL;
	size_t i, found = 0;

	for (i = 0; i < n; i++) {
		if (strset_find(&of->unit_index, names[i]) == UINT32_MAX)
			continue;
		if (found < 4)
			ev = ev ? arena_printf(&s->a->arena, "%s, %s", ev, names[i]) : names[i];
		found++;
	}
	if (found < need)
		return;
	f->toolchain = arena_push(&s->a->arena, f->toolchain, f->n_toolchain,
				  sizeof(*f->toolchain));
	f->toolchain[f->n_toolchain++] = (struct secret_toolchain){
		.what = what,
		.evidence = arena_printf(&s->a->arena, "OCaml units %s%s", ev,
					 found > 4 ? arena_printf(&s->a->arena, " and %zu more",
								  found - 4) : ""),
	};
}

/* ---- regions --------------------------------------------------------------------- */

static int region_cmp(const void *x, const void *y)
{
	const struct region *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

static void add_region(struct sctx *s, struct region r)
{
	xgrow(&s->r, &s->alloc_r, s->n_r + 1, sizeof(*s->r));
	s->r[s->n_r++] = r;
}

/*
 * Every section's file bytes, each file byte at most once (a section that
 * overlaps an earlier one keeps only its new bytes); credentials only in
 * allocated non-executable data. Without section headers, the whole file,
 * and credentials in the file bytes of non-executable PT_LOADs.
 */
static void regions(struct sctx *s)
{
	const struct image *img = &s->a->image;
	uint64_t covered = 0;
	size_t i;

	if (img->has_section_headers && img->n_sections) {
		for (i = 0; i < img->n_sections; i++) {
			const struct image_section *sec = &img->sections[i];

			if (sec->type == IMG_SHT_NOBITS || !sec->size || sec->offset > img->size ||
			    sec->size > img->size - sec->offset)
				continue;
			add_region(s, (struct region){
				.off = sec->offset, .size = sec->size, .sec = (int32_t)i,
				.is_full = true,
				.is_cred = (sec->flags & IMG_SHF_ALLOC) &&
					   !(sec->flags & IMG_SHF_EXECINSTR) &&
					   sec->type != IMG_SHT_NOTE,
			});
		}
		if (s->n_r > 1)
			qsort(s->r, s->n_r, sizeof(*s->r), region_cmp);
		for (i = 0; i < s->n_r; i++) {
			struct region *r = &s->r[i];
			uint64_t hi = r->off + r->size;

			if (hi <= covered) {
				r->size = 0;
				continue;
			}
			if (r->off < covered) {
				r->size = hi - covered;
				r->off = covered;
			}
			covered = hi;
		}
		return;
	}
	add_region(s, (struct region){ .off = 0, .size = img->size, .sec = -1, .is_full = true });
	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *g = &img->segments[i];

		if (g->type == IMG_PT_LOAD && !(g->flags & IMG_PF_X) && g->filesz &&
		    g->offset <= img->size && g->filesz <= img->size - g->offset)
			add_region(s, (struct region){ .off = g->offset, .size = g->filesz,
						       .sec = -1, .is_cred = true });
	}
}

/* ---- findings ---------------------------------------------------------------------- */

static int key_cmp(const void *x, const void *y)
{
	const struct secret_key *a = x, *b = y;

	return a->where.offset < b->where.offset ? -1 : a->where.offset > b->where.offset;
}

static int cert_cmp(const void *x, const void *y)
{
	const struct secret_cert *a = x, *b = y;

	return a->where.offset < b->where.offset ? -1 : a->where.offset > b->where.offset;
}

static int path_cmp(const void *x, const void *y)
{
	return strcmp(((const struct secret_path *)x)->path, ((const struct secret_path *)y)->path);
}

static void findings(struct sctx *s)
{
	struct secret_facts *f = s->f;
	struct arena *ar = &s->a->arena;
	size_t i;

	for (i = 0; i < f->n_keys; i++) {
		const struct secret_key *k = &f->keys[i];

		add_finding(s, "MA-SEC-PRIVATE-KEY", SEV_ERROR, where_text(s, &k->where),
			    arena_printf(ar, "%s private key%s (%s, %" PRIu64 " bytes) at offset 0x%"
					 PRIx64, k->algorithm,
					 k->bits ? arena_printf(ar, " of %d bits", k->bits) : "",
					 k->format == SECRET_PEM ? "PEM" : "DER", k->size,
					 k->where.offset),
			    "remove the key from the image: provision it at run time (a block "
			    "device, the network, a boot argument) and revoke this one");
	}
	for (i = 0; i < f->n_certs; i++) {
		const struct secret_cert *c = &f->certs[i];

		if (!c->is_expired)
			continue;
		add_finding(s, "MA-SEC-CERT-EXPIRED", SEV_WARNING, where_text(s, &c->where),
			    arena_printf(ar, "certificate '%s' expired on %s", c->subject,
					 c->not_after),
			    "renew the certificate, or drop it if nothing uses it");
	}
	for (i = 0; i < f->n_credentials; i++) {
		const struct secret_credential *c = &f->credentials[i];

		add_finding(s, "MA-SEC-CREDENTIAL", SEV_WARNING, where_text(s, &c->where),
			    arena_printf(ar, "a %zu-character string of %.2f bits per character near "
					 "'%s': %s", c->length, c->entropy, c->keyword, c->text),
			    "if it is a credential, revoke it and pass it at run time instead");
	}
	for (i = 0; i < f->n_paths; i++) {
		const struct secret_path *p = &f->paths[i];

		add_finding(s, "MA-SEC-BUILD-PATH", SEV_NOTE, NULL,
			    arena_printf(ar, "build path %s names the user '%s' (%zu times)", p->path,
					 p->user, p->count),
			    "build in a neutral directory, or map it away (-ffile-prefix-map, "
			    "BUILD_PATH_PREFIX_MAP, dune's default)");
	}
	for (i = 0; i < f->n_toolchain; i++) {
		const struct secret_toolchain *t = &f->toolchain[i];

		add_finding(s, "MA-SEC-TOOLCHAIN", SEV_WARNING, NULL,
			    arena_printf(ar, "%s linked in: %s", t->what, t->evidence),
			    "find what links it (mirage-audit why-linked) and drop that dependency: "
			    "a unikernel has no use for a compiler or a code loader");
	}
}

static int secrets_run(struct audit *a)
{
	struct sctx s = { .a = a, .f = &a->facts.secrets };
	size_t i;

	regions(&s);
	for (i = 0; i < s.n_r; i++)
		if (s.r[i].is_full && s.r[i].size) {
			a->facts.secrets.scanned_bytes += s.r[i].size;
			scan_pem(&s, &s.r[i]);
		}
	for (i = 0; i < s.n_r; i++)
		if (s.r[i].is_full && s.r[i].size) {
			scan_der(&s, &s.r[i]);
			scan_paths(&s, &s.r[i]);
		}
	for (i = 0; i < s.n_r; i++)
		if (s.r[i].is_cred && s.r[i].size)
			scan_credentials(&s, &s.r[i]);
	if (a->facts.ocaml.is_present) {
		toolchain_one(&s, "OCaml compiler (compiler-libs)", compiler_units,
			      sizeof(compiler_units) / sizeof(compiler_units[0]), 2);
		toolchain_one(&s, "OCaml toplevel", toplevel_units,
			      sizeof(toplevel_units) / sizeof(toplevel_units[0]), 1);
		toolchain_one(&s, "Dynlink", dynlink_units,
			      sizeof(dynlink_units) / sizeof(dynlink_units[0]), 1);
	}
	if (s.n_unparsed)
		diag_note(&a->diag, "secrets: %zu PEM key or certificate block(s) do not parse, the "
			  "first at offset 0x%" PRIx64, s.n_unparsed, s.first_unparsed);
	if (s.is_pem_capped)
		diag_note(&a->diag, "secrets: over %d PEM headers: the rest were not examined",
			  MAX_PEM_BLOCKS);
	if (s.is_der_capped)
		diag_note(&a->diag, "secrets: DER candidates capped (%d tries, %u MiB): the rest "
			  "were not parsed", MAX_DER_TRIES, MAX_DER_BYTES >> 20);
	if (s.is_item_capped)
		diag_note(&a->diag, "secrets: over %d keys, certificates or credentials, or %d "
			  "build paths: the rest are not listed", MAX_ITEMS, MAX_PATHS);
	/* qsort() wants a non-null base even for no element: sort only what has two. */
	if (a->facts.secrets.n_keys > 1)
		qsort(a->facts.secrets.keys, a->facts.secrets.n_keys, sizeof(struct secret_key),
		      key_cmp);
	if (a->facts.secrets.n_certs > 1)
		qsort(a->facts.secrets.certs, a->facts.secrets.n_certs, sizeof(struct secret_cert),
		      cert_cmp);
	if (a->facts.secrets.n_paths > 1)
		qsort(a->facts.secrets.paths, a->facts.secrets.n_paths, sizeof(struct secret_path),
		      path_cmp);
	findings(&s);
	free(s.r);
	free(s.m);
	a->facts.secrets.is_done = true;
	return 0;
}

const struct analyzer analyzer_secrets = {
	.name = "secrets",
	.id = AN_SECRETS,
	.needs = AN_BIT(AN_OCAML) | AN_BIT(AN_LAYOUT),
	.run = secrets_run,
};
