package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// This file serves the IAM calls that hand out temporary credentials, as the real IAM does:
// an agency's temporary AK/SK for a caller it trusts (POST /v3.0/OS-CREDENTIAL/securitytokens),
// a federated token for an OIDC ID token (POST /v3.0/OS-AUTH/id-token/tokens), and the ECS
// metadata service's temporary AK/SK for the agency bound to the host.

// Agency is a role in a domain that callers of trusted domains may assume.
type Agency struct {
	Name string
	// TrustedDomains are the IDs of the domains whose callers may assume it.
	TrustedDomains []string
}

// IdentityProvider is an OIDC identity provider registered in a domain; ID tokens it issued
// for Audience are exchanged for tokens of a federated user of that domain.
type IdentityProvider struct {
	ID       string
	Issuer   string
	Audience string
}

// Well-known identity fixture values.
const (
	// AgencyName is an agency of the default domain that the foreign domain's users, and the
	// default domain's own, may assume.
	AgencyName = "hss-readonly-agency"
	// HostAgencyName is the agency the emulated ECS host is bound to.
	HostAgencyName = "ecs-hss-agency"
	IdpID          = "github-actions"
	IdpIssuer      = "https://token.actions.githubusercontent.com"
	IdpAudience    = "contoso"
	// DomainID is the ID of the default domain.
	DomainID = "d0000000000000000000000000000001"
	// ForeignDomainID is the ID of the foreign domain.
	ForeignDomainID = "d0000000000000000000000000000002"
	// WorkloadDomainID is a third account, whose agency WorkloadAgencyName the default
	// domain's agencies may assume (through IAM v5): the second hop of a chain.
	WorkloadDomainID   = "d0000000000000000000000000000003"
	WorkloadDomain     = "workload-account"
	WorkloadAgencyName = "workload-hss-agency"
	WorkloadProjectID  = "3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a"
	// PodAgencyName is the agency a CCE pod's identity maps to.
	PodAgencyName = "pod-hss-agency"
	// PodIdentityPath is where the emulated CCE pod identity endpoint answers, and PodToken
	// the token it wants by default.
	PodIdentityPath = "/v1/pod-identity/credentials"
	PodToken        = "pod-token-0001-emulator"
)

// tempKey is a temporary access key, valid until expires.
type tempKey struct {
	sk, securityToken string
	p                 principal
	expires           time.Time
}

// key is the key the emulator signs test ID tokens with.
func (e *Emulator) key() *rsa.PrivateKey {
	e.signingKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		e.signingKey = k
	})
	return e.signingKey
}

// SignIDToken returns an ID token for subject, issued by the fixture's identity provider
// for its audience and valid for ttl; mutate, when set, changes the claims first, e.g. to
// sign for another audience.
func (e *Emulator) SignIDToken(subject string, ttl time.Duration, mutate func(jwt.MapClaims)) string {
	now := e.clock()
	claims := jwt.MapClaims{
		"iss": IdpIssuer, "aud": IdpAudience, "sub": subject,
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(ttl).Unix(),
	}
	if mutate != nil {
		mutate(claims)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "emulator"
	s, err := tok.SignedString(e.key())
	if err != nil {
		panic(err)
	}
	return s
}

// SetTemporaryTTL sets the lifetime of temporary keys issued from now on, whatever the caller
// asked for (the real services cap and floor it, too).
func (e *Emulator) SetTemporaryTTL(d time.Duration) {
	e.mu.Lock()
	e.tempTTL = d
	e.mu.Unlock()
}

func (e *Emulator) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now()
}

// mintKeyLocked issues a temporary AK/SK for p, valid for ttl.
func (e *Emulator) mintKeyLocked(p principal, ttl time.Duration) (ak, sk, st string, expires time.Time) {
	if e.tempTTL > 0 {
		ttl = e.tempTTL
	}
	ak, sk, st = "TMPEMU"+randomHex(10), "tmp-sk-"+randomHex(16), "tmp-st-"+randomHex(24)
	expires = e.now().Add(ttl)
	e.tempKeys[ak] = &tempKey{sk: sk, securityToken: st, p: p, expires: expires}
	return ak, sk, st, expires
}

func (e *Emulator) credentialBody(ak, sk, st string, expires time.Time) map[string]any {
	return map[string]any{"credential": map[string]any{
		"access": ak, "secret": sk, "securitytoken": st, "expires_at": e.expiry(expires, "2006-01-02T15:04:05.000000Z"),
	}}
}

