package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

const (
	opIssueToken   = "POST /v3/auth/tokens"
	opListProjects = "GET /v3/projects"
	opListDomains  = "GET /v3/auth/domains"
)

// Wire types of the two IAM calls.
type (
	tokenRequest struct {
		Body *tokenRequestBody `json:"body,omitempty"`
	}
	tokenRequestBody struct {
		Auth tokenAuth `json:"auth"`
	}
	tokenAuth struct {
		Identity tokenIdentity `json:"identity"`
		Scope    tokenScope    `json:"scope"`
	}
	tokenIdentity struct {
		Methods  []string      `json:"methods"`
		Password tokenPassword `json:"password"`
	}
	tokenPassword struct {
		User tokenUser `json:"user"`
	}
	tokenUser struct {
		ID       string    `json:"id,omitempty"`
		Name     string    `json:"name,omitempty"`
		Password string    `json:"password"`
		Domain   *nameOrID `json:"domain,omitempty"`
	}
	tokenScope struct {
		Project nameOrID `json:"project"`
	}
	nameOrID struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name,omitempty"`
	}
	listProjectsRequest struct {
		Name *string `json:"name,omitempty"`
	}
)

// String keeps the password out of anything that formats the request.
func (tokenRequest) String() string { return "tokenRequest{<redacted>}" }

func tokenRequestDef() *def.HttpRequestDef {
	return rawRequestDef(http.MethodPost, "/v3/auth/tokens", jsonContent, bodyField())
}

func listProjectsDef() *def.HttpRequestDef {
	return rawRequestDef(http.MethodGet, "/v3/projects", "application/json",
		def.NewFieldDef().WithName("Name").WithJsonTag("name").WithLocationType(def.Query))
}

// issueToken exchanges user name and password for a token scoped to one project, named by
// its ID when known and otherwise by its region.
func (c *source) issueToken(ctx context.Context, region, projectID string) (*issuedToken, error) {
	cr := c.cfg.Credentials
	scope := nameOrID{ID: projectID}
	if projectID == "" {
		scope = nameOrID{Name: c.projectName(region)}
	}
	body := &tokenRequestBody{Auth: tokenAuth{
		Identity: tokenIdentity{
			Methods:  []string{"password"},
			Password: tokenPassword{User: passwordUser(cr)},
		},
		Scope: tokenScope{Project: scope},
	}}
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opIssueToken, Endpoint: c.cfg.Endpoints.IAMURL(region), Want: http.StatusCreated, Cred: &tokenCredential{},
		Invoke: func(hc *core.HcHttpClient) (any, error) { return hc.Sync(&tokenRequest{Body: body}, tokenRequestDef()) },
	})
	if err != nil {
		return nil, err
	}
	bad := func(reason string) error {
		return &transport.DecodeError{Operation: opIssueToken, StatusCode: last.Status, RequestID: last.RequestID, Reason: reason}
	}
	ans, raw, err := readAnswer(opIssueToken, "token", out, last)
	if err != nil {
		return nil, err
	}
	if raw.XSubjectToken == nil || *raw.XSubjectToken == "" {
		return nil, bad("no X-Subject-Token header in the response")
	}
	tok := &issuedToken{value: *raw.XSubjectToken, projectID: projectID, obtainedAt: c.now()}
	c.redactor.AddObtained(tok.value)
	if tok.expiresAt, err = ans.expiry("token.expires_at", c.now()); err != nil {
		return nil, err
	}
	if tok.projectID == "" {
		if tok.projectID, err = ans.str(false, "token.project.id"); err != nil {
			return nil, err
		}
	}
	if tok.projectID == "" {
		return nil, bad("the token names no project")
	}
	if endpoints.ValidateProjectID(tok.projectID) != nil {
		return nil, bad(fmt.Sprintf("the token names %q, which is not a project ID", termsafe.Text(tok.projectID, 80)))
	}
	return tok, nil
}

// passwordUser names the user by ID, or by name within a domain given by ID or name.
func passwordUser(cr Config) tokenUser {
	if cr.UserID != "" {
		return tokenUser{ID: cr.UserID, Password: cr.Password}
	}
	d := &nameOrID{ID: cr.DomainID}
	if d.ID == "" {
		d = &nameOrID{Name: cr.DomainName}
	}
	return tokenUser{Name: cr.UserName, Password: cr.Password, Domain: d}
}

