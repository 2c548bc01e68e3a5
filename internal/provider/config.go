package provider

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/safefile"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// environment is where fallbacks come from; tests pass a map.
type environment interface {
	Lookup(name string) (string, bool)
}

type osEnv struct{}

func (osEnv) Lookup(name string) (string, bool) { return os.LookupEnv(name) }

type mapEnv map[string]string

func (m mapEnv) Lookup(name string) (string, bool) {
	v, ok := m[name]
	return v, ok
}

// resolver merges configuration and environment, one argument at a time, and remembers where
// each value came from for messages.
type resolver struct {
	ctx   context.Context
	env   environment
	diags *diag.Diagnostics
	// source is the environment variable a value came from, or "" for the provider block.
	source map[string]string
	// set holds every argument with a non-empty value.
	set map[string]bool
	// unknown are the arguments not known until apply, in the order met.
	unknown []string
}

// attrPath turns "assume_role.agency_name" into a framework path.
func attrPath(name string) path.Path {
	parts := strings.Split(name, ".")
	p := path.Root(parts[0])
	for _, s := range parts[1:] {
		p = p.AtName(s)
	}
	return p
}

// known reports whether v may be used now, noting it when it is unknown until apply: a read
// that needs the provider then fails, but Configure does not (reads deferred to apply, and
// functions, need no configuration known at plan time).
func (r *resolver) known(name string, v attr.Value) bool {
	if v.IsUnknown() {
		if !slices.Contains(r.unknown, name) {
			r.unknown = append(r.unknown, name)
		}
		return false
	}
	return true
}

// str is an argument's value: the block's, else its first set environment variable's.
func (r *resolver) str(name string, v types.String) string {
	if !r.known(name, v) {
		return ""
	}
	out := ""
	if !v.IsNull() {
		out = v.ValueString()
		r.source[name] = ""
	} else if s, env, ok := r.lookup(name); ok {
		out = s
		r.source[name] = env
	}
	if out != "" {
		r.set[name] = true
	}
	return out
}

func (r *resolver) lookup(name string) (value, env string, ok bool) {
	for _, e := range argEnv[name] {
		if v, set := r.env.Lookup(e); set && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v), e, true
		}
	}
	return "", "", false
}

// aliased is name's value, or its alias's when only that is written in the block.
func (r *resolver) aliased(name, aliasName string, v, alias types.String) string {
	if v.IsNull() && !alias.IsNull() && r.known(aliasName, alias) {
		r.source[name] = ""
		r.set[name] = alias.ValueString() != ""
		return alias.ValueString()
	}
	return r.str(name, v)
}

// describe names an argument and where its value came from.
func (r *resolver) describe(name string) string {
	if env := r.source[name]; env != "" {
		return fmt.Sprintf("%s (from %s)", name, env)
	}
	return name
}

// number reads a numeric argument from the block or, when null there, from the environment,
// reporting a malformed or out-of-range environment value against the argument.
func (r *resolver) number(name string, v attr.Value, lo, hi float64, integer bool) (float64, bool) {
	if !r.known(name, v) {
		return 0, false
	}
	switch n := v.(type) {
	case types.Int64:
		if !n.IsNull() {
			return float64(n.ValueInt64()), true
		}
	case types.Float64:
		if !n.IsNull() {
			return n.ValueFloat64(), true
		}
	}
	raw, env, ok := r.lookup(name)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(raw, 64)
	if math.IsNaN(f) || math.IsInf(f, 0) || (integer && f != math.Trunc(f)) {
		err = strconv.ErrSyntax
	}
	kind := "a finite number"
	if integer {
		kind = "an integer"
	}
	if err != nil || f < lo || f > hi {
		r.diags.AddAttributeError(attrPath(name), "Invalid environment variable",
			fmt.Sprintf("%s=%q must be %s from %g to %g.", env, raw, kind, lo, hi))
		return 0, false
	}
	r.source[name] = env
	return f, true
}

// resolved is the merged configuration, and what stops a read even though Configure succeeds.
type resolved struct {
	cfg hss.Config
	eps string
	// unknown are the arguments not known until apply; missingRegion is set when no region is
	// configured anywhere.
	unknown       []string
	missingRegion bool
}

