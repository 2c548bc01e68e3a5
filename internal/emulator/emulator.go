// Package emulator is a local stand-in for the HSS APIs and the IAM, STS, ECS metadata and CCE
// pod identity endpoints the provider uses. It authenticates like the real services
// (SDK-HMAC-SHA256 and SM3 signatures, security tokens, X-Auth-Token), enforces projects,
// regions and enterprise projects, pages, filters, counts requests, and can be told to
// misbehave. One file per API area: auth.go (who is calling), iam.go (IAM and STS),
// metadata.go (ECS metadata, CCE pod identity), hss.go (the HSS route table and the checks
// every HSS list shares), hss_images.go and hss_vulnerabilities.go (what the lists answer),
// paging.go (the one paging helper) and faults.go (misbehaviour on demand).
package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Emulator serves HSS and IAM on one handler: HSS under /v5/, IAM under /v3/.
type Emulator struct {
	mu sync.Mutex
	// metadata is how the ECS metadata service treats session tokens; metadataTokens the
	// ones it issued, with their expiry.
	metadata       MetadataMode
	metadataTokens map[string]time.Time
	// podToken is the token a pod must present to the pod identity endpoint.
	podToken string
	// hideDomains makes GET /v3/auth/domains list nothing, as IAM does for keys whose user
	// may not read itself (iam:users:getUser).
	hideDomains bool
	// expiryLayout, when set, is how temporary keys' expiry is written.
	expiryLayout string
	fixture      *Fixture
	now          func() time.Time
	tokenTTL     time.Duration
	tokens       map[string]*token
	tempKeys     map[string]*tempKey
	tempTTL      time.Duration
	// issued holds every secret the emulator handed out, for tests to look for.
	issued []string
	// signingKey signs test ID tokens; generated on first use, as it takes a while.
	signingKey     *rsa.PrivateKey
	signingKeyOnce sync.Once
	log            []Request
	faults         []Fault
	conns          int
	// openConns and maxOpenConns count connections open now and at most at once.
	openConns, maxOpenConns int
	// inFlight and maxInFlight count HSS requests being served at once.
	inFlight, maxInFlight int
	// limit, when set, throttles HSS requests per caller like the API gateway does.
	limit   rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
	// limitRetryAfter is sent as Retry-After with throttling answers when set.
	limitRetryAfter string
	// latency delays every HSS answer, standing in for a real round trip.
	latency time.Duration
	// logged, when set, receives every request once it is answered.
	logged chan<- Request
}

// Logged sends every request to ch once it is answered, for tests to wait on.
func (e *Emulator) Logged(ch chan<- Request) {
	e.mu.Lock()
	e.logged = ch
	e.mu.Unlock()
}

// Request is what the emulator saw of one request, for tests to assert on.
type Request struct {
	Kind   Kind
	Method string
	Path   string
	// RequestURI is the target as it came on the request line, escapes and query included.
	RequestURI string
	Query      url.Values
	Status     int
	// SdkDate is the request's X-Sdk-Date, which changes whenever a request is signed anew.
	SdkDate string
	// Secrets holds the credential-bearing header values the request carried, so tests can
	// check they never surface elsewhere.
	Secrets   []string
	UserAgent string
	// Signer is the access key that signed the request, "token" for X-Auth-Token, or empty.
	Signer string
	// Algorithm is the signature's, e.g. SDK-HMAC-SHA256.
	Algorithm string
	// DomainID is the X-Domain-Id header; SecurityToken and MetadataToken say whether
	// X-Security-Token and X-Metadata-Token came.
	DomainID                     string
	SecurityToken, MetadataToken bool
	// Cancelled says the client went away before the answer was complete: the request was
	// cancelled on the wire.
	Cancelled bool
}

// Kind classifies requests.
type Kind string