// lookupProject resolves the project of region by name (the region's own unless project_name
// says otherwise), the way IAM names region projects.
func (c *source) lookupProject(ctx context.Context, region string, cred auth.ICredential) (string, error) {
	name := c.projectName(region)
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opListProjects, Endpoint: c.cfg.Endpoints.IAMURL(region), Want: http.StatusOK, Cred: cred,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&listProjectsRequest{Name: &name}, listProjectsDef())
		},
	})
	if err != nil {
		return "", err
	}
	ans, _, err := readAnswer(opListProjects, "projects", out, last)
	if err != nil {
		return "", err
	}
	projects, err := ans.list("projects")
	if err != nil {
		return "", err
	}
	var ids []string
	for _, p := range projects {
		pname, _ := p["name"].(string)
		pid, _ := p["id"].(string)
		if pname == name && pid != "" {
			if endpoints.ValidateProjectID(pid) != nil {
				return "", &transport.DecodeError{Operation: opListProjects, StatusCode: last.Status, RequestID: last.RequestID,
					Reason: fmt.Sprintf("the project %s has ID %q, which is not a project ID", name, termsafe.Text(pid, 80))}
			}
			ids = append(ids, pid)
		}
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("%w: IAM lists no project named %q for these credentials; set project_id (HW_PROJECT_ID) or check region", ErrProjectNotFound, name)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%w: IAM lists %d projects named %q (%v); set project_id (HW_PROJECT_ID) to choose one", ErrProjectNotFound, len(ids), name, ids)
}

// ErrProjectNotFound is returned when a region's project ID cannot be resolved.
var ErrProjectNotFound = errors.New("cannot resolve the project ID")

const (
	opSecurityToken = "POST /v3.0/OS-CREDENTIAL/securitytokens"
	opIDToken       = "POST /v3.0/OS-AUTH/id-token/tokens"
)

// Wire types of the exchanges that yield temporary keys.
type (
	securityTokenRequest struct {
		Body *securityTokenBody `json:"body,omitempty"`
	}
	securityTokenBody struct {
		Auth struct {
			Identity securityTokenIdentity `json:"identity"`
		} `json:"auth"`
	}
	securityTokenIdentity struct {
		Methods    []string            `json:"methods"`
		AssumeRole *assumeRoleIdentity `json:"assume_role,omitempty"`
		Token      *tokenMethod        `json:"token,omitempty"`
	}
	assumeRoleIdentity struct {
		AgencyName      string `json:"agency_name"`
		DomainName      string `json:"domain_name,omitempty"`
		DomainID        string `json:"domain_id,omitempty"`
		DurationSeconds int    `json:"duration_seconds,omitempty"`
	}
	tokenMethod struct {
		ID              string `json:"id,omitempty"`
		DurationSeconds int    `json:"duration_seconds,omitempty"`
	}
	idTokenRequest struct {
		XIdpID string       `json:"X-Idp-Id"`
		Body   *idTokenBody `json:"body,omitempty"`
	}
	idTokenBody struct {
		Auth idTokenAuth `json:"auth"`
	}
	idTokenAuth struct {
		IDToken struct {
			ID string `json:"id"`
		} `json:"id_token"`
		Scope *struct {
			Domain nameOrID `json:"domain"`
		} `json:"scope,omitempty"`
	}
)

// String keeps tokens out of anything that formats a request.
func (securityTokenRequest) String() string { return "securityTokenRequest{<redacted>}" }
func (idTokenRequest) String() string       { return "idTokenRequest{<redacted>}" }

func securityTokenDef() *def.HttpRequestDef {
	return rawRequestDef(http.MethodPost, "/v3.0/OS-CREDENTIAL/securitytokens", jsonContent, bodyField())
}

func idTokenDef() *def.HttpRequestDef {
	return rawRequestDef(http.MethodPost, "/v3.0/OS-AUTH/id-token/tokens", jsonContent,
		def.NewFieldDef().WithName("XIdpID").WithJsonTag("X-Idp-Id").WithLocationType(def.Header), bodyField())
}

// securityToken asks IAM for temporary keys, authenticated by cred.
func (c *source) securityToken(ctx context.Context, cred auth.ICredential, id securityTokenIdentity) (*tempKeys, error) {
	body := &securityTokenBody{}
	body.Auth.Identity = id
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opSecurityToken, Endpoint: c.cfg.Endpoints.IAMURL(c.cfg.Region), Want: http.StatusCreated, Cred: cred,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&securityTokenRequest{Body: body}, securityTokenDef())
		},
	})
	if err != nil {
		return nil, err
	}
	return c.readKeys(opSecurityToken, "credential", out, last)
}