// resolveConfig merges configuration and environment and validates the merged values, which
// schema validators cannot see.
func resolveConfig(ctx context.Context, m hssProviderModel, env environment, diags *diag.Diagnostics) resolved {
	r := &resolver{ctx: ctx, env: env, diags: diags, source: map[string]string{}, set: map[string]bool{}}
	var cfg hss.Config

	cfg.Region = r.str("region", m.Region)
	// tenant_id and tenant_name are the Huawei Cloud provider's aliases: written in the block,
	// they beat the environment like the arguments they stand for.
	cfg.ProjectID = r.aliased("project_id", "tenant_id", m.ProjectID, m.TenantID)
	cfg.ProjectName = r.aliased("project_name", "tenant_name", m.ProjectName, m.TenantName)
	eps := r.str("enterprise_project_id", m.EnterpriseProjectID)
	cfg.Endpoints.AuthURL = r.str("auth_url", m.AuthURL)
	cfg.Endpoints.Cloud = r.str("cloud", m.Cloud)
	r.endpoints(m.Endpoints, &cfg)
	r.transport(m, &cfg)
	r.tuning(m, &cfg)

	cfg.Credentials = r.authentication(m, &cfg)
	// The legacy agency variables name the agency's project in OS_DELEGATED_PROJECT.
	if cfg.ProjectName == "" && r.source["assume_role.agency_name"] == EnvLegacyAgencyName {
		if p, ok := r.env.Lookup(EnvLegacyDelegatedProject); ok && strings.TrimSpace(p) != "" {
			cfg.ProjectName = strings.TrimSpace(p)
		}
	}

	res := resolved{unknown: r.unknown, missingRegion: cfg.Region == "" && !m.Region.IsUnknown()}
	// Schema validators checked literal values; these come from the environment or a profile.
	for _, v := range []struct {
		name, value string
		check       func(string) error
	}{
		{"region", cfg.Region, endpoints.ValidateRegion},
		{"project_id", cfg.ProjectID, endpoints.ValidateProjectID},
		{"enterprise_project_id", eps, hss.ValidateEnterpriseProjectID},
		{"cloud", cfg.Endpoints.Cloud, endpoints.ValidateCloud},
		{"auth_url", cfg.Endpoints.AuthURL, endpoints.ValidateEndpoint},
	} {
		src, ok := r.source[v.name]
		if !ok || src == "" || v.value == "" {
			continue
		}
		if err := v.check(v.value); err != nil {
			shown := v.value
			if v.name == "auth_url" {
				shown = redact.URL(shown)
			}
			diags.AddAttributeError(path.Root(v.name), "Invalid environment variable",
				fmt.Sprintf("%s=%q cannot be used for %s: %s.", src, shown, v.name, err))
		}
	}
	res.cfg, res.eps = cfg, eps
	return res
}

// missingRegion is the error of Configure, or of a read, without a region: Configure blames the
// provider's argument, a read may not (its data source has a region of its own).
func missingRegion(atConfigure bool) diag.Diagnostic {
	detail := fmt.Sprintf("Set the provider argument \"region\" or the %s environment variable, e.g. cn-north-4.", EnvRegion)
	if atConfigure {
		return diag.NewAttributeErrorDiagnostic(path.Root("region"), "Missing region", detail)
	}
	return diag.NewErrorDiagnostic("Missing region", "The hss provider has no region, so it cannot read data. "+detail)
}

// unknownArguments is the error of a read while provider arguments are not known yet.
func unknownArguments(names []string) diag.Diagnostic {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	return diag.NewErrorDiagnostic("Unknown provider argument",
		fmt.Sprintf("The provider cannot read data because %s %s not known until apply. Set %s to values known at plan time, "+
			"or let the read wait for apply (depends_on a resource that changes, or an argument of the data source that is not known yet).",
			termsafe.JoinAnd(quoted), map[bool]string{true: "is", false: "are"}[len(names) == 1], map[bool]string{true: "it", false: "them"}[len(names) == 1]))
}

func (r *resolver) endpoints(v types.Map, cfg *hss.Config) {
	if !r.known("endpoints", v) || v.IsNull() {
		return
	}
	for k, e := range v.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() {
			r.diags.AddAttributeError(path.Root("endpoints").AtMapKey(k), "Unknown provider argument", "Endpoints must be known at plan time.")
			continue
		}
		raw := strings.TrimSpace(s.ValueString())
		u := endpoints.NormalizeEndpoint(raw)
		switch k {
		case "hss":
			cfg.Endpoints.HSS = u
		case "iam":
			cfg.Endpoints.IAM = u
		case "sts":
			cfg.Endpoints.STS = u
		case "metadata":
			cfg.Endpoints.Metadata = endpoints.NormalizeMetadataEndpoint(raw)
		}
	}
}

