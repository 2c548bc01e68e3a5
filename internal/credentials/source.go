// Package credentials is where HSS requests get what authenticates them: a static token,
// AK/SK, a password-issued token, or temporary AK/SK obtained from an OIDC ID token, the ECS
// metadata service or a CCE pod identity, and from a chain of agencies on top of any of them,
// with each region's project. IAM, STS and the host services stay behind Source.
package credentials

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/hsslabs/terraform-provider-hss/internal/coalesce"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/safefile"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// The SDK has credential providers for OIDC (WithIdpId/WithIdTokenFile) and ECS metadata, but
// they run inside request signing, so they cannot be used here: they refresh shared
// credentials without a lock while parallel reads sign with them, take no context and retry
// nothing, report an IAM failure as the failure of the HSS request being signed, read the ID
// token from a file only, and reach the metadata service at a fixed address with a client of
// their own. The exchanges are written here instead, on the client's one request path, with
// the SDK's request machinery on the wire and its signer for the keys obtained.

// Source is what authenticates HSS requests.
type Source interface {
	// For returns what signs or authenticates HSS requests in region, and the project ID
	// they address.
	For(ctx context.Context, region string) (auth.ICredential, string, error)
	// Renew returns a credential for region in place of refused, which the service refused:
	// one another caller already obtained, or a new one. It returns nil when credentials the
	// user gave were refused, as asking again cannot help.
	Renew(ctx context.Context, region string, refused auth.ICredential) (auth.ICredential, error)
}

// Options are what a Source needs.
type Options struct {
	// Region is the provider's region; ProjectID, when set, is its project, and ProjectName
	// its IAM project name (Region when empty).
	Region      string
	ProjectID   string
	ProjectName string
	Endpoints   endpoints.Set
	Credentials Config
	// Sender sends every exchange, and its redactor learns every secret obtained.
	Sender *transport.Sender
	// Now is the clock (time.Now when nil), which decides when credentials are renewed.
	Now func() time.Time
}

// source obtains credentials once and shares them between every caller.
type source struct {
	cfg      Options
	sender   *transport.Sender
	redactor *redact.Redactor
	now      func() time.Time

	projects coalesce.Group[string]
	tokens   coalesce.Group[*issuedToken]
	obtained coalesce.Group[*tempKeys]
	domains  coalesce.Group[string]
	metadata metadataSession
	// skewWarned is set once credentials arriving inside the renewal margin were warned of.
	skewWarned atomic.Bool
}

// New returns the Source of o. It makes no network call.
func New(o Options) Source { return newSource(o) }

func newSource(o Options) *source {
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &source{cfg: o, sender: o.Sender, redactor: o.Sender.Redactor(), now: o.Now}
	c.projects = coalesce.Group[string]{Capacity: 1 << 10}
	c.tokens = coalesce.Group[*issuedToken]{Capacity: 1 << 10, Fresh: func(t *issuedToken) bool { return t.fresh(c.now()) }}
	c.obtained = coalesce.Group[*tempKeys]{Capacity: 8, Fresh: func(k *tempKeys) bool { return k.fresh(c.now()) }}
	c.domains = coalesce.Group[string]{Capacity: 64}
	return c
}

// tokenCredential authenticates with an IAM token instead of a signature.
type tokenCredential struct {
	token     string
	projectID string
}

var _ auth.ICredential = (*tokenCredential)(nil)

func (c *tokenCredential) ProcessAuthParams(*impl.DefaultHttpClient, string) (auth.ICredential, error) {
	return c, nil
}

func (c *tokenCredential) ProcessAuthRequest(_ *impl.DefaultHttpClient, req *request.DefaultHttpRequest) (*request.DefaultHttpRequest, error) {
	b := req.Builder()
	if c.token != "" {
		b.AddHeaderParam("X-Auth-Token", c.token)
	}
	if c.projectID != "" {
		b.AddAutoFilledPathParam("project_id", c.projectID).AddHeaderParam("X-Project-Id", c.projectID)
	}
	return b.Build(), nil
}

