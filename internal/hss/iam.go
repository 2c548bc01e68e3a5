package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
)

const (
	opIssueToken   = "POST /v3/auth/tokens"
	opListProjects = "GET /v3/projects"
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
		Name     string   `json:"name"`
		Password string   `json:"password"`
		Domain   nameOrID `json:"domain"`
	}
	tokenScope struct {
		Project nameOrID `json:"project"`
	}
	nameOrID struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name,omitempty"`
	}
	tokenResponse struct {
		Token *struct {
			ExpiresAt string    `json:"expires_at"`
			Project   *nameOrID `json:"project"`
		} `json:"token"`
		XSubjectToken  *string `json:"X-Subject-Token,omitempty"`
		HttpStatusCode int     `json:"-"`
	}

	listProjectsRequest struct {
		Name *string `json:"name,omitempty"`
	}
	listProjectsResponse struct {
		Projects *[]struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
		HttpStatusCode int `json:"-"`
	}
)

// String keeps the password out of anything that formats the request.
func (tokenRequest) String() string { return "tokenRequest{<redacted>}" }

func tokenRequestDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().
		WithMethod(http.MethodPost).
		WithPath("/v3/auth/tokens").
		WithContentType("application/json;charset=UTF-8").
		WithResponse(new(tokenResponse)).
		WithRequestField(def.NewFieldDef().WithName("Body").WithLocationType(def.Body)).
		WithResponseField(def.NewFieldDef().WithName("XSubjectToken").WithJsonTag("X-Subject-Token").WithLocationType(def.Header)).
		Build()
}

func listProjectsDef() *def.HttpRequestDef {
	return def.NewHttpRequestDefBuilder().
		WithMethod(http.MethodGet).
		WithPath("/v3/projects").
		WithContentType("application/json").
		WithResponse(new(listProjectsResponse)).
		WithRequestField(def.NewFieldDef().WithName("Name").WithJsonTag("name").WithLocationType(def.Query)).
		Build()
}

// issueToken exchanges user name and password for a token scoped to one project, named by
// its ID when known and otherwise by its region.
func (c *Client) issueToken(ctx context.Context, region, projectID string) (*issuedToken, error) {
	cr := c.cfg.Credentials
	scope := nameOrID{ID: projectID}
	if projectID == "" {
		scope = nameOrID{Name: region}
	}
	body := &tokenRequestBody{Auth: tokenAuth{
		Identity: tokenIdentity{
			Methods: []string{"password"},
			Password: tokenPassword{User: tokenUser{
				Name:     cr.UserName,
				Password: cr.Password,
				Domain:   nameOrID{Name: cr.DomainName},
			}},
		},
		Scope: tokenScope{Project: scope},
	}}
	out, last, _, err := c.call(ctx, operation{
		name: opIssueToken, endpoint: c.cfg.iamEndpoint(region), want: http.StatusCreated, cred: &tokenCredential{},
		invoke: func(hc *core.HcHttpClient) (any, error) { return hc.Sync(&tokenRequest{Body: body}, tokenRequestDef()) },
	})
	if err != nil {
		return nil, err
	}
	bad := func(reason string) error {
		return &DecodeError{Operation: opIssueToken, StatusCode: last.status, RequestID: last.requestID, Reason: reason}
	}
	resp, ok := out.(*tokenResponse)
	if !ok || resp.XSubjectToken == nil || *resp.XSubjectToken == "" {
		return nil, bad("no X-Subject-Token header in the response")
	}
	tok := &issuedToken{value: *resp.XSubjectToken, projectID: projectID}
	c.redactor.Add(tok.value)
	// A token without a readable expiry is trusted for a short while only.
	tok.expiresAt = time.Now().Add(10 * time.Minute)
	if resp.Token != nil {
		if t, perr := time.Parse(time.RFC3339Nano, resp.Token.ExpiresAt); perr == nil {
			tok.expiresAt = t
		}
		if resp.Token.Project != nil && tok.projectID == "" {
			tok.projectID = resp.Token.Project.ID
		}
	}
	if tok.projectID == "" {
		return nil, bad("the token names no project")
	}
	if ValidateProjectID(tok.projectID) != nil {
		return nil, bad(fmt.Sprintf("the token names %q, which is not a project ID", printable(tok.projectID, 80)))
	}
	return tok, nil
}

// lookupProject resolves the project named after region, the way IAM names region projects.
func (c *Client) lookupProject(ctx context.Context, region string, cred auth.ICredential) (string, error) {
	name := region
	out, last, _, err := c.call(ctx, operation{
		name: opListProjects, endpoint: c.cfg.iamEndpoint(region), want: http.StatusOK, cred: cred,
		invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&listProjectsRequest{Name: &name}, listProjectsDef())
		},
	})
	if err != nil {
		return "", err
	}
	resp, ok := out.(*listProjectsResponse)
	if !ok || resp.Projects == nil {
		return "", &DecodeError{Operation: opListProjects, StatusCode: last.status, RequestID: last.requestID, Reason: "no projects list in the response"}
	}
	var ids []string
	for _, p := range *resp.Projects {
		if p.Name == region && p.ID != "" {
			if ValidateProjectID(p.ID) != nil {
				return "", &DecodeError{Operation: opListProjects, StatusCode: last.status, RequestID: last.requestID,
					Reason: fmt.Sprintf("the project of %s has ID %q, which is not a project ID", region, printable(p.ID, 80))}
			}
			ids = append(ids, p.ID)
		}
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("%w: IAM lists no project named %q for these credentials; set project_id (HW_PROJECT_ID) or check region", ErrProjectNotFound, region)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%w: IAM lists %d projects named %q (%v); set project_id (HW_PROJECT_ID) to choose one", ErrProjectNotFound, len(ids), region, ids)
}

// ErrProjectNotFound is returned when a region's project ID cannot be resolved.
var ErrProjectNotFound = errors.New("cannot resolve the project ID")