func (r *resolver) transport(m hssProviderModel, cfg *hss.Config) {
	if r.known("insecure", m.Insecure) {
		if !m.Insecure.IsNull() {
			cfg.Insecure = m.Insecure.ValueBool()
		} else if raw, env, ok := r.lookup("insecure"); ok {
			b, err := strconv.ParseBool(raw)
			if err != nil {
				r.diags.AddAttributeError(path.Root("insecure"), "Invalid environment variable", fmt.Sprintf("%s=%q is not a boolean (true or false).", env, raw))
			}
			cfg.Insecure = b
		}
	}
	if caFile := r.str("cacert_file", m.CACertFile); caFile != "" {
		pem, err := safefile.Read(r.ctx, caFile, maxConfigFileBytes)
		switch {
		case err != nil:
			r.fileError("cacert_file", caFile, "Unreadable CA certificate file", r.describe("cacert_file")+": "+validators.Sentence(err.Error()))
		case !transport.ValidCACerts(pem):
			r.fileError("cacert_file", caFile, "Invalid CA certificate file", fmt.Sprintf("%s holds no PEM-encoded certificate.", safefile.ShownPath(caFile)))
		default:
			cfg.CACertPEM = pem
		}
	}
	certPEM := r.pem("cert", m.Cert)
	keyPEM := r.pem("key", m.Key)
	if certPEM != nil || keyPEM != nil {
		if _, err := transport.ClientCertificate(certPEM, keyPEM); err != nil {
			r.diags.AddAttributeError(path.Root("cert"), "Unusable client certificate", validators.Sentence(err.Error()))
		}
		cfg.ClientCertPEM, cfg.ClientKeyPEM = certPEM, keyPEM
	}
	if alg := r.str("signing_algorithm", m.SigningAlgorithm); alg != "" {
		if err := transport.ValidateSigningAlgorithm(alg); err != nil {
			r.diags.AddAttributeError(path.Root("signing_algorithm"), "Invalid signing algorithm", validators.Sentence(err.Error()))
		}
		cfg.SigningAlgorithm = alg
	}
	if cfg.Insecure {
		r.diags.AddAttributeWarning(path.Root("insecure"), "TLS verification is disabled",
			"insecure = true skips certificate verification, so credentials and results can be intercepted. Use it only against test endpoints.")
	}
}

// pem is a PEM argument's content: the text itself when it holds a PEM block, as the Huawei
// Cloud provider accepts, whatever precedes it (openssl's "Bag Attributes" lines, a byte-order
// mark), else the file it names, read safely. An error names the argument, and the file only
// when the value plausibly is a file name: a key given without its BEGIN line is never quoted.
func (r *resolver) pem(name string, v types.String) []byte {
	s := r.str(name, v)
	if s == "" {
		return nil
	}
	if strings.Contains(s, "-----BEGIN ") {
		return []byte(strings.TrimPrefix(s, "\uFEFF"))
	}
	b, err := safefile.Read(r.ctx, s, maxConfigFileBytes)
	if err != nil {
		r.fileError(name, s, "Unreadable "+name+" file",
			fmt.Sprintf("%s is neither PEM text (no -----BEGIN line) nor a readable file: %s.", r.describe(name), err))
		return nil
	}
	return b
}

// fileError reports a file argument that cannot be used. It blames the argument, so Terraform
// shows its line, only when the value plausibly is a file name: Terraform quotes the line as
// written, sensitive or not, and a key or token written there must not reach a CI log.
func (r *resolver) fileError(name, value, summary, detail string) {
	if safefile.PlausiblePath(value) {
		r.diags.AddAttributeError(path.Root(name), summary, detail)
		return
	}
	r.diags.AddError(summary, detail)
}

func (r *resolver) tuning(m hssProviderModel, cfg *hss.Config) {
	cfg.MaxRetries = transport.DefaultMaxRetries
	if n, ok := r.number("max_retries", m.MaxRetries, 0, maxRetriesLimit, true); ok {
		cfg.MaxRetries = int(n)
	}
	// Unset: adaptive pacing (0 to the client). 0: no pacing at all. More: a ceiling.
	if n, ok := r.number("rate_limit", m.RateLimit, 0, maxRateLimit, false); ok {
		cfg.RateLimit = n
		if n == 0 {
			cfg.RateLimit = -1
		}
	}
	cfg.PageConcurrency = hss.DefaultPageConcurrency
	if n, ok := r.number("page_concurrency", m.PageConcurrency, 1, maxPageConcurrency, true); ok {
		cfg.PageConcurrency = int(n)
	}
	if n, ok := r.number(hss.MaxMemoryArgument, m.MaxMemoryMB, minMemoryMB, maxMemoryMB, true); ok {
		cfg.MaxMemoryBytes = int(n) << 20
	}
}