// issuedToken is an IAM token the client obtained.
type issuedToken struct {
	value      string
	projectID  string
	expiresAt  time.Time
	obtainedAt time.Time
}

func (t *issuedToken) fresh(now time.Time) bool { return fresh(now, t.obtainedAt, t.expiresAt) }

// tempKeys are temporary AK/SK the client obtained.
type tempKeys struct {
	access, secret, securityToken string
	expiresAt, obtainedAt         time.Time
}

func (k *tempKeys) fresh(now time.Time) bool { return fresh(now, k.obtainedAt, k.expiresAt) }

// fresh reports whether a credential obtained at obtained and expiring at expires may still be
// used: until tokenMargin before it expires, and in any case for minTrust after it was
// obtained, so that credentials that arrive inside the margin (short-lived ones, or a clock
// running ahead) are not fetched again for every request. If the service refuses them
// meanwhile, they are renewed once and the request retried.
func fresh(now, obtained, expires time.Time) bool {
	return now.Before(expires.Add(-tokenMargin)) || now.Before(obtained.Add(minTrust))
}

// warnIfSkewed warns, once per client, about credentials that arrived already inside the
// renewal margin: the machine's clock may be ahead of the service's.
func (c *source) warnIfSkewed(ctx context.Context, source string, obtained, expires time.Time) {
	if expires.Sub(obtained) > tokenMargin || !c.skewWarned.CompareAndSwap(false, true) {
		return
	}
	c.redactor.Warn(ctx, "HSS provider obtained credentials that expire within the renewal margin; the machine clock may be ahead", map[string]any{
		"source": source, "expires_at": expires.UTC().Format(time.RFC3339), "now": obtained.UTC().Format(time.RFC3339),
		"renewal_margin": tokenMargin.String(), "reused_for": minTrust.String(),
	})
}

// Where obtained keys come from; each is kept and renewed on its own.
const (
	// stageChain is the keys of the last agency of the chain (or of the base, without one).
	stageChain    = "chain"
	stageOIDC     = "oidc"
	stageMetadata = "metadata"
	stagePod      = "pod"
)

// obtainsKeys reports whether HSS requests are signed with temporary keys the client obtains.
func (c *source) obtainsKeys() bool {
	cr := c.cfg.Credentials
	return len(c.hops()) > 0 || cr.Method == AuthOIDC || cr.Method == AuthMetadata || cr.Method == AuthPodIdentity
}

func (c *source) For(ctx context.Context, region string) (auth.ICredential, string, error) {
	if c.obtainsKeys() {
		k, err := c.chainKeys(ctx)
		if err != nil {
			return nil, "", err
		}
		pid, err := c.projectID(ctx, region, func() (auth.ICredential, error) { return k.credential("") })
		if err != nil {
			return nil, "", err
		}
		cred, err := k.credential(pid)
		return cred, pid, err
	}
	if c.cfg.Credentials.Method == AuthPassword {
		tok, err := c.token(ctx, region)
		if err != nil {
			return nil, "", err
		}
		return &tokenCredential{token: tok.value, projectID: tok.projectID}, tok.projectID, nil
	}
	pid, err := c.projectID(ctx, region, func() (auth.ICredential, error) { return c.staticCredential("") })
	if err != nil {
		return nil, "", err
	}
	cred, err := c.staticCredential(pid)
	return cred, pid, err
}

// renewable reports whether a refused credential may be replaced by asking again: true for
// credentials the client obtained itself, false for those the user gave.
func (c *source) renewable() bool {
	return c.cfg.Credentials.Method == AuthPassword || c.obtainsKeys()
}

func (c *source) Renew(ctx context.Context, region string, refused auth.ICredential) (auth.ICredential, error) {
	if !c.renewable() {
		return nil, nil
	}
	c.drop(region, refused)
	cred, _, err := c.For(ctx, region)
	return cred, err
}

