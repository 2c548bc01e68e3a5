package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// This file verifies SDK-HMAC-SHA256 and SDK-HMAC-SM3 signatures from the published
// algorithm, independently of the SDK's signer (and, for SM3, over another module's hash than
// the SDK uses), so a signing mistake on the client side fails here as it would at the real
// API gateway.

const (
	sigDateHeader = "X-Sdk-Date"
	sigDateLayout = "20060102T150405Z"
	// maxClockSkew is how far X-Sdk-Date may be from the gateway's clock.
	maxClockSkew = 15 * time.Minute
)

// sigAlgorithm is one signing algorithm: its name in Authorization, the header that may carry
// the payload's hash, and its hash.
type sigAlgorithm struct {
	name, payloadHeader string
	hash                func() hash.Hash
}

var (
	hmacSHA256 = sigAlgorithm{"SDK-HMAC-SHA256", "X-Sdk-Content-Sha256", sha256.New}
	hmacSM3    = sigAlgorithm{"SDK-HMAC-SM3", "X-Sdk-Content-Sm3", sm3.New}
)

// authorization is the parsed Authorization header.
type authorization struct {
	alg           sigAlgorithm
	accessKey     string
	signedHeaders []string
	signature     string
}

var errNotSigned = errors.New("not an SDK-HMAC-SHA256 or SDK-HMAC-SM3 request")

func parseAuthorization(h string) (*authorization, error) {
	a := &authorization{}
	var rest string
	var ok bool
	for _, alg := range []sigAlgorithm{hmacSHA256, hmacSM3} {
		if rest, ok = strings.CutPrefix(h, alg.name+" "); ok {
			a.alg = alg
			break
		}
	}
	if !ok {
		return nil, errNotSigned
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("malformed Authorization element %q", part)
		}
		switch k {
		case "Access":
			a.accessKey = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.accessKey == "" || len(a.signedHeaders) == 0 || a.signature == "" {
		return nil, errors.New("authorization lacks Access, SignedHeaders or Signature")
	}
	return a, nil
}

// verifySignature checks r, whose body is body, against secretKey at time now.
func verifySignature(r *http.Request, body []byte, a *authorization, secretKey string, now time.Time) error {
	date := r.Header.Get(sigDateHeader)
	if date == "" {
		return errors.New("missing X-Sdk-Date")
	}
	t, err := time.Parse(sigDateLayout, date)
	if err != nil {
		return fmt.Errorf("malformed X-Sdk-Date %q", date)
	}
	if d := now.Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return fmt.Errorf("X-Sdk-Date %s is more than %s away from the server clock", date, maxClockSkew)
	}
	signsDate := false
	for _, h := range a.signedHeaders {
		if h == strings.ToLower(sigDateHeader) {
			signsDate = true
		}
	}
	if !signsDate {
		return errors.New("x-sdk-date is not among the signed headers")
	}
	canonical := canonicalRequest(r, body, a)
	toSign := a.alg.name + "\n" + date + "\n" + hexHash(a.alg.hash, []byte(canonical))
	mac := hmac.New(a.alg.hash, []byte(secretKey))
	mac.Write([]byte(toSign))
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
		return errors.New("signature mismatch")
	}
	return nil
}

func hexHash(h func() hash.Hash, data []byte) string {
	d := h()
	d.Write(data)
	return hex.EncodeToString(d.Sum(nil))
}

func canonicalRequest(r *http.Request, body []byte, a *authorization) string {
	signed := a.signedHeaders
	payload := r.Header.Get(a.alg.payloadHeader)
	if payload == "" {
		payload = hexHash(a.alg.hash, body)
	}
	return strings.Join([]string{
		r.Method,
		canonicalPath(r.URL.Path),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, signed),
		strings.Join(signed, ";"),
		payload,
	}, "\n")
}

// canonicalPath percent-encodes each segment of the decoded path and ends it with "/".
func canonicalPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = percentEncode(s)
	}
	out := strings.Join(segs, "/")
	if !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out
}

func canonicalQuery(raw string) string {
	vals, _ := url.ParseQuery(raw)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), vals[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, percentEncode(k)+"="+percentEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var vals []string
		if name == "host" {
			vals = []string{r.Host}
		} else {
			for _, v := range r.Header.Values(name) {
				vals = append(vals, strings.TrimSpace(v))
			}
		}
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(name + ":" + v + "\n")
		}
	}
	return b.String()
}

// percentEncode keeps RFC 3986 unreserved characters and encodes every other byte.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