// maxConfigFileBytes caps a CLI config file or a PEM bundle the user names.
const maxConfigFileBytes = 1 << 20

// Bounds of the temporary credentials' lifetime IAM grants, in seconds. IAM v5 grants at most
// maxV5Duration, and at most maxV5TemporaryDuration to a request signed with temporary keys
// (one that carries X-Security-Token): services/sts/v1/model/model_assume_agency_req_body.go.
const (
	minDurationSeconds     = 900
	maxDurationSeconds     = 86400
	maxV5Duration          = 12 * time.Hour
	maxV5TemporaryDuration = time.Hour
	// IAM v5 takes the agency name as the session name, of 2 to 128 characters.
	minV5SessionName, maxV5SessionName = 2, 128
)

// credential methods in order of precedence: the Huawei Cloud provider's (its config
// package tries token, then AK/SK, then password, then the other sources).
type method struct {
	kind credentials.AuthMethod
	name string
	args []string
	// keys are the arguments that, set in the provider block, make the method written there
	// (args when nil): a domain_id alone names an account, not a password method.
	keys []string
	// complete reports whether the set arguments make the method usable; missing says what
	// an incomplete one lacks.
	complete func(set map[string]bool) bool
	missing  string
	profile  bool
	// own are the arguments that, when the block alone completes the method, come from the
	// block only: an environment value of them belongs to other credentials.
	own []string
}

var methods = []method{
	{kind: credentials.AuthToken, name: "token", args: []string{"token"},
		complete: func(s map[string]bool) bool { return s["token"] }},
	{kind: credentials.AuthAKSK, name: "AK/SK", args: []string{"access_key", "secret_key", "security_token"},
		complete: func(s map[string]bool) bool { return s["access_key"] && s["secret_key"] },
		missing:  "access_key and secret_key", own: []string{"security_token"}},
	{kind: credentials.AuthPassword, name: "password", args: []string{"user_name", "user_id", "password", "domain_name", "domain_id"},
		keys: []string{"user_name", "user_id", "password"},
		complete: func(s map[string]bool) bool {
			return s["password"] && (s["user_id"] || (s["user_name"] && (s["domain_name"] || s["domain_id"])))
		},
		missing: "password, and user_id or user_name with domain_name or domain_id",
		own:     []string{"user_name", "user_id", "domain_name", "domain_id"}},
	{kind: credentials.AuthOIDC, name: "OIDC (assume_role_with_oidc)", args: []string{"assume_role_with_oidc.idp_id", "assume_role_with_oidc.id_token", "assume_role_with_oidc.id_token_file"},
		complete: func(s map[string]bool) bool {
			return s["assume_role_with_oidc.idp_id"] && (s["assume_role_with_oidc.id_token"] || s["assume_role_with_oidc.id_token_file"])
		},
		missing: "idp_id, and id_token or id_token_file",
		own:     []string{"assume_role_with_oidc.id_token", "assume_role_with_oidc.id_token_file"}},
	{kind: credentials.AuthAKSK, name: "shared config profile", args: []string{"shared_config_file", "profile"}, profile: true,
		complete: func(s map[string]bool) bool { return s["shared_config_file"] || s["profile"] }},
	// Set by CCE only where a pod has been given an identity, which is more specific than the
	// node's agency that the metadata service hands out.
	{kind: credentials.AuthPodIdentity, name: "CCE pod identity", args: []string{"pod_identity.uri", "pod_identity.token_file"},
		complete: func(s map[string]bool) bool { return s["pod_identity.uri"] && s["pod_identity.token_file"] }},
}

// written reports whether the method is written in the provider block.
func (r *resolver) written(mt method) bool {
	if mt.keys != nil {
		return r.inBlock(mt.keys)
	}
	return r.inBlock(mt.args)
}

// authentication picks one method as the Huawei Cloud provider does: the first complete one
// in order of precedence, where a method set in the provider block beats one set only in the
// environment, and the ECS metadata service when none is configured. Arguments of other
// methods are ignored with a warning that names them; an incomplete method in the provider
// block is an error.
func (r *resolver) authentication(m hssProviderModel, cfg *hss.Config) credentials.Config {
	a := r.credentialArgs(m)
	if r.diags.HasError() || !r.writtenMethodsComplete() {
		return a.cr
	}
	chosen := r.chooseMethod()
	a.cr.Method = credentials.AuthMetadata
	if chosen >= 0 {
		a.cr.Method = methods[chosen].kind
	}
	used := r.keepChosenArgs(chosen, a)
	r.reportIgnored(chosen, used)

	var agencies []credentials.AssumeRole
	if chosen >= 0 && methods[chosen].profile {
		var ok bool
		if agencies, ok = r.applyProfile(a, cfg); !ok {
			return a.cr
		}
	}
	args := []hopArg{{"profile", path.Empty()}}
	if chain, chainArgs := r.assumeRoles(m.AssumeRole); len(chain) > 0 {
		agencies, args = chain, chainArgs
	}
	a.cr.AssumeRoles = agencies
	r.checkV5Hops(a.cr, args)
	return a.cr
}

