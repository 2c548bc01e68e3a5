// Package emulator is a local stand-in for the HSS basic-image API and the IAM endpoints the
// provider uses. It authenticates like the real services (SDK-HMAC-SHA256 signatures,
// security tokens, X-Auth-Token), enforces projects, regions and enterprise projects, pages,
// filters, counts requests, and can be told to misbehave.
package emulator

import (
	"cmp"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
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

// principal is an authenticated caller.
type principal struct {
	domain *Domain
	user   *User
	// scope is the project a token is scoped to; empty for AK/SK.
	scope string
	// federated is a user mapped from an OIDC ID token.
	federated bool
}

type token struct {
	p       principal
	expires time.Time
}

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

// SetTokenTTL sets the lifetime of tokens issued from now on.
func (e *Emulator) SetTokenTTL(d time.Duration) {
	e.mu.Lock()
	e.tokenTTL = d
	e.mu.Unlock()
}

// IssueToken mints a token for user, scoped to projectID, valid for ttl, as IAM would.
func (e *Emulator) IssueToken(userName, projectID string, ttl time.Duration) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.fixture.Domains {
		d := &e.fixture.Domains[i]
		for j := range d.Users {
			if d.Users[j].Name == userName {
				return e.mintLocked(principal{domain: d, user: &d.Users[j], scope: projectID}, ttl)
			}
		}
	}
	return ""
}

func (e *Emulator) mintLocked(p principal, ttl time.Duration) string {
	v := "MIIemu" + randomHex(32)
	e.tokens[v] = &token{p: p, expires: e.now().Add(ttl)}
	e.issued = append(e.issued, v)
	return v
}

// Issued returns every token, temporary secret key and security token handed out so far.
func (e *Emulator) Issued() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.issued...)
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

// SetRateLimit throttles HSS requests to rps per caller (a token bucket of size burst), answering
// 429 APIGW.0308 beyond it as the API gateway does; rps <= 0 turns throttling off.
func (e *Emulator) SetRateLimit(rps float64, burst int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.limit, e.burst, e.buckets = rate.Limit(rps), max(1, burst), map[string]*rate.Limiter{}
	if rps <= 0 {
		e.limit = 0
	}
}

// SetLatency delays every HSS answer by d, whatever faults apply.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	e.latency = d
	e.mu.Unlock()
}

// SetRateLimitRetryAfter makes throttling answers carry Retry-After: v; empty sends none,
// as the real API gateway may.
func (e *Emulator) SetRateLimitRetryAfter(v string) {
	e.mu.Lock()
	e.limitRetryAfter = v
	e.mu.Unlock()
}

// allow takes a token from caller's bucket.
func (e *Emulator) allow(caller string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.limit == 0 {
		return true
	}
	b, ok := e.buckets[caller]
	if !ok {
		b = rate.NewLimiter(e.limit, e.burst)
		e.buckets[caller] = b
	}
	return b.AllowN(e.now(), 1)
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

// hssRoute is one HSS image list API. Its method, path and header rule are the SDK's request
// definition's, so the emulator checks what the SDK sends rather than what this project
// believes it sends.
type hssRoute struct {
	reqDef *def.HttpRequestDef
	path   *regexp.Regexp
	// regionHeader is set when the definition sends a region header, which is then required
	// and must name the project's region.
	regionHeader bool
	// imageTypes are the image_type values the API accepts, and minLimit the smallest limit
	// (1 when zero), as the SDK's request model comments list them.
	imageTypes map[string]bool
	minLimit   int
	list       func(e *Emulator, l *imageList, pf PageFault) (total int, page any)
}

// listRoute is the route of the API d defines; its path captures the project and any other
// path parameter, in order.
func listRoute(d *def.HttpRequestDef, imageTypes map[string]bool, minLimit int, list func(*Emulator, *imageList, PageFault) (int, any)) hssRoute {
	var pattern strings.Builder
	pattern.WriteString("^")
	for _, part := range strings.Split(strings.TrimPrefix(d.Path, "/"), "/") {
		pattern.WriteString("/")
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			pattern.WriteString("([^/]+)")
		} else {
			pattern.WriteString(regexp.QuoteMeta(part))
		}
	}
	pattern.WriteString("$")
	rt := hssRoute{reqDef: d, path: regexp.MustCompile(pattern.String()), imageTypes: imageTypes, minLimit: minLimit, list: list}
	for _, f := range d.RequestFields {
		if f.LocationType == def.Header && strings.EqualFold(f.JsonTag, "region") {
			rt.regionHeader = true
		}
	}
	return rt
}

