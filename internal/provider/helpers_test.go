package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
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