const (
	KindHSS         Kind = "hss"
	KindIAMToken    Kind = "iam-token"
	KindIAMProjects Kind = "iam-projects"
	// KindIAMSecurityToken is POST /v3.0/OS-CREDENTIAL/securitytokens.
	KindIAMSecurityToken Kind = "iam-securitytokens"
	// KindIAMIDToken is POST /v3.0/OS-AUTH/id-token/tokens.
	KindIAMIDToken Kind = "iam-id-token"
	// KindMetadata is the ECS metadata service's GET /openstack/latest/securitykey.
	KindMetadata Kind = "metadata"
	// KindMetadataToken is the metadata service's PUT /meta-data/latest/api/token.
	KindMetadataToken Kind = "metadata-token"
	// KindIAMDomains is GET /v3/auth/domains.
	KindIAMDomains Kind = "iam-domains"
	// KindSTSAssume is IAM v5's POST /v5/agencies/assume.
	KindSTSAssume Kind = "sts-assume"
	// KindSTSCallerIdentity is IAM v5's GET /v5/caller-identity.
	KindSTSCallerIdentity Kind = "sts-caller-identity"
	// KindPodIdentity is the CCE pod identity endpoint, POST PodIdentityPath.
	KindPodIdentity Kind = "pod-identity"
	KindOther       Kind = "other"
)

// New returns an emulator serving f (DefaultFixture when nil).
func New(f *Fixture) *Emulator {
	if f == nil {
		f = DefaultFixture()
	}
	return &Emulator{fixture: f, now: time.Now, tokenTTL: 24 * time.Hour, tokens: map[string]*token{}, tempKeys: map[string]*tempKey{},
		metadataTokens: map[string]time.Time{}, podToken: PodToken}
}

// SetClock replaces the emulator's clock, e.g. to make a signature stale.
func (e *Emulator) SetClock(now func() time.Time) {
	e.mu.Lock()
	e.now = now
	e.mu.Unlock()
}

// Requests returns every request seen so far.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Request(nil), e.log...)
}

// Count returns how many requests of kind were seen.
func (e *Emulator) Count(kind Kind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, r := range e.log {
		if r.Kind == kind {
			n++
		}
	}
	return n
}

// Reset forgets the request log and the connection and concurrency counts (not tokens).
func (e *Emulator) Reset() {
	e.mu.Lock()
	e.log = nil
	e.conns, e.maxInFlight, e.maxOpenConns = 0, 0, e.openConns
	e.mu.Unlock()
}

// MaxInFlight is the most HSS requests served at the same moment.
func (e *Emulator) MaxInFlight() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxInFlight
}

// SetLatency delays every HSS answer by d, whatever faults apply.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	e.latency = d
	e.mu.Unlock()
}

// ConnState is an http.Server ConnState hook that counts the connections clients open, and
// how many are open at once.
func (e *Emulator) ConnState(_ net.Conn, s http.ConnState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch s {
	case http.StateNew:
		e.conns++
		e.openConns++
		e.maxOpenConns = max(e.maxOpenConns, e.openConns)
	case http.StateClosed, http.StateHijacked:
		e.openConns--
	}
}

// MaxOpenConnections is the most connections open at the same moment (with ConnState
// installed).
func (e *Emulator) MaxOpenConnections() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxOpenConns
}

// Connections is how many connections were opened (with ConnState installed).
func (e *Emulator) Connections() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conns
}

// Throttled is how many requests were answered 429.
func (e *Emulator) Throttled() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, r := range e.log {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// kindByPath names the fixed-path APIs the emulator serves.
var kindByPath = map[string]Kind{
	"/v3/auth/tokens":                    KindIAMToken,
	"/v3/projects":                       KindIAMProjects,
	"/v3.0/OS-CREDENTIAL/securitytokens": KindIAMSecurityToken,
	"/v3.0/OS-AUTH/id-token/tokens":      KindIAMIDToken,
	"/openstack/latest/securitykey":      KindMetadata,
	"/meta-data/latest/api/token":        KindMetadataToken,
	"/v3/auth/domains":                   KindIAMDomains,
	"/v5/agencies/assume":                KindSTSAssume,
	"/v5/caller-identity":                KindSTSCallerIdentity,
	PodIdentityPath:                      KindPodIdentity,
}

func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &recorder{ResponseWriter: w, status: http.StatusOK}
	rw.Header().Set("X-Request-Id", randomHex(16))
	rw.Header().Set("Content-Type", "application/json;charset=UTF-8")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	kind := kindOf(r.URL.Path)
	if strings.HasPrefix(string(kind), "iam-") || strings.HasPrefix(string(kind), "sts-") {
		// IAM answers every request with a trace ID, which its support asks for.
		rw.Header().Set("X-IAM-Trace-Id", randomHex(16))
	}
	defer e.record(r, rw, kind)
	if kind == KindHSS {
		done, ok := e.enterHSS(r)
		defer done()
		if !ok {
			return
		}
	}
	answered, pf := e.injectFault(rw, r, kind, body)
	if answered {
		return
	}
	e.dispatch(kind, rw, r, body, pf)
}