var hssRoutes = []hssRoute{
	listRoute(hssv5.GenReqDefForListImageBasicImage(), imageTypes, 0, (*Emulator).basicImages),
	listRoute(hssv5.GenReqDefForListSwrImageRepository(),
		map[string]bool{"private_image": true, "shared_image": true, "local_image": true, "instance_image": true}, 0, (*Emulator).swrImages),
	listRoute(hssv5.GenReqDefForListImageVulnerabilities(),
		map[string]bool{"private_image": true, "shared_image": true, "instance_image": true, "cicd": true, "harbor": true, "jfrog": true}, 10,
		(*Emulator).vulnerabilities),
}

func isImageList(path string) bool {
	_, m := routeOf(path)
	return m != nil
}

func routeOf(path string) (hssRoute, []string) {
	for _, rt := range hssRoutes {
		if m := rt.path.FindStringSubmatch(path); m != nil {
			return rt, m
		}
	}
	return hssRoute{}, nil
}

func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &recorder{ResponseWriter: w, status: http.StatusOK}
	rw.Header().Set("X-Request-Id", randomHex(16))
	rw.Header().Set("Content-Type", "application/json;charset=UTF-8")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))

	kind, known := kindByPath[r.URL.Path]
	switch {
	case known:
	case isImageList(r.URL.Path):
		kind = KindHSS
	default:
		kind = KindOther
	}
	if strings.HasPrefix(string(kind), "iam-") || strings.HasPrefix(string(kind), "sts-") {
		// IAM answers every request with a trace ID, which its support asks for.
		rw.Header().Set("X-IAM-Trace-Id", randomHex(16))
	}
	defer func() {
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
	}()

	if kind == KindHSS {
		e.mu.Lock()
		e.inFlight++
		e.maxInFlight = max(e.maxInFlight, e.inFlight)
		latency := e.latency
		e.mu.Unlock()
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		defer func() {
			e.mu.Lock()
			e.inFlight--
			e.mu.Unlock()
		}()
	}
	answered, pf := e.injectFault(rw, r, kind, body)
	if answered {
		return
	}
	switch kind {
	case KindIAMToken:
		e.issueToken(rw, r, body)
	case KindIAMProjects:
		e.listProjects(rw, r, body)
	case KindIAMSecurityToken:
		e.securityTokens(rw, r, body)
	case KindIAMIDToken:
		e.idTokenTokens(rw, r, body)
	case KindMetadata:
		e.metadataSecurityKey(rw, r)
	case KindMetadataToken:
		e.metadataToken(rw, r)
	case KindIAMDomains:
		e.listDomains(rw, r, body)
	case KindSTSAssume:
		e.assumeAgencyV5(rw, r, body)
	case KindSTSCallerIdentity:
		e.callerIdentity(rw, r, body)
	case KindPodIdentity:
		e.podIdentity(rw, r, body)
	case KindHSS:
		e.serveImageList(rw, r, body, pf)
	default:
		writeError(rw, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment.")
	}
}

// authenticate accepts an AK/SK signature or an X-Auth-Token.
func (e *Emulator) authenticate(r *http.Request, body []byte) (principal, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if h := r.Header.Get("Authorization"); h != "" {
		a, err := parseAuthorization(h)
		if err != nil {
			return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: "+err.Error())
		}
		d, u, k := e.findAccessKeyLocked(a.accessKey)
		if k == nil {
			tk, ok := e.tempKeys[a.accessKey]
			if !ok {
				return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: the access key does not exist")
			}
			if !now.Before(tk.expires) {
				return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: the temporary access key has expired")
			}
			d, u, k = tk.p.domain, tk.p.user, &AccessKey{AK: a.accessKey, SK: tk.sk, SecurityToken: tk.securityToken}
		}
		if err := verifySignature(r, body, a, k.SK, now); err != nil {
			return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail: "+err.Error())
		}
		st := r.Header.Get("X-Security-Token")
		switch {
		case k.SecurityToken == "" && st != "":
			return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: a security token was sent with a permanent access key")
		case k.SecurityToken != "" && st != k.SecurityToken:
			return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: invalid or missing security token for a temporary access key")
		}
		return principal{domain: d, user: u}, nil
	}
	if v := r.Header.Get("X-Auth-Token"); v != "" {
		t, ok := e.tokens[v]
		if !ok {
			return principal{}, unauthorized("APIGW.0307", "The token is invalid.")
		}
		if !now.Before(t.expires) {
			return principal{}, unauthorized("APIGW.0307", "The token has expired.")
		}
		return t.p, nil
	}
	return principal{}, unauthorized("APIGW.0301", "Incorrect IAM authentication information: no Authorization or X-Auth-Token header")
}