// drop forgets the obtained credential refused for region, unless another caller already
// replaced it, so that For obtains a new one.
func (c *source) drop(region string, refused auth.ICredential) {
	switch cr := refused.(type) {
	case *tokenCredential:
		c.tokens.ForgetIf(region, func(t *issuedToken) bool { return t.value == cr.token })
	case *basic.Credentials:
		for _, stage := range []string{stageChain, stageOIDC, stageMetadata, stagePod} {
			c.obtained.ForgetIf(stage, func(k *tempKeys) bool { return k.access == cr.AK })
		}
	}
}

// staticCredential is the AK/SK or token the user gave, addressing projectID ("" for IAM).
func (c *source) staticCredential(projectID string) (auth.ICredential, error) {
	cr := c.cfg.Credentials
	if cr.Method == AuthToken {
		return &tokenCredential{token: cr.Token, projectID: projectID}, nil
	}
	return signingCredential(cr.AccessKey, cr.SecretKey, cr.SecurityToken, projectID)
}

func (k *tempKeys) credential(projectID string) (auth.ICredential, error) {
	return signingCredential(k.access, k.secret, k.securityToken, projectID)
}

func signingCredential(ak, sk, securityToken, projectID string) (auth.ICredential, error) {
	b := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(projectID)
	if securityToken != "" {
		b = b.WithSecurityToken(securityToken)
	}
	cred, err := b.SafeBuild()
	if err != nil {
		// The SDK's message may quote its input; keep secrets out of it.
		return nil, errors.New("invalid AK/SK credentials")
	}
	return cred, nil
}

// globalCredential signs a call to a global IAM API, which wants the account of the keys in
// X-Domain-Id, as the SDK's global credentials send it.
func globalCredential(k *tempKeys, domainID string) (auth.ICredential, error) {
	b := global.NewCredentialsBuilder().WithAk(k.access).WithSk(k.secret).WithDomainId(domainID)
	if k.securityToken != "" {
		b = b.WithSecurityToken(k.securityToken)
	}
	cred, err := b.SafeBuild()
	if err != nil {
		return nil, errors.New("invalid AK/SK credentials")
	}
	return cred, nil
}

// projectID returns the project of region: the configured one for the provider's region,
// otherwise resolved through IAM, with the credential cred gives, once and kept.
func (c *source) projectID(ctx context.Context, region string, cred func() (auth.ICredential, error)) (string, error) {
	if region == c.cfg.Region && c.cfg.ProjectID != "" {
		return c.cfg.ProjectID, nil
	}
	pid, _, err := c.projects.Do(ctx, region, func(ctx context.Context) (string, error) {
		cr, err := cred()
		if err != nil {
			return "", err
		}
		return c.lookupProject(ctx, region, cr)
	})
	return pid, err
}

// projectName is the IAM project that holds region's resources.
func (c *source) projectName(region string) string {
	if region == c.cfg.Region && c.cfg.ProjectName != "" {
		return c.cfg.ProjectName
	}
	return region
}

// token returns a valid password-issued token for region, fetching one when needed. Concurrent
// callers share a single fetch.
func (c *source) token(ctx context.Context, region string) (*issuedToken, error) {
	tok, _, err := c.tokens.Do(ctx, region, func(ctx context.Context) (*issuedToken, error) {
		pid := ""
		if region == c.cfg.Region {
			pid = c.cfg.ProjectID
		}
		tok, err := c.issueToken(ctx, region, pid)
		if err != nil {
			cr := c.cfg.Credentials
			who := fmt.Sprintf("user %q in domain %q", cr.UserName, cr.DomainName+cr.DomainID)
			if cr.UserID != "" {
				who = fmt.Sprintf("user ID %q", cr.UserID)
			}
			return nil, fmt.Errorf("password authentication for %s failed: %w", who, err)
		}
		return tok, nil
	})
	return tok, err
}

// identity is what signs the next transport.Exchange of a chain: temporary or static keys, or a token.
type identity struct {
	keys  *tempKeys
	token string
	// domainID is the account of keys when known; else domainKey names the lookup that finds
	// it, shared by every transport.Exchange signed by keys of that account.
	domainID, domainKey string
}