// SetExpiryLayout writes the expiry of temporary keys in layout from now on (a Go time layout,
// applied to the time in UTC unless it names a zone in Asia/Shanghai's +08:00), as services
// and hosts of other versions do; "" restores each service's own.
func (e *Emulator) SetExpiryLayout(layout string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.expiryLayout = layout
}

// expiry formats t in the layout set, else in def. Callers hold e.mu.
func (e *Emulator) expiry(t time.Time, def string) string {
	if e.expiryLayout == "" {
		return t.UTC().Format(def)
	}
	if strings.Contains(e.expiryLayout, "07") {
		return t.In(time.FixedZone("CST", 8*3600)).Format(e.expiryLayout)
	}
	return t.UTC().Format(e.expiryLayout)
}

// Wire shape of a securitytokens request.
type securityTokenBody struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DomainID        string `json:"domain_id"`
				DurationSeconds int    `json:"duration_seconds"`
			} `json:"assume_role"`
			Token *struct {
				ID              string `json:"id"`
				DurationSeconds int    `json:"duration_seconds"`
			} `json:"token"`
		} `json:"identity"`
	} `json:"auth"`
}

// decodePost reads an IAM POST body into v, answering the error itself when it cannot.
func decodePost(w http.ResponseWriter, r *http.Request, body []byte, v any) bool {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "IAM.0001", "method not allowed")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, "IAM.0001", "The request body is not valid JSON.")
		return false
	}
	return true
}

func (e *Emulator) securityTokens(w http.ResponseWriter, r *http.Request, body []byte) {
	var b securityTokenBody
	if !decodePost(w, r, body, &b) {
		return
	}
	caller, aerr := e.authenticate(r, body)
	if aerr != nil {
		aerr.write(w)
		return
	}
	// A global IAM API: signed calls name the account of their keys, as the SDK's global
	// credentials do.
	if r.Header.Get("Authorization") != "" && r.Header.Get("X-Domain-Id") != caller.domain.ID {
		writeError(w, http.StatusUnauthorized, "IAM.0001", "The request you have made requires authentication: X-Domain-Id is missing or is not the account of the access key.")
		return
	}
	if len(b.Auth.Identity.Methods) != 1 {
		writeError(w, http.StatusBadRequest, "IAM.0001", "The request body is not valid.")
		return
	}
	id := b.Auth.Identity
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case id.Methods[0] == "assume_role" && id.AssumeRole != nil:
		ar := id.AssumeRole
		seconds := orDefault(ar.DurationSeconds, 900)
		if seconds < 900 || seconds > 86400 {
			writeError(w, http.StatusBadRequest, "IAM.0001", "duration_seconds must be from 900 to 86400.")
			return
		}
		var dom *Domain
		for i := range e.fixture.Domains {
			d := &e.fixture.Domains[i]
			if (ar.DomainID != "" && d.ID == ar.DomainID) || (ar.DomainID == "" && d.Name == ar.DomainName) {
				dom = d
			}
		}
		var ag *Agency
		if dom != nil {
			for i := range dom.Agencies {
				if dom.Agencies[i].Name == ar.AgencyName {
					ag = &dom.Agencies[i]
				}
			}
		}
		if ag == nil || !contains(ag.TrustedDomains, caller.domain.ID) {
			writeError(w, http.StatusForbidden, "IAM.0002", "The agency does not exist or does not trust the caller's account.")
			return
		}
		ak, sk, st, exp := e.mintKeyLocked(principal{domain: dom, user: agencyUser(ag)}, time.Duration(seconds)*time.Second)
		writeJSON(w, http.StatusCreated, e.credentialBody(ak, sk, st, exp))
	case id.Methods[0] == "token":
		if caller.scope == "" && !caller.federated && r.Header.Get("X-Auth-Token") == "" {
			writeError(w, http.StatusBadRequest, "IAM.0001", "The token method needs X-Auth-Token.")
			return
		}
		seconds := 900
		if id.Token != nil {
			seconds = orDefault(id.Token.DurationSeconds, 900)
		}
		ak, sk, st, exp := e.mintKeyLocked(principal{domain: caller.domain, user: caller.user}, time.Duration(seconds)*time.Second)
		writeJSON(w, http.StatusCreated, e.credentialBody(ak, sk, st, exp))
	default:
		writeError(w, http.StatusBadRequest, "IAM.0001", "Unsupported method.")
	}
}

