package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
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

// setting is one string argument: config value first, then its environment variable.
type setting struct {
	attr  string
	env   string
	value types.String
}

// resolveConfig merges configuration and environment and validates the merged values, which
// schema validators cannot see.
func resolveConfig(_ context.Context, m hssProviderModel, env environment, diags *diag.Diagnostics) (hss.Config, string) {
	var cfg hss.Config
	unknown := func(name string, v attr.Value) bool {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(name), "Unknown provider argument",
				fmt.Sprintf("The provider cannot be configured because %q is not known until apply. Set it to a literal or a value known at plan time.", name))
			return true
		}
		return false
	}
	// fromEnv records which environment variable supplied an argument, for messages.
	fromEnv := map[string]string{}
	get := func(s setting) string {
		if unknown(s.attr, s.value) {
			return ""
		}
		if !s.value.IsNull() {
			return s.value.ValueString()
		}
		if s.env != "" {
			if v, ok := env.Lookup(s.env); ok {
				fromEnv[s.attr] = s.env
				return strings.TrimSpace(v)
			}
		}
		return ""
	}

	cfg.Region = get(setting{"region", EnvRegion, m.Region})
	cfg.ProjectID = get(setting{"project_id", EnvProjectID, m.ProjectID})
	eps := get(setting{"enterprise_project_id", EnvEnterpriseProjectID, m.EnterpriseProjectID})
	cfg.AuthURL = get(setting{"auth_url", EnvAuthURL, m.AuthURL})
	cfg.Cloud = get(setting{"cloud", EnvCloud, m.Cloud})
	cr := hss.Credentials{
		AccessKey:     get(setting{"access_key", EnvAccessKey, m.AccessKey}),
		SecretKey:     get(setting{"secret_key", EnvSecretKey, m.SecretKey}),
		SecurityToken: get(setting{"security_token", EnvSecurityToken, m.SecurityToken}),
		Token:         get(setting{"token", EnvToken, m.Token}),
		UserName:      get(setting{"user_name", EnvUserName, m.UserName}),
		Password:      get(setting{"password", EnvPassword, m.Password}),
		DomainName:    get(setting{"domain_name", EnvDomainName, m.DomainName}),
	}

	if cfg.Region == "" && !m.Region.IsUnknown() {
		diags.AddAttributeError(path.Root("region"), "Missing region",
			fmt.Sprintf("Set the provider argument \"region\" or the %s environment variable, e.g. cn-north-4.", EnvRegion))
	}
	// Schema validators checked literal values; these come from the environment.
	for _, v := range []struct {
		attr, value string
		check       func(string) error
	}{
		{"region", cfg.Region, hss.ValidateRegion},
		{"project_id", cfg.ProjectID, hss.ValidateProjectID},
		{"cloud", cfg.Cloud, hss.ValidateCloud},
		{"auth_url", cfg.AuthURL, hss.ValidateEndpoint},
	} {
		name, ok := fromEnv[v.attr]
		if !ok || v.value == "" {
			continue
		}
		if err := v.check(v.value); err != nil {
			diags.AddAttributeError(path.Root(v.attr), "Invalid environment variable",
				fmt.Sprintf("%s=%q cannot be used for %s: %s.", name, v.value, v.attr, err))
		}
	}

	if !unknown("endpoints", m.Endpoints) && !m.Endpoints.IsNull() {
		for k, v := range m.Endpoints.Elements() {
			s, ok := v.(types.String)
			if !ok || s.IsUnknown() {
				diags.AddAttributeError(path.Root("endpoints").AtMapKey(k), "Unknown provider argument", "Endpoints must be known at plan time.")
				continue
			}
			switch k {
			case "hss":
				cfg.HSSEndpoint = s.ValueString()
			case "iam":
				cfg.IAMEndpoint = s.ValueString()
			}
		}
	}

	if !unknown("insecure", m.Insecure) {
		if !m.Insecure.IsNull() {
			cfg.Insecure = m.Insecure.ValueBool()
		} else if v, ok := env.Lookup(EnvInsecure); ok && v != "" {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				diags.AddAttributeError(path.Root("insecure"), "Invalid environment variable", fmt.Sprintf("%s=%q is not a boolean (true or false).", EnvInsecure, v))
			}
			cfg.Insecure = b
		}
	}
	caFile := get(setting{"cacert_file", EnvCACertFile, m.CACertFile})
	if caFile == "" && m.CACertFile.IsNull() {
		caFile = get(setting{"cacert_file", EnvOSCACert, types.StringNull()})
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile) //nolint:gosec // the user names the file to trust
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("cacert_file"), "Unreadable CA certificate file", fmt.Sprintf("Cannot read %q: %s.", caFile, err))
		case !hss.ValidCACerts(pem):
			diags.AddAttributeError(path.Root("cacert_file"), "Invalid CA certificate file", fmt.Sprintf("%q holds no PEM-encoded certificate.", caFile))
		default:
			cfg.CACertPEM = pem
		}
	}
	if cfg.Insecure {
		diags.AddAttributeWarning(path.Root("insecure"), "TLS verification is disabled",
			"insecure = true skips certificate verification, so credentials and results can be intercepted. Use it only against test endpoints.")
	}

	cfg.MaxRetries = DefaultMaxRetries
	switch {
	case unknown("max_retries", m.MaxRetries):
	case !m.MaxRetries.IsNull():
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	default:
		if n, ok := envNumber(env, diags, "max_retries", EnvMaxRetries, 0, maxRetriesLimit, true); ok {
			cfg.MaxRetries = int(n)
		}
	}
	cfg.RateLimit = hss.DefaultRateLimit
	switch {
	case unknown("rate_limit", m.RateLimit):
	case !m.RateLimit.IsNull():
		cfg.RateLimit = m.RateLimit.ValueFloat64()
	default:
		if n, ok := envNumber(env, diags, "rate_limit", EnvRateLimit, 0, maxRateLimit, false); ok {
			cfg.RateLimit = n
		}
	}
	cfg.PageConcurrency = hss.DefaultPageConcurrency
	switch {
	case unknown("page_concurrency", m.PageConcurrency):
	case !m.PageConcurrency.IsNull():
		cfg.PageConcurrency = int(m.PageConcurrency.ValueInt64())
	default:
		if n, ok := envNumber(env, diags, "page_concurrency", EnvPageConcurrency, 1, maxPageConcurrency, true); ok {
			cfg.PageConcurrency = int(n)
		}
	}

	cfg.Credentials = chooseCredentials(cr, diags)
	return cfg, eps
}