// credentialArgs are the credential arguments as resolved, before a method is chosen: the
// credentials, and the shared config file and profile that may supply them.
type credentialArgs struct {
	cr                      credentials.Config
	sharedFile, profileName string
	// fields are the string arguments by name, so unused ones can be cleared.
	fields map[string]*string
}

func (r *resolver) credentialArgs(m hssProviderModel) *credentialArgs {
	oidc := r.oidcBlock(m.AssumeRoleWithOIDC)
	if oidc == nil {
		oidc = &oidcModel{IdpID: types.StringNull(), IDToken: types.StringNull(), IDTokenFile: types.StringNull(),
			AgencyName: types.StringNull(), DomainID: types.StringNull(), Duration: types.Int64Null()}
	}
	a := &credentialArgs{cr: credentials.Config{
		Token:         r.str("token", m.Token),
		AccessKey:     r.str("access_key", m.AccessKey),
		SecretKey:     r.str("secret_key", m.SecretKey),
		SecurityToken: r.str("security_token", m.SecurityToken),
		UserName:      r.str("user_name", m.UserName),
		UserID:        r.str("user_id", m.UserID),
		Password:      r.str("password", m.Password),
		DomainName:    r.str("domain_name", m.DomainName),
		DomainID:      r.str("domain_id", m.DomainID),
		OIDC: credentials.OIDC{
			IdpID:       r.str("assume_role_with_oidc.idp_id", oidc.IdpID),
			IDToken:     r.str("assume_role_with_oidc.id_token", oidc.IDToken),
			IDTokenFile: r.str("assume_role_with_oidc.id_token_file", oidc.IDTokenFile),
			AgencyName:  r.str("assume_role_with_oidc.agency_name", oidc.AgencyName),
			DomainID:    r.str("assume_role_with_oidc.domain_id", oidc.DomainID),
		},
	}}
	cr := &a.cr
	if d, ok := r.number("assume_role_with_oidc.duration", oidc.Duration, minDurationSeconds, maxDurationSeconds, true); ok {
		cr.OIDC.Duration = time.Duration(d) * time.Second
	}
	if cr.OIDC.AgencyName != "" && cr.OIDC.DomainID == "" {
		r.diags.AddAttributeError(path.Root("assume_role_with_oidc").AtName("domain_id"), "Incomplete assume_role_with_oidc",
			fmt.Sprintf("Assuming agency %q needs domain_id, the account of the identity provider and the agency.", cr.OIDC.AgencyName))
	}
	a.sharedFile = r.str("shared_config_file", m.SharedConfigFile)
	a.profileName = r.str("profile", m.Profile)
	cr.PodIdentity = credentials.PodIdentity{URI: r.str("pod_identity.uri", types.StringNull()), TokenFile: r.str("pod_identity.token_file", types.StringNull())}
	if u := cr.PodIdentity.URI; u != "" {
		if err := endpoints.ValidatePodIdentityURI(u); err != nil {
			r.diags.AddError("Invalid environment variable", fmt.Sprintf("%s=%q cannot be used for the CCE pod identity: %s.", EnvPodIdentityURI, redact.URL(u), err))
		}
	}
	a.fields = map[string]*string{
		"token":                               &cr.Token,
		"access_key":                          &cr.AccessKey,
		"secret_key":                          &cr.SecretKey,
		"security_token":                      &cr.SecurityToken,
		"user_name":                           &cr.UserName,
		"user_id":                             &cr.UserID,
		"password":                            &cr.Password,
		"domain_name":                         &cr.DomainName,
		"domain_id":                           &cr.DomainID,
		"assume_role_with_oidc.idp_id":        &cr.OIDC.IdpID,
		"assume_role_with_oidc.id_token":      &cr.OIDC.IDToken,
		"assume_role_with_oidc.id_token_file": &cr.OIDC.IDTokenFile,
		"shared_config_file":                  &a.sharedFile,
		"profile":                             &a.profileName,
		"pod_identity.uri":                    &cr.PodIdentity.URI,
		"pod_identity.token_file":             &cr.PodIdentity.TokenFile,
	}
	return a
}

