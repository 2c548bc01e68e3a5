package datasources_test

import (
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

// The data sources are read through the provider's protocol server in-process, configured as
// a user would, against an emulator of their own.

type (
	emu    = providertest.Emu
	inproc = providertest.Server
)

var (
	newEmu      = providertest.NewEmu
	errRe       = providertest.ErrRe
	str         = providertest.Str
	merged      = providertest.Merged
	entries     = providertest.Entries
	wantEntries = providertest.WantEntries
	akskArgs    = providertest.AKSKArgs
	cicd111     = providertest.CICD111
)

// newInproc serves the provider with environment fallbacks from env only.
func newInproc(t *testing.T, env map[string]string) *inproc {
	t.Helper()
	return providertest.New(t, provider.NewWith("test", env, nil)())
}

// configured is an in-process provider configured against e with args.
func configured(t *testing.T, e *emu, args map[string]any) *inproc {
	t.Helper()
	p := newInproc(t, nil)
	if d := p.Configure(e.Config(args)); d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	return p
}

// inBubble is an in-process provider whose requests reach emu without a socket, so a
// testing/synctest bubble's virtual clock governs every wait.
func inBubble(t *testing.T, emu *emulator.Emulator, args map[string]any) *inproc {
	t.Helper()
	p := providertest.New(t, provider.NewWith("test", nil, func(c *hss.Config) { c.Transport = emulator.NewTransport(emu) })())
	if d := p.Configure(merged(map[string]any{"region": emulator.Region, "endpoints": map[string]string{"hss": "https://hss.test", "iam": "https://iam.test"}}, args)); d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	return p
}