// agencyUser stands for whoever assumed an agency; agencies here may read every enterprise
// project.
func agencyUser(a *Agency) *User {
	return &User{Name: "agency:" + a.Name, EnterpriseProjects: []string{"*"}}
}

// Wire shape of an id-token request.
type idTokenBody struct {
	Auth struct {
		IDToken struct {
			ID string `json:"id"`
		} `json:"id_token"`
		Scope *struct {
			Domain *struct {
				ID string `json:"id"`
			} `json:"domain"`
			Project *struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

func (e *Emulator) idTokenTokens(w http.ResponseWriter, r *http.Request, body []byte) {
	var b idTokenBody
	if !decodePost(w, r, body, &b) {
		return
	}
	if b.Auth.IDToken.ID == "" {
		writeError(w, http.StatusBadRequest, "IAM.0001", "The request body has no id_token.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	idpID := r.Header.Get("X-Idp-Id")
	var dom *Domain
	var idp *IdentityProvider
	for i := range e.fixture.Domains {
		for j := range e.fixture.Domains[i].IdentityProviders {
			if e.fixture.Domains[i].IdentityProviders[j].ID == idpID {
				dom, idp = &e.fixture.Domains[i], &e.fixture.Domains[i].IdentityProviders[j]
			}
		}
	}
	if idp == nil {
		writeError(w, http.StatusNotFound, "IAM.0003", "The identity provider in X-Idp-Id does not exist.")
		return
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(b.Auth.IDToken.ID, claims, func(*jwt.Token) (any, error) { return &e.key().PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(idp.Issuer), jwt.WithAudience(idp.Audience),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(e.now))
	if err != nil {
		writeError(w, http.StatusUnauthorized, "IAM.0004", "The ID token is not valid: "+err.Error())
		return
	}
	sub, _ := claims["sub"].(string)
	p := principal{domain: dom, user: &User{Name: "federated:" + sub, EnterpriseProjects: []string{"*"}}, federated: true}
	if s := b.Auth.Scope; s != nil {
		switch {
		case s.Domain != nil && s.Domain.ID != dom.ID:
			writeError(w, http.StatusBadRequest, "IAM.0010", "The domain in the scope is not the identity provider's.")
			return
		case s.Project != nil:
			p.scope = s.Project.ID
		}
	}
	v := e.mintLocked(p, e.tokenTTL)
	w.Header().Set("X-Subject-Token", v)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods":    []string{"mapped"},
		"expires_at": e.tokens[v].expires.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"user":       map[string]any{"name": p.user.Name, "domain": map[string]string{"id": dom.ID, "name": dom.Name}},
	}})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ExpireTemporaryKeys ends every temporary key issued so far, as their expiry would.
func (e *Emulator) ExpireTemporaryKeys() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range e.tempKeys {
		k.expires = e.now()
	}
}

// listDomains answers GET /v3/auth/domains with the caller's account, signed without
// X-Domain-Id as the SDK's global credentials look it up.
func (e *Emulator) listDomains(w http.ResponseWriter, r *http.Request, body []byte) {
	p, aerr := e.authenticate(r, body)
	if aerr != nil {
		aerr.write(w)
		return
	}
	e.mu.Lock()
	hide := e.hideDomains
	e.mu.Unlock()
	if hide {
		writeJSON(w, http.StatusOK, map[string]any{"domains": []map[string]any{}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domains": []map[string]any{{"id": p.domain.ID, "name": p.domain.Name, "enabled": true}}})
}

// HideDomains makes GET /v3/auth/domains answer an empty list, as IAM does when the caller's
// user lacks iam:users:getUser.
func (e *Emulator) HideDomains(hide bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hideDomains = hide
}

// callerIdentity answers IAM v5's GET /v5/caller-identity: the account, principal ID and URN
// of the signed request's keys. IAM v5 takes signed requests only.
func (e *Emulator) callerIdentity(w http.ResponseWriter, r *http.Request, body []byte) {
	p, ok := e.signedV5(w, r, body, http.MethodGet)
	if !ok {
		return
	}
	name := ""
	if p.user != nil {
		name = p.user.Name
	}
	writeJSON(w, http.StatusOK, map[string]any{"account_id": p.domain.ID, "principal_id": p.domain.ID + "-" + name,
		"principal_urn": "iam::" + p.domain.ID + ":user:" + name})
}

// signedV5 authenticates an IAM v5 request, which takes AK/SK signatures only, answering the
// error itself when it fails.
func (e *Emulator) signedV5(w http.ResponseWriter, r *http.Request, body []byte, method string) (principal, bool) {
	if r.Method != method {
		writeError(w, http.StatusMethodNotAllowed, "STS5.0001", "method not allowed")
		return principal{}, false
	}
	if r.Header.Get("Authorization") == "" {
		writeError(w, http.StatusUnauthorized, "STS5.0401", "IAM v5 accepts signed requests only.")
		return principal{}, false
	}
	p, aerr := e.authenticate(r, body)
	if aerr != nil {
		aerr.write(w)
		return principal{}, false
	}
	return p, true
}

// Wire shape of an IAM v5 AssumeAgency request.
type assumeAgencyV5Body struct {
	AgencyURN         string `json:"agency_urn"`
	AgencySessionName string `json:"agency_session_name"`
	DurationSeconds   *int   `json:"duration_seconds"`
}

var agencyURN = regexp.MustCompile(`^iam::([0-9a-zA-Z]+):agency:([^:/]+)$`)

// assumeAgencyV5 answers POST /v5/agencies/assume as IAM v5 does: signed requests only, an
// agency URN of an account that trusts the caller's, a session name, and a duration of 900 to
// 43200 seconds, at most 3600 with temporary keys.
func (e *Emulator) assumeAgencyV5(w http.ResponseWriter, r *http.Request, body []byte) {
	caller, ok := e.signedV5(w, r, body, http.MethodPost)
	if !ok {
		return
	}
	var b assumeAgencyV5Body
	if err := json.Unmarshal(body, &b); err != nil {
		writeError(w, http.StatusBadRequest, "STS5.0400", "The request body is not valid JSON.")
		return
	}
	m := agencyURN.FindStringSubmatch(b.AgencyURN)
	seconds := 3600
	if b.DurationSeconds != nil {
		seconds = *b.DurationSeconds
	}
	maxSeconds := 43200
	if r.Header.Get("X-Security-Token") != "" {
		maxSeconds = 3600
	}
	switch {
	case m == nil:
		writeError(w, http.StatusBadRequest, "STS5.0400", "agency_urn must be iam::<account ID>:agency:<agency name>.")
		return
	case len(b.AgencySessionName) < 2 || len(b.AgencySessionName) > 128:
		writeError(w, http.StatusBadRequest, "STS5.0400", "agency_session_name must be 2 to 128 characters.")
		return
	case seconds < 900 || seconds > maxSeconds:
		writeError(w, http.StatusBadRequest, "STS5.0400", fmt.Sprintf("duration_seconds must be from 900 to %d.", maxSeconds))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var dom *Domain
	var ag *Agency
	for i := range e.fixture.Domains {
		if e.fixture.Domains[i].ID == m[1] {
			dom = &e.fixture.Domains[i]
			for j := range dom.Agencies {
				if dom.Agencies[j].Name == m[2] {
					ag = &dom.Agencies[j]
				}
			}
		}
	}
	if ag == nil || !contains(ag.TrustedDomains, caller.domain.ID) {
		// IAM v5 says which policy denied a request in an encoded message the caller may decode.
		writeJSON(w, http.StatusForbidden, map[string]string{"error_code": "STS5.1106",
			"error_msg":                     "the agency '" + b.AgencyURN + "' cannot be found or does not trust the caller",
			"encoded_authorization_message": EncodedAuthorizationMessage("sts:agencies:assume", b.AgencyURN)})
		return
	}
	ak, sk, st, exp := e.mintKeyLocked(principal{domain: dom, user: agencyUser(ag)}, time.Duration(seconds)*time.Second)
	writeJSON(w, http.StatusOK, map[string]any{
		"assumed_agency": map[string]string{"urn": "sts::" + dom.ID + ":assumed-agency:" + ag.Name + "/" + b.AgencySessionName},
		"credentials": map[string]string{"access_key_id": ak, "secret_access_key": sk, "security_token": st,
			"expiration": e.expiry(exp, "2006-01-02T15:04:05.000Z")},
	})
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

// EncodedAuthorizationMessage is what IAM v5 encodes into a denial of action on resource: an
// opaque base64 text, as IAM's is.
func EncodedAuthorizationMessage(action, resource string) string {
	b, _ := json.Marshal(map[string]string{"action": action, "resource": resource, "decision": "ImplicitDeny"})
	return base64.StdEncoding.EncodeToString(b)
}
