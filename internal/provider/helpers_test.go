package provider

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

// The provider is configured and read through its protocol server in-process, against an
// emulator of each test's own.

type (
	emu    = providertest.Emu
	inproc = providertest.Server
)

var (
	newEmu       = providertest.NewEmu
	errRe        = providertest.ErrRe
	str          = providertest.Str
	merged       = providertest.Merged
	wantEntries  = providertest.WantEntries
	writeIDToken = providertest.WriteIDToken
	writeProfile = providertest.WriteProfile
	akskArgs     = providertest.AKSKArgs
	passwordArgs = providertest.PasswordArgs
	cicd111      = providertest.CICD111
	unknown      = providertest.Unknown
	stringValue  = types.StringValue
)

// newInproc serves the provider with environment fallbacks from env only.
func newInproc(t *testing.T, env mapEnv) *inproc {
	t.Helper()
	return providertest.New(t, &hssProvider{version: "test", env: env})
}

// configured is an in-process provider configured against e with args.
func configured(t *testing.T, e *emu, env mapEnv, args map[string]any) *inproc {
	t.Helper()
	p := newInproc(t, env)
	if d := p.Configure(e.Config(args)); d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	return p
}

// inBubble is an in-process provider whose requests reach emu without a socket, so a
// testing/synctest bubble's virtual clock governs every wait.
func inBubble(t *testing.T, emu *emulator.Emulator, args map[string]any) *inproc {
	t.Helper()
	p := providertest.New(t, &hssProvider{version: "test", env: mapEnv{}, tune: func(c *hss.Config) { c.Transport = emulator.NewTransport(emu) }})
	if d := p.Configure(merged(map[string]any{"region": emulator.Region, "endpoints": map[string]string{"hss": "https://hss.test", "iam": "https://iam.test"}}, args)); d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	return p
}

// resolve runs the provider's configuration merge on a block and an environment.
func resolve(t *testing.T, m hssProviderModel, env mapEnv) (hss.Config, diag.Diagnostics) {
	t.Helper()
	cfg, d, _ := resolveLogged(t, m, env)
	return cfg, d
}

// resolveLogged is resolve that also returns what was logged.
func resolveLogged(t *testing.T, m hssProviderModel, env mapEnv) (hss.Config, diag.Diagnostics, string) {
	t.Helper()
	var d diag.Diagnostics
	var logs bytes.Buffer
	cfg := resolveConfig(tflogtest.RootLogger(context.Background(), &logs), m, env, &d).cfg
	return cfg, d, logs.String()
}

func nullModel() hssProviderModel {
	var m hssProviderModel
	for _, p := range []*types.String{&m.Region, &m.ProjectID, &m.ProjectName, &m.EnterpriseProjectID, &m.AccessKey, &m.SecretKey, &m.SecurityToken,
		&m.Token, &m.UserName, &m.UserID, &m.Password, &m.DomainName, &m.DomainID, &m.SharedConfigFile, &m.Profile, &m.AuthURL, &m.Cloud, &m.CACertFile} {
		*p = types.StringNull()
	}
	m.Endpoints, m.Insecure = types.MapNull(types.StringType), types.BoolNull()
	m.MaxRetries, m.RateLimit, m.PageConcurrency, m.MaxMemoryMB = types.Int64Null(), types.Float64Null(), types.Int64Null(), types.Int64Null()
	return m
}