func (e *Emulator) findAccessKeyLocked(ak string) (*Domain, *User, *AccessKey) {
	for i := range e.fixture.Domains {
		d := &e.fixture.Domains[i]
		for j := range d.Users {
			u := &d.Users[j]
			for k := range u.AccessKeys {
				if u.AccessKeys[k].AK == ak {
					return d, u, &u.AccessKeys[k]
				}
			}
		}
	}
	return nil, nil, nil
}

// Wire shapes of IAM's token request.
type tokenBody struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

func (e *Emulator) issueToken(w http.ResponseWriter, r *http.Request, body []byte) {
	var tb tokenBody
	if !decodePost(w, r, body, &tb) {
		return
	}
	id := tb.Auth.Identity
	if len(id.Methods) != 1 || id.Methods[0] != "password" {
		writeError(w, http.StatusBadRequest, "IAM.0001", "Only the password method is supported here.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var dom *Domain
	var usr *User
	for i := range e.fixture.Domains {
		d := &e.fixture.Domains[i]
		if d.Name != id.Password.User.Domain.Name {
			continue
		}
		for j := range d.Users {
			if d.Users[j].Name == id.Password.User.Name && d.Users[j].Password == id.Password.User.Password {
				dom, usr = d, &d.Users[j]
			}
		}
	}
	if usr == nil {
		writeError(w, http.StatusUnauthorized, "IAM.0004", "The username or password is wrong.")
		return
	}
	sc := tb.Auth.Scope.Project
	var projID, projName string
	for region, pid := range dom.Projects {
		if (sc.ID != "" && sc.ID == pid) || (sc.ID == "" && sc.Name == region) {
			projID, projName = pid, region
		}
	}
	if projID == "" {
		writeError(w, http.StatusBadRequest, "IAM.0010", "The project in the token scope does not exist in this account.")
		return
	}
	v := e.mintLocked(principal{domain: dom, user: usr, scope: projID}, e.tokenTTL)
	w.Header().Set("X-Subject-Token", v)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"expires_at": e.tokens[v].expires.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"issued_at":  e.now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		"project":    map[string]any{"id": projID, "name": projName, "domain": map[string]string{"id": dom.ID, "name": dom.Name}},
		"user":       map[string]any{"name": usr.Name, "domain": map[string]string{"id": dom.ID, "name": dom.Name}},
	}})
}