// writtenMethodsComplete reports an error for each method written in the provider block but
// incomplete, whatever the environment holds: falling back to another method would
// authenticate as someone the block does not name.
func (r *resolver) writtenMethodsComplete() bool {
	ok := true
	for _, mt := range methods {
		if r.written(mt) && !mt.complete(r.set) {
			set := r.setArgs(mt.args)
			verb := "is"
			if len(set) > 1 {
				verb = "are"
			}
			r.diags.AddAttributeError(attrPath(mt.args[0]), "Incomplete credentials",
				fmt.Sprintf("%s authentication needs %s, but only %s %s set. Add what is missing, or remove it from the provider block to use another method.",
					mt.name, mt.missing, strings.Join(set, " and "), verb))
			ok = false
		}
	}
	return ok
}

// chooseMethod is the index in methods of the first complete method written in the block,
// else of the first complete one at all; -1 when none is complete.
func (r *resolver) chooseMethod() int {
	for _, blockOnly := range []bool{true, false} {
		for i, mt := range methods {
			if mt.complete(r.set) && (!blockOnly || r.written(mt)) {
				return i
			}
		}
	}
	return -1
}

// keepChosenArgs is the set arguments the chosen method uses. When the block alone makes the
// method, its other arguments come from the block only: a security token or user ID left in
// the environment belongs to other credentials, and is cleared.
func (r *resolver) keepChosenArgs(chosen int, a *credentialArgs) map[string]bool {
	used := map[string]bool{}
	if chosen >= 0 {
		mt := methods[chosen]
		fromBlock := mt.complete(r.blockSet())
		for _, arg := range mt.args {
			if !r.set[arg] {
				continue
			}
			if fromBlock && r.source[arg] != "" && slices.Contains(mt.own, arg) {
				*a.fields[arg] = ""
				continue
			}
			used[arg] = true
		}
	}
	// Keys sign global IAM calls with their account's ID when it is given, which spares a
	// lookup: AK/SK and the keys of the host's agency or the pod's.
	method := a.cr.Method
	if r.set["domain_id"] && (method == credentials.AuthMetadata || method == credentials.AuthPodIdentity ||
		(method == credentials.AuthAKSK && chosen >= 0 && !methods[chosen].profile)) {
		used["domain_id"] = true
	}
	return used
}

// reportIgnored warns of the set arguments of other methods written in the block, and logs
// those the environment holds: environments shared with other tools hold credentials of other
// methods, which is no reason for a warning.
func (r *resolver) reportIgnored(chosen int, used map[string]bool) {
	using := "the ECS metadata service (no method is complete)"
	if chosen >= 0 {
		using = methods[chosen].name
	}
	var inBlock, inEnv []string
	for _, mt := range methods {
		for _, a := range mt.args {
			switch {
			case !r.set[a] || used[a]:
			case r.source[a] == "":
				inBlock = append(inBlock, a)
			default:
				inEnv = append(inEnv, r.describe(a))
			}
		}
	}
	if len(inBlock) > 0 {
		r.diags.AddWarning("Ignored credentials",
			fmt.Sprintf("Authenticating with %s. These are set in the provider block but belong to other, lower-precedence methods, and are not used: %s.\n\n"+
				"Precedence: token, AK/SK, password, OIDC, shared config profile, CCE pod identity, then the ECS metadata service; a method in the provider block beats one from the environment.",
				using, strings.Join(inBlock, ", ")))
	}
	if len(inEnv) > 0 {
		tflog.Info(r.ctx, "HSS provider ignored credentials of other methods from the environment", map[string]any{
			"using": using, "ignored": strings.Join(inEnv, ", "),
		})
	}
}