// authMethod describes one way to authenticate, for detection and for messages.
type authMethod struct {
	method hss.AuthMethod
	name   string
	// args lists its arguments with their env vars; required ones come first.
	args     []string
	envs     []string
	required int
	values   []string
}

func (a authMethod) anySet() bool {
	for _, v := range a.values {
		if v != "" {
			return true
		}
	}
	return false
}

func (a authMethod) missing() []string {
	var out []string
	for i := 0; i < a.required; i++ {
		if a.values[i] == "" {
			out = append(out, fmt.Sprintf("%q (%s)", a.args[i], a.envs[i]))
		}
	}
	return out
}

func (a authMethod) describe() string {
	var parts []string
	for i := range a.args {
		parts = append(parts, fmt.Sprintf("%s (%s)", a.args[i], a.envs[i]))
	}
	return a.name + ": " + strings.Join(parts, ", ")
}

// chooseCredentials finds the single authentication method the merged settings describe.
func chooseCredentials(cr hss.Credentials, diags *diag.Diagnostics) hss.Credentials {
	methods := []authMethod{
		{method: hss.AuthAKSK, name: "AK/SK", args: []string{"access_key", "secret_key", "security_token"},
			envs: []string{EnvAccessKey, EnvSecretKey, EnvSecurityToken}, required: 2,
			values: []string{cr.AccessKey, cr.SecretKey, cr.SecurityToken}},
		{method: hss.AuthToken, name: "token", args: []string{"token"}, envs: []string{EnvToken}, required: 1,
			values: []string{cr.Token}},
		{method: hss.AuthPassword, name: "password", args: []string{"user_name", "password", "domain_name"},
			envs: []string{EnvUserName, EnvPassword, EnvDomainName}, required: 3,
			values: []string{cr.UserName, cr.Password, cr.DomainName}},
	}
	var set []authMethod
	for _, m := range methods {
		if m.anySet() {
			set = append(set, m)
		}
	}
	all := make([]string, len(methods))
	for i, m := range methods {
		all[i] = "  - " + m.describe()
	}
	switch len(set) {
	case 0:
		diags.AddError("Missing credentials",
			"Configure exactly one authentication method, in the provider block or through environment variables:\n"+strings.Join(all, "\n"))
		return cr
	case 1:
	default:
		var names []string
		for _, m := range set {
			names = append(names, m.describe())
		}
		diags.AddError("Conflicting credentials",
			"More than one authentication method is configured (provider block and environment combined); keep exactly one:\n  - "+strings.Join(names, "\n  - "))
		return cr
	}
	chosen := set[0]
	if miss := chosen.missing(); len(miss) > 0 {
		diags.AddError("Incomplete credentials",
			fmt.Sprintf("%s authentication also needs %s.", chosen.name, strings.Join(miss, " and ")))
	}
	cr.Method = chosen.method
	return cr
}

// envNumber reads a number from environment variable name, reporting a malformed or
// out-of-range value against the attribute it stands for. ok is false when unset or bad.
func envNumber(env environment, diags *diag.Diagnostics, attrName, name string, lo, hi float64, integer bool) (float64, bool) {
	raw, set := env.Lookup(name)
	if !set || strings.TrimSpace(raw) == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if math.IsNaN(n) || math.IsInf(n, 0) {
		err = strconv.ErrSyntax
	}
	kind := "a finite number"
	if integer {
		kind = "an integer"
		if err == nil && n != float64(int64(n)) {
			err = strconv.ErrSyntax
		}
	}
	if err != nil || n < lo || n > hi {
		diags.AddAttributeError(path.Root(attrName), "Invalid environment variable",
			fmt.Sprintf("%s=%q must be %s from %g to %g.", name, raw, kind, lo, hi))
		return 0, false
	}
	return n, true
}