func (e *Emulator) listProjects(w http.ResponseWriter, r *http.Request, body []byte) {
	p, aerr := e.authenticate(r, body)
	if aerr != nil {
		aerr.write(w)
		return
	}
	name := r.URL.Query().Get("name")
	projects := []map[string]string{}
	for region, pid := range p.domain.Projects {
		if name == "" || name == region {
			projects = append(projects, map[string]string{"id": pid, "name": region, "domain_id": p.domain.ID})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": projects})
}

var imageTypes = map[string]bool{"private_image": true, "shared_image": true, "instance_image": true, "cicd": true, "harbor": true}

// imageList is an authorised request to an HSS image list API.
type imageList struct {
	projectID, imageID string
	query              url.Values
	// granted are the enterprise projects the request may read, nil meaning every one.
	granted       map[string]bool
	offset, limit int
}

// serveImageList checks what every HSS image list API checks, then answers through its route.
func (e *Emulator) serveImageList(w http.ResponseWriter, r *http.Request, body []byte, pf PageFault) {
	route, m := routeOf(r.URL.Path)
	if r.Method != route.reqDef.Method {
		writeError(w, http.StatusMethodNotAllowed, "APIGW.0101", "The API does not exist or has not been published in the environment.")
		return
	}
	p, aerr := e.authenticate(r, body)
	if aerr != nil {
		aerr.write(w)
		return
	}
	if !e.allow(p.domain.Name + "/" + p.user.Name) {
		e.mu.Lock()
		if e.limitRetryAfter != "" {
			w.Header().Set("Retry-After", e.limitRetryAfter)
		}
		e.mu.Unlock()
		writeError(w, http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit.")
		return
	}
	l := &imageList{projectID: m[1], query: r.URL.Query(), limit: 10}
	if len(m) > 2 {
		l.imageID = m[2]
	}

	region, owned := "", false
	for reg, pid := range p.domain.Projects {
		if pid == l.projectID {
			region, owned = reg, true
		}
	}
	if !owned || (p.scope != "" && p.scope != l.projectID) || (p.federated && p.scope == "" && r.Header.Get("X-Auth-Token") != "") {
		writeError(w, http.StatusBadRequest, "HSS.0010", "Access denied: the project "+l.projectID+" does not belong to the caller or is outside the token's scope.")
		return
	}
	if hp := r.Header.Get("X-Project-Id"); hp != "" && hp != l.projectID {
		writeError(w, http.StatusBadRequest, "HSS.0010", "Access denied: X-Project-Id does not match the project in the path.")
		return
	}
	switch rh := r.Header.Get("region"); {
	case !route.regionHeader:
	case rh == "":
		writeError(w, http.StatusBadRequest, "HSS.0001", "The region header is required.")
		return
	case rh != region:
		writeError(w, http.StatusBadRequest, "HSS.0001", "The region header "+rh+" does not match the project's region "+region+".")
		return
	}

	if t := l.query.Get("image_type"); !route.imageTypes[t] {
		writeError(w, http.StatusBadRequest, "HSS.0001", "Invalid parameter image_type: "+strconv.Quote(t)+".")
		return
	}
	if s := l.query.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if lo := max(1, route.minLimit); err != nil || n < lo || n > 200 {
			writeError(w, http.StatusBadRequest, "HSS.0001", fmt.Sprintf("Invalid parameter limit: must be an integer from %d to 200.", lo))
			return
		}
		l.limit = n
	}
	if s := l.query.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "HSS.0001", "Invalid parameter offset: must be a non-negative integer.")
			return
		}
		l.offset = n
	}
	var gerr *apiError
	if l.granted, gerr = grantedEPs(p.user, l.query.Get("enterprise_project_id")); gerr != nil {
		gerr.write(w)
		return
	}
	total, data := route.list(e, l, pf)
	writeJSON(w, http.StatusOK, map[string]any{"total_num": total, "data_list": data})
}

// swrImages serves GET /v5/{project_id}/image/swr-repository: the repository images of the
// type asked for, filtered by namespace, name, tag and scan status, with their scans.
func (e *Emulator) swrImages(l *imageList, _ PageFault) (int, any) {
	q := l.query
	e.mu.Lock()
	var found []Image
	for _, img := range e.fixture.Images {
		if img.ProjectID != l.projectID || img.Type != q.Get("image_type") || (l.granted != nil && !l.granted[img.EnterpriseProject]) {
			continue
		}
		status := cmp.Or(img.ScanStatus, "success")
		if !matches(q, "namespace", img.Namespace) || !matches(q, "image_name", img.Name) || !matches(q, "image_version", img.Version) ||
			!matches(q, "scan_status", status) {
			continue
		}
		found = append(found, img)
	}
	e.mu.Unlock()
	page := []map[string]any{}
	for i := l.offset; i < len(found) && i < l.offset+l.limit; i++ {
		img := found[i]
		entry := map[string]any{"image_id": img.ID, "namespace": img.Namespace, "image_name": img.Name, "image_version": img.Version,
			"image_digest": img.Digest, "image_type": img.Type, "scan_status": cmp.Or(img.ScanStatus, "success"),
			"vul_num": img.VulNum, "unsafe_setting_num": img.UnsafeSettingNum, "malicious_file_num": img.MaliciousFileNum}
		if img.ScanFailedDesc != "" {
			entry["scan_failed_desc"] = img.ScanFailedDesc
		}
		if img.LatestScanTime > 0 {
			entry["latest_scan_time"] = img.LatestScanTime
		}
		page = append(page, entry)
	}
	return len(found), page
}