// applyProfile takes the keys, and the region, project and agency when the block and the
// environment leave them unset, from the shared config profile; false after an error.
func (r *resolver) applyProfile(a *credentialArgs, cfg *hss.Config) ([]credentials.AssumeRole, bool) {
	p, err := readProfile(r.ctx, cmp.Or(a.sharedFile, defaultSharedConfigFile()), a.profileName)
	if err != nil {
		if safefile.PlausiblePath(a.sharedFile) || a.sharedFile == "" {
			r.diags.AddAttributeError(path.Root("profile"), "Unusable shared config profile", validators.Sentence(err.Error()))
		} else {
			r.diags.AddError("Unusable shared config profile", "shared_config_file: "+validators.Sentence(err.Error()))
		}
		return nil, false
	}
	cr := &a.cr
	cr.AccessKey, cr.SecretKey, cr.SecurityToken = p.AccessKeyID, p.SecretAccessKey, p.SecurityToken
	if p.Mode == profileModeECSAgency {
		cr.Method = credentials.AuthMetadata
	}
	if p.AgencyName != "" && p.AgencyDomainName == "" && p.AgencyDomainID == "" {
		r.diags.AddAttributeError(path.Root("profile"), "Unusable shared config profile",
			fmt.Sprintf("Profile %q names agency %q but not the domain that owns it: set agencyDomainName or agencyDomainId in the profile.", p.Name, p.AgencyName))
		return nil, false
	}
	// The block and the environment win over what the profile holds.
	if cfg.Region == "" {
		cfg.Region, r.source["region"] = p.Region, "profile "+p.Name
	}
	if cfg.ProjectID == "" && cfg.Region == p.Region {
		cfg.ProjectID, r.source["project_id"] = p.ProjectID, "profile "+p.Name
	}
	if p.AgencyName == "" {
		return nil, true
	}
	return []credentials.AssumeRole{{AgencyName: p.AgencyName, DomainName: p.AgencyDomainName, DomainID: p.AgencyDomainID}}, true
}

// checkV5Hops refuses, before any request, an IAM v5 hop (an agency named with its domain ID)
// that the service would refuse: a session name (the agency name) outside 2 to 128 characters,
// or a duration beyond what it grants to the keys that sign the hop. Those are temporary, and
// limited to an hour, unless the hop is the first of the chain on top of AK/SK without a
// security token: every later hop, and one on top of OIDC, the ECS metadata service, a pod
// identity, a token or a password, is signed with keys obtained before it.
func (r *resolver) checkV5Hops(cr credentials.Config, args []hopArg) {
	type hop struct {
		credentials.AssumeRole
		hopArg
	}
	var hops []hop
	if cr.Method == credentials.AuthOIDC && cr.OIDC.AgencyName != "" {
		hops = append(hops, hop{credentials.AssumeRole{AgencyName: cr.OIDC.AgencyName, DomainID: cr.OIDC.DomainID, Duration: cr.OIDC.Duration},
			hopArg{"assume_role_with_oidc", path.Root("assume_role_with_oidc")}})
	}
	for i, ar := range cr.AssumeRoles {
		hops = append(hops, hop{ar, args[i]})
	}
	permanent := cr.Method == credentials.AuthAKSK && cr.SecurityToken == ""
	for i, h := range hops {
		if h.DomainID == "" {
			continue
		}
		where := fmt.Sprintf("Agency %q (hop %d of %d in the chain, %s) is assumed through IAM v5, as it is named with domain_id", h.AgencyName, i+1, len(hops), h.name)
		at, durationName := h.at, h.name+".duration"
		if n := len(h.AgencyName); n < minV5SessionName || n > maxV5SessionName {
			r.hopError(at.AtName("agency_name"), "Invalid agency name",
				fmt.Sprintf("%s, which takes the agency name as the session name: it must be %d to %d characters, and %q is %d.",
					where, minV5SessionName, maxV5SessionName, h.AgencyName, n))
		}
		limit, signed := maxV5Duration, "keys"
		if i > 0 || !permanent {
			limit, signed = maxV5TemporaryDuration, "temporary keys (sent with a security token)"
			if i > 0 {
				signed += " that the hop before it obtained"
			} else {
				signed += " that the " + methodName(cr.Method) + " gives"
			}
		}
		if h.Duration > limit {
			r.hopError(at.AtName("duration"), "Invalid assume_role duration",
				fmt.Sprintf("%s and signed with %s; IAM v5 grants those at most %d seconds, and %s is %d. Lower it, or leave it unset for an hour.",
					where, signed, int(limit.Seconds()), r.describe(durationName), int(h.Duration.Seconds())))
		}
	}
}

// hopArg names where a hop is configured: a block (at), or the environment or a profile
// (at is empty).
type hopArg struct {
	name string
	at   path.Path
}

// hopError reports against at, or against the provider when the hop has no block of its own.
func (r *resolver) hopError(at path.Path, summary, detail string) {
	if len(at.Steps()) <= 1 {
		r.diags.AddError(summary, detail)
		return
	}
	r.diags.AddAttributeError(at, summary, detail)
}

// methodName names a base method in a sentence.
func methodName(m credentials.AuthMethod) string {
	switch m {
	case credentials.AuthOIDC:
		return "OIDC exchange"
	case credentials.AuthMetadata:
		return "ECS metadata service"
	case credentials.AuthPodIdentity:
		return "CCE pod identity"
	case credentials.AuthToken:
		return "token"
	case credentials.AuthPassword:
		return "password"
	}
	return "security_token with AK/SK"
}

