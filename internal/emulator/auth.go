package emulator

import (
	"net/http"
	"time"
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

type apiError struct {
	status    int
	code, msg string
}

func (a *apiError) write(w http.ResponseWriter) { writeError(w, a.status, a.code, a.msg) }

func unauthorized(code, msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, msg: msg}
}

// knownEPs are the enterprise projects that exist in the emulated cloud.
var knownEPs = map[string]bool{"0": true, GrantedEP: true, RefusedEP: true}