// vulnerabilities serves GET /v5/{project_id}/image/{image_id}/vulnerabilities: the image's
// vulnerabilities, filtered as the API filters them (vul_id matches in part), the tag as tag_name.
func (e *Emulator) vulnerabilities(l *imageList, _ PageFault) (int, any) {
	q := l.query
	tagged := url.Values{}
	for k, v := range q {
		tagged[k] = v
	}
	if v, ok := q["tag_name"]; ok {
		tagged["image_version"] = v
	}
	found := []Vulnerability{}
	for _, img := range e.images(&imageList{projectID: l.projectID, imageID: l.imageID, query: tagged, granted: l.granted}) {
		for _, v := range img.Vulnerabilities {
			if !matches(q, "repair_necessity", v.RepairNecessity) || !matches(q, "app_name", v.AppName) || !matches(q, "type", v.Type) ||
				!matches(q, "handle_status", v.HandleStatus) || !strings.Contains(v.VulID, q.Get("vul_id")) {
				continue
			}
			found = append(found, v)
		}
	}
	page := []map[string]string{}
	for i := l.offset; i < len(found) && i < l.offset+l.limit; i++ {
		v := found[i]
		page = append(page, map[string]string{"vul_id": v.VulID, "repair_necessity": v.RepairNecessity, "description": v.Description,
			"position": v.Position, "app_name": v.AppName, "app_path": v.AppPath, "version": v.Version, "solution": v.Solution, "url": v.URL})
	}
	return len(found), page
}

// basicImages serves GET /v5/{project_id}/image/{image_id}/basic-image.
func (e *Emulator) basicImages(l *imageList, pf PageFault) (int, any) {
	var entries []BasicImage
	switch imgs := e.images(l); len(imgs) {
	case 1:
		entries = imgs[0].BasicImages // large synthetic images are paged without a copy
	default:
		for _, img := range imgs {
			entries = append(entries, img.BasicImages...)
		}
	}
	if os := strings.ToLower(l.query.Get("os_name")); os != "" {
		filtered := entries[:0:0]
		for _, b := range entries {
			if strings.Contains(strings.ToLower(b.OSName), os) {
				filtered = append(filtered, b)
			}
		}
		entries = filtered
	}
	return page(entries, l.offset, l.limit, pf, ManyEntry, ChurnEntry)
}

// grantedEPs returns the enterprise projects a query may read, nil meaning every one.
func grantedEPs(u *User, requested string) (map[string]bool, *apiError) {
	all := false
	set := map[string]bool{}
	for _, ep := range u.EnterpriseProjects {
		if ep == "*" {
			all = true
		}
		set[ep] = true
	}
	switch requested {
	case "all_granted_eps":
		if all {
			return nil, nil
		}
		return set, nil
	case "":
		requested = "0"
	}
	if !knownEPs[requested] {
		return nil, &apiError{status: http.StatusBadRequest, code: "HSS.0011", msg: "The enterprise project " + requested + " does not exist."}
	}
	if !all && !set[requested] {
		return nil, &apiError{status: http.StatusBadRequest, code: "HSS.0013", msg: "Insufficient permission: no HSS permission for enterprise project " + requested + "."}
	}
	return map[string]bool{requested: true}, nil
}

// images are the scanned images l selects.
func (e *Emulator) images(l *imageList) []Image {
	q := l.query
	imageType := q.Get("image_type")
	if img, ok := synthetic(l.projectID, imageType, l.imageID); ok && (l.granted == nil || l.granted["0"]) {
		return []Image{img}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Image
	for _, img := range e.fixture.Images {
		if img.ProjectID != l.projectID || img.Type != imageType || img.ID != l.imageID {
			continue
		}
		if l.granted != nil && !l.granted[img.EnterpriseProject] {
			continue
		}
		if !matches(q, "namespace", img.Namespace) || !matches(q, "image_name", img.Name) || !matches(q, "image_version", img.Version) {
			continue
		}
		out = append(out, img)
	}
	return out
}

// matches treats an absent filter as a wildcard.
func matches(q url.Values, key, value string) bool {
	v, ok := q[key]
	return !ok || len(v) == 0 || v[0] == value
}

type apiError struct {
	status    int
	code, msg string
}

func (a *apiError) write(w http.ResponseWriter) { writeError(w, a.status, a.code, a.msg) }

func unauthorized(code, msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, msg: msg}
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

// knownEPs are the enterprise projects that exist in the emulated cloud.
var knownEPs = map[string]bool{"0": true, GrantedEP: true, RefusedEP: true}

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