// oidcBlock is the assume_role_with_oidc block, nil when it is absent or not known yet.
func (r *resolver) oidcBlock(v types.Object) *oidcModel {
	if !r.known("assume_role_with_oidc", v) || v.IsNull() {
		return nil
	}
	var o oidcModel
	if d := v.As(r.ctx, &o, basetypes.ObjectAsOptions{}); d.HasError() {
		r.diags.Append(d...)
		return nil
	}
	return &o
}

// assumeRoles is the chain of agencies: the assume_role blocks in order, or, with none written,
// the one the HW_ASSUME_ROLE_* variables describe.
func (r *resolver) assumeRoles(list types.List) ([]credentials.AssumeRole, []hopArg) {
	if !r.known("assume_role", list) {
		return nil, nil
	}
	var blocks []assumeRoleModel
	for i, e := range list.Elements() {
		if e.IsUnknown() {
			r.known(fmt.Sprintf("assume_role[%d]", i), e)
			return nil, nil
		}
	}
	if !list.IsNull() {
		if d := list.ElementsAs(r.ctx, &blocks, false); d.HasError() {
			r.diags.Append(d...)
			return nil, nil
		}
	}
	if len(blocks) == 0 {
		null := assumeRoleModel{AgencyName: types.StringNull(), DomainName: types.StringNull(), DomainID: types.StringNull(), Duration: types.Int64Null()}
		if ar, ok := r.assumeRole(path.Root("assume_role"), "assume_role", null); ok {
			return []credentials.AssumeRole{ar}, []hopArg{{"assume_role", path.Empty()}}
		}
		return nil, nil
	}
	var chain []credentials.AssumeRole
	var args []hopArg
	for i, b := range blocks {
		name, at := fmt.Sprintf("assume_role[%d]", i), path.Root("assume_role").AtListIndex(i)
		if ar, ok := r.assumeRole(at, name, b); ok {
			chain, args = append(chain, ar), append(args, hopArg{name, at})
		}
	}
	return chain, args
}

// assumeRole reads one hop: from a block, whose arguments never fall back to the environment
// (which describes one hop of its own), or, for the block-less name "assume_role", from
// HW_ASSUME_ROLE_*.
func (r *resolver) assumeRole(at path.Path, name string, b assumeRoleModel) (credentials.AssumeRole, bool) {
	get := func(arg string, v types.String) string {
		if name == "assume_role" {
			return r.str("assume_role."+arg, v)
		}
		if !r.known(name+"."+arg, v) || v.IsNull() {
			return ""
		}
		return v.ValueString()
	}
	ar := credentials.AssumeRole{AgencyName: get("agency_name", b.AgencyName), DomainName: get("domain_name", b.DomainName), DomainID: get("domain_id", b.DomainID)}
	if name == "assume_role" {
		if d, ok := r.number("assume_role.duration", b.Duration, minDurationSeconds, maxDurationSeconds, true); ok {
			ar.Duration = time.Duration(d) * time.Second
		}
	} else if r.known(name+".duration", b.Duration) && !b.Duration.IsNull() {
		ar.Duration = time.Duration(b.Duration.ValueInt64()) * time.Second
	}
	switch {
	case ar.AgencyName == "" && (ar.DomainName != "" || ar.DomainID != "" || ar.Duration != 0):
		r.diags.AddAttributeError(at.AtName("agency_name"), "Incomplete assume_role",
			fmt.Sprintf("%s names no agency: set agency_name (%s), or remove the block.", name, EnvAssumeRoleAgency))
	case ar.AgencyName != "" && ar.DomainName == "" && ar.DomainID == "":
		r.diags.AddAttributeError(at, "Incomplete assume_role",
			fmt.Sprintf("Assuming agency %q needs the domain that owns it: domain_name (%s) or domain_id (%s).", ar.AgencyName, EnvAssumeRoleDomain, EnvAssumeRoleDomainID))
	case ar.AgencyName != "":
		return ar, true
	}
	return credentials.AssumeRole{}, false
}

// blockSet holds the arguments set in the provider block.
func (r *resolver) blockSet() map[string]bool {
	out := map[string]bool{}
	for a := range r.set {
		if r.source[a] == "" {
			out[a] = true
		}
	}
	return out
}

// inBlock reports whether any of args was set in the provider block.
func (r *resolver) inBlock(args []string) bool {
	for _, a := range args {
		if r.set[a] && r.source[a] == "" {
			return true
		}
	}
	return false
}

func (r *resolver) setArgs(args []string) []string {
	var out []string
	for _, a := range args {
		if r.set[a] {
			out = append(out, r.describe(a))
		}
	}
	return out
}