// hops are the agencies assumed in order: the OIDC block's own agency first, then assume_role.
func (c *source) hops() []AssumeRole {
	cr := c.cfg.Credentials
	var hops []AssumeRole
	if cr.Method == AuthOIDC && cr.OIDC.AgencyName != "" {
		hops = append(hops, AssumeRole{AgencyName: cr.OIDC.AgencyName, DomainID: cr.OIDC.DomainID, Duration: cr.OIDC.Duration})
	}
	return append(hops, cr.AssumeRoles...)
}

// chainKeys returns the keys HSS requests are signed with when the client obtains them: the
// last agency's of the chain, or the base method's. A renewal walks the chain again from the
// first hop.
func (c *source) chainKeys(ctx context.Context) (*tempKeys, error) {
	hops := c.hops()
	if len(hops) == 0 {
		id, err := c.base(ctx)
		if err != nil {
			return nil, err
		}
		return id.keys, nil
	}
	return c.keys(ctx, stageChain, func(ctx context.Context) (*tempKeys, error) {
		id, err := c.base(ctx)
		if err != nil {
			return nil, err
		}
		for i, hop := range hops {
			if id, err = c.assume(ctx, id, hop); err != nil {
				return nil, fmt.Errorf("assuming agency %q of domain %q (%d of %d in the chain) failed: %w",
					hop.AgencyName, hop.DomainName+hop.DomainID, i+1, len(hops), err)
			}
		}
		return id.keys, nil
	})
}

// base is the identity the configured method gives, before any agency.
func (c *source) base(ctx context.Context) (identity, error) {
	cr := c.cfg.Credentials
	switch cr.Method {
	case AuthToken:
		return identity{token: cr.Token}, nil
	case AuthPassword:
		tok, err := c.token(ctx, c.cfg.Region)
		if err != nil {
			return identity{}, err
		}
		return identity{token: tok.value}, nil
	case AuthOIDC:
		k, err := c.keys(ctx, stageOIDC, c.oidcKeys)
		return identity{keys: k, domainID: cr.OIDC.DomainID, domainKey: stageOIDC}, err
	case AuthMetadata:
		k, err := c.keys(ctx, stageMetadata, c.metadataKeys)
		return identity{keys: k, domainID: cr.DomainID, domainKey: stageMetadata}, err
	case AuthPodIdentity:
		k, err := c.keys(ctx, stagePod, c.podKeys)
		return identity{keys: k, domainID: cr.DomainID, domainKey: stagePod}, err
	}
	return identity{keys: &tempKeys{access: cr.AccessKey, secret: cr.SecretKey, securityToken: cr.SecurityToken}, domainID: cr.DomainID, domainKey: "keys"}, nil
}

// keys returns the temporary keys of stage, obtaining them with obtain when none are fresh.
func (c *source) keys(ctx context.Context, stage string, obtain func(context.Context) (*tempKeys, error)) (*tempKeys, error) {
	k, _, err := c.obtained.Do(ctx, stage, func(ctx context.Context) (*tempKeys, error) {
		k, err := obtain(ctx)
		if err != nil {
			return nil, err
		}
		c.redactor.AddObtained(k.secret, k.securityToken)
		c.redactor.Debug(ctx, "HSS provider obtained temporary credentials", map[string]any{
			"source": stage, "expires_at": k.expiresAt.UTC().Format(time.RFC3339),
		})
		c.warnIfSkewed(ctx, stage, k.obtainedAt, k.expiresAt)
		return k, nil
	})
	return k, err
}

