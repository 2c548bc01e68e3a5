package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MetadataMode is how the emulated ECS metadata service treats session tokens.
type MetadataMode int

const (
	// MetadataTokensOptional issues session tokens and serves keys with or without one.
	MetadataTokensOptional MetadataMode = iota
	// MetadataTokensRequired serves keys only for a valid session token, as an ECS host
	// configured to require them does.
	MetadataTokensRequired
	// MetadataTokensUnsupported has no token endpoint (404), as older hosts.
	MetadataTokensUnsupported
)

// SetMetadataMode sets how the metadata service treats session tokens.
func (e *Emulator) SetMetadataMode(m MetadataMode) {
	e.mu.Lock()
	e.metadata = m
	e.mu.Unlock()
}

// ExpireMetadataTokens ends every metadata session token issued so far.
func (e *Emulator) ExpireMetadataTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for t := range e.metadataTokens {
		e.metadataTokens[t] = e.now()
	}
}

// SetPodToken sets the token the pod identity endpoint wants, as the platform rotates it.
func (e *Emulator) SetPodToken(t string) {
	e.mu.Lock()
	e.podToken = t
	e.mu.Unlock()
}

// metadataSecurityKey answers GET /openstack/latest/securitykey with temporary keys of the
// agency bound to the emulated host, as the ECS metadata service does.
func (e *Emulator) metadataSecurityKey(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "ECS.0001", "method not allowed")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	tok := r.Header.Get("X-Metadata-Token")
	expires, known := e.metadataTokens[tok]
	switch {
	case tok != "" && (!known || !e.now().Before(expires)):
		writeError(w, http.StatusUnauthorized, "ECS.0401", "The metadata token is invalid or has expired.")
		return
	case tok == "" && e.metadata == MetadataTokensRequired:
		writeError(w, http.StatusUnauthorized, "ECS.0401", "A metadata token is required.")
		return
	}
	dom := &e.fixture.Domains[0]
	var ag *Agency
	for i := range dom.Agencies {
		if dom.Agencies[i].Name == HostAgencyName {
			ag = &dom.Agencies[i]
		}
	}
	if ag == nil {
		writeError(w, http.StatusNotFound, "ECS.0404", "Please configure Cloud Service Agency first")
		return
	}
	ak, sk, st, exp := e.mintKeyLocked(principal{domain: dom, user: agencyUser(ag)}, 24*time.Hour)
	writeJSON(w, http.StatusOK, e.credentialBody(ak, sk, st, exp))
}

// metadataToken answers PUT /meta-data/latest/api/token with a session token valid for the
// seconds X-Metadata-Token-Ttl-Seconds asks (1 to 21600), as the ECS metadata service does.
func (e *Emulator) metadataToken(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.metadata == MetadataTokensUnsupported {
		writeError(w, http.StatusNotFound, "ECS.0404", "Not found")
		return
	}
	if r.Method != http.MethodPut {
		writeError(w, http.StatusMethodNotAllowed, "ECS.0001", "method not allowed")
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get("X-Metadata-Token-Ttl-Seconds"))
	if err != nil || ttl < 1 || ttl > 21600 {
		writeError(w, http.StatusBadRequest, "ECS.0400", "X-Metadata-Token-Ttl-Seconds must be from 1 to 21600.")
		return
	}
	t := "mdt-" + randomHex(20)
	e.metadataTokens[t] = e.now().Add(time.Duration(ttl) * time.Second)
	e.issued = append(e.issued, t)
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(t))
}

// podIdentity answers the CCE pod identity endpoint: POST {} with the pod's token as
// Authorization gives the temporary keys of the pod's agency.
func (e *Emulator) podIdentity(w http.ResponseWriter, r *http.Request, body []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case r.Method != http.MethodPost:
		writeError(w, http.StatusMethodNotAllowed, "CCE.0405", "method not allowed")
		return
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || strings.TrimSpace(string(body)) != "{}":
		writeError(w, http.StatusBadRequest, "CCE.0400", "The body must be {} as JSON.")
		return
	case r.Header.Get("Authorization") != e.podToken:
		writeError(w, http.StatusUnauthorized, "CCE.0401", "The pod identity token is invalid.")
		return
	}
	dom := &e.fixture.Domains[0]
	ag := &Agency{Name: PodAgencyName}
	ak, sk, st, exp := e.mintKeyLocked(principal{domain: dom, user: agencyUser(ag)}, time.Hour)
	writeJSON(w, http.StatusOK, map[string]any{"credentials": map[string]string{"accessKeyId": ak, "secretAccessKey": sk,
		"securityToken": st, "expiration": e.expiry(exp, "2006-01-02T15:04:05.000000Z")}})
}