// readKeys reads the temporary keys an answer holds at container.
func (c *source) readKeys(op, container string, out any, last transport.Exchange) (*tempKeys, error) {
	ans, _, err := readAnswer(op, "credential", out, last)
	if err != nil {
		return nil, err
	}
	k, err := ans.keys(container)
	if err != nil {
		return nil, err
	}
	k.obtainedAt = c.now()
	return k, nil
}

// federatedToken exchanges an OIDC ID token for the token of the federated user it maps to,
// scoped to domainID when given.
func (c *source) federatedToken(ctx context.Context, idpID, idToken, domainID string) (string, error) {
	body := &idTokenBody{}
	body.Auth.IDToken.ID = idToken
	if domainID != "" {
		body.Auth.Scope = &struct {
			Domain nameOrID `json:"domain"`
		}{Domain: nameOrID{ID: domainID}}
	}
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opIDToken, Endpoint: c.cfg.Endpoints.IAMURL(c.cfg.Region), Want: http.StatusCreated, Cred: &tokenCredential{},
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&idTokenRequest{XIdpID: idpID, Body: body}, idTokenDef())
		},
	})
	if err != nil {
		return "", err
	}
	if _, raw, err := readAnswer(opIDToken, "token", out, last); err != nil {
		return "", err
	} else if raw.XSubjectToken == nil || *raw.XSubjectToken == "" {
		return "", &transport.DecodeError{Operation: opIDToken, StatusCode: last.Status, RequestID: last.RequestID, Reason: "no X-Subject-Token header in the response"}
	} else {
		c.redactor.AddObtained(*raw.XSubjectToken)
		return *raw.XSubjectToken, nil
	}
}

// lookupDomain finds the account (domain ID) of the keys that sign cred, as the SDK's global
// credentials do when no domain ID is configured: the first domain GET /v3/auth/domains lists.
func (c *source) lookupDomain(ctx context.Context, cred auth.ICredential) (string, error) {
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opListDomains, Endpoint: c.cfg.Endpoints.IAMURL(c.cfg.Region), Want: http.StatusOK, Cred: cred,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&struct{}{}, rawRequestDef(http.MethodGet, "/v3/auth/domains", "application/json"))
		},
	})
	if err != nil {
		return "", err
	}
	ans, _, err := readAnswer(opListDomains, "domains", out, last)
	if err != nil {
		return "", err
	}
	domains, err := ans.list("domains")
	if err != nil {
		return "", err
	}
	if len(domains) == 0 {
		// As the SDK's global credentials do: IAM lists nothing to keys whose user may not
		// read itself (iam:users:getUser), and STS names the caller's account to any keys.
		id, err := c.callerAccount(ctx, cred)
		if err != nil {
			return "", fmt.Errorf("IAM listed no domain for these keys (their user may lack iam:users:getUser), and asking STS failed: %w", err)
		}
		return id, nil
	}
	id, _ := domains[0]["id"].(string)
	if endpoints.ValidateProjectID(id) != nil {
		return "", &transport.DecodeError{Operation: opListDomains, StatusCode: last.Status, RequestID: last.RequestID,
			Reason: fmt.Sprintf("the domain ID %q is not one", termsafe.Text(id, 80))}
	}
	return id, nil
}

const opCallerIdentity = "GET /v5/caller-identity"

// callerAccount is the account of the keys cred signs with, from IAM v5's caller identity,
// as the SDK's global credentials ask for it (core/auth/internal/sts_helper.go).
func (c *source) callerAccount(ctx context.Context, cred auth.ICredential) (string, error) {
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opCallerIdentity, Endpoint: c.cfg.Endpoints.STSURL(c.cfg.Region), Want: http.StatusOK, Cred: cred,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&struct{}{}, rawRequestDef(http.MethodGet, "/v5/caller-identity", ""))
		},
	})
	if err != nil {
		return "", err
	}
	ans, _, err := readAnswer(opCallerIdentity, "caller identity", out, last)
	if err != nil {
		return "", err
	}
	id, err := ans.str(true, "account_id")
	if err != nil {
		return "", err
	}
	if endpoints.ValidateProjectID(id) != nil {
		return "", &transport.DecodeError{Operation: opCallerIdentity, StatusCode: last.Status, RequestID: last.RequestID,
			Reason: fmt.Sprintf("the account ID %q is not one", termsafe.Text(id, 80))}
	}
	return id, nil
}