// assume trades id for the temporary keys of the agency hop names: through IAM v5
// (POST /v5/agencies/assume) when the hop names its domain by ID, as the Huawei Cloud provider
// does, and through IAM v3 securitytokens otherwise.
func (c *source) assume(ctx context.Context, id identity, hop AssumeRole) (identity, error) {
	if hop.DomainID != "" {
		if id.keys == nil {
			// IAM v5 takes signed requests only: a token is first traded for the temporary
			// keys of its user.
			k, err := c.securityToken(ctx, &tokenCredential{token: id.token},
				securityTokenIdentity{Methods: []string{"token"}, Token: &tokenMethod{ID: id.token, DurationSeconds: seconds(hop.Duration)}})
			if err != nil {
				return identity{}, err
			}
			c.redactor.AddObtained(k.secret, k.securityToken)
			id = identity{keys: k}
		}
		k, err := c.assumeAgencyV5(ctx, id.keys, hop)
		return identity{keys: k, domainID: hop.DomainID}, err
	}
	var cred auth.ICredential = &tokenCredential{token: id.token}
	if id.keys != nil {
		domainID, err := c.domainOf(ctx, id)
		if err != nil {
			return identity{}, err
		}
		if cred, err = globalCredential(id.keys, domainID); err != nil {
			return identity{}, err
		}
	}
	k, err := c.securityToken(ctx, cred, securityTokenIdentity{
		Methods:    []string{"assume_role"},
		AssumeRole: &assumeRoleIdentity{AgencyName: hop.AgencyName, DomainName: hop.DomainName, DurationSeconds: seconds(hop.Duration)},
	})
	if err != nil {
		return identity{}, err
	}
	c.redactor.AddObtained(k.secret, k.securityToken)
	return identity{keys: k, domainKey: "domain:" + hop.DomainName}, nil
}

// domainOf is the account of id's keys: the one configured or known from the chain, else
// looked up once (GET /v3/auth/domains) and kept for the run.
func (c *source) domainOf(ctx context.Context, id identity) (string, error) {
	if id.domainID != "" {
		return id.domainID, nil
	}
	d, _, err := c.domains.Do(ctx, id.domainKey, func(ctx context.Context) (string, error) {
		cred, err := id.keys.credential("")
		if err != nil {
			return "", err
		}
		d, err := c.lookupDomain(ctx, cred)
		if err != nil {
			return "", fmt.Errorf("finding the account (domain ID) of the access key %s failed; set domain_id (HW_DOMAIN_ID) to skip the lookup: %w", id.keys.access, err)
		}
		return d, nil
	})
	return d, err
}

// oidcKeys trades the OIDC ID token for a federated user's token, and that for the federated
// user's temporary keys; an agency of the block is then assumed like any hop.
func (c *source) oidcKeys(ctx context.Context) (*tempKeys, error) {
	o := c.cfg.Credentials.OIDC
	idToken := o.IDToken
	if idToken == "" {
		// Read afresh each time: CI runners and workload identity rotate the file.
		b, err := safefile.Read(ctx, o.IDTokenFile, MaxTokenFileBytes)
		if err != nil {
			return nil, fmt.Errorf("reading the OIDC ID token: %w", err)
		}
		idToken = strings.TrimSpace(string(b))
		if idToken == "" {
			return nil, fmt.Errorf("the OIDC ID token file %s is empty", safefile.ShownPath(o.IDTokenFile))
		}
	}
	c.redactor.AddObtained(idToken)
	tok, err := c.federatedToken(ctx, o.IdpID, idToken, o.DomainID)
	if err != nil {
		return nil, fmt.Errorf("exchanging the OIDC ID token with identity provider %q failed: %w", o.IdpID, err)
	}
	k, err := c.securityToken(ctx, &tokenCredential{token: tok}, securityTokenIdentity{Methods: []string{"token"},
		Token: &tokenMethod{ID: tok, DurationSeconds: seconds(o.Duration)}})
	if err != nil {
		return nil, fmt.Errorf("obtaining temporary credentials for the OIDC identity failed: %w", err)
	}
	return k, nil
}

// seconds is a duration as IAM's duration_seconds, DefaultAssumeRoleDuration when unset.
func seconds(d time.Duration) int {
	if d <= 0 {
		d = DefaultAssumeRoleDuration
	}
	return int(d / time.Second)
}