// kindOf classifies a request by its path.
func kindOf(path string) Kind {
	if kind, known := kindByPath[path]; known {
		return kind
	}
	if isImageList(path) {
		return KindHSS
	}
	return KindOther
}

// record logs the request once it is answered, and hands it to whoever waits for it.
func (e *Emulator) record(r *http.Request, rw *recorder, kind Kind) {
	e.mu.Lock()
	rec := Request{Kind: kind, Method: r.Method, Path: r.URL.Path, RequestURI: r.URL.RequestURI(), Query: r.URL.Query(), Status: rw.status,
		SdkDate: r.Header.Get(sigDateHeader), Secrets: secretHeaders(r, rw), UserAgent: r.UserAgent(),
		DomainID: r.Header.Get("X-Domain-Id"), SecurityToken: r.Header.Get("X-Security-Token") != "", MetadataToken: r.Header.Get("X-Metadata-Token") != ""}
	if a, err := parseAuthorization(r.Header.Get("Authorization")); err == nil {
		rec.Signer, rec.Algorithm = a.accessKey, a.alg.name
	} else if r.Header.Get("X-Auth-Token") != "" {
		rec.Signer = "token"
	}
	rec.Cancelled = r.Context().Err() != nil
	e.log = append(e.log, rec)
	logged := e.logged
	e.mu.Unlock()
	if logged != nil {
		logged <- rec
	}
}

// enterHSS counts an HSS request in flight and waits out the configured latency; ok is false
// when the client went away meanwhile. done ends the count.
func (e *Emulator) enterHSS(r *http.Request) (done func(), ok bool) {
	e.mu.Lock()
	e.inFlight++
	e.maxInFlight = max(e.maxInFlight, e.inFlight)
	latency := e.latency
	e.mu.Unlock()
	done = func() {
		e.mu.Lock()
		e.inFlight--
		e.mu.Unlock()
	}
	if latency <= 0 {
		return done, true
	}
	t := time.NewTimer(latency)
	defer t.Stop()
	select {
	case <-t.C:
		return done, true
	case <-r.Context().Done():
		return done, false
	}
}

// dispatch answers a request by its kind.
func (e *Emulator) dispatch(kind Kind, w *recorder, r *http.Request, body []byte, pf PageFault) {
	switch kind {
	case KindIAMToken:
		e.issueToken(w, r, body)
	case KindIAMProjects:
		e.listProjects(w, r, body)
	case KindIAMSecurityToken:
		e.securityTokens(w, r, body)
	case KindIAMIDToken:
		e.idTokenTokens(w, r, body)
	case KindMetadata:
		e.metadataSecurityKey(w, r)
	case KindMetadataToken:
		e.metadataToken(w, r)
	case KindIAMDomains:
		e.listDomains(w, r, body)
	case KindSTSAssume:
		e.assumeAgencyV5(w, r, body)
	case KindSTSCallerIdentity:
		e.callerIdentity(w, r, body)
	case KindPodIdentity:
		e.podIdentity(w, r, body)
	case KindHSS:
		e.serveImageList(w, r, body, pf)
	default:
		writeError(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment.")
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func secretHeaders(r *http.Request, w http.ResponseWriter) []string {
	var out []string
	for _, h := range []string{"Authorization", "X-Auth-Token", "X-Security-Token", "X-Metadata-Token"} {
		if v := r.Header.Get(h); v != "" {
			out = append(out, v)
		}
	}
	if v := w.Header().Get("X-Subject-Token"); v != "" {
		out = append(out, v)
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
