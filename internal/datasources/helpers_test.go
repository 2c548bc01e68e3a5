package datasources_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hsslabs/terraform-provider-hss/internal/datasources"
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
	nullsExcept = datasources.NullsExcept
)

// newInproc serves the provider without environment fallbacks: the tests' environment never
// configures it.
func newInproc(t *testing.T) *inproc {
	t.Helper()
	return providertest.New(t, provider.NewWith("test", nil, nil)())
}

// configured is an in-process provider configured against e with args.
func configured(t *testing.T, e *emu, args map[string]any) *inproc {
	t.Helper()
	p := newInproc(t)
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

// results is the results map of a batch read: each key's entries.
func results(t *testing.T, attrs map[string]tftypes.Value) map[string][]emulator.BasicImage {
	t.Helper()
	var m map[string]tftypes.Value
	if err := attrs["results"].As(&m); err != nil {
		t.Fatal(err)
	}
	out := map[string][]emulator.BasicImage{}
	for k, v := range m {
		var obj map[string]tftypes.Value
		if err := v.As(&obj); err != nil {
			t.Fatal(err)
		}
		out[k] = entries(t, obj)
	}
	return out
}

// at is the moment the gate's tests judge for: a week after the fixture's scans.
const at = "2026-12-06T00:00:00Z"

// vulnerabilities is data_list of a hss_image_vulnerabilities read, as text.
func vulnerabilities(t *testing.T, attrs map[string]tftypes.Value) []map[string]string {
	t.Helper()
	var list []tftypes.Value
	if err := attrs["data_list"].As(&list); err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]string, len(list))
	for i, v := range list {
		out[i] = image(t, v)
	}
	return out
}

const proxyAgent = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"

// image is one data_list entry of hss_images, as text; a list attribute as its length.
func image(t *testing.T, v tftypes.Value) map[string]string {
	t.Helper()
	var obj map[string]tftypes.Value
	if err := v.As(&obj); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, f := range obj {
		switch {
		case f.Type().Is(tftypes.Number):
			var n big.Float
			if err := f.As(&n); err != nil {
				t.Fatal(err)
			}
			out[k] = n.Text('f', 0)
		case f.Type().Is(tftypes.Bool):
			var b bool
			if err := f.As(&b); err != nil {
				t.Fatal(err)
			}
			out[k] = fmt.Sprint(b)
		case f.Type().Is(tftypes.String):
			out[k] = str(t, obj, k)
		default:
			var l []tftypes.Value
			if err := f.As(&l); err != nil {
				t.Fatal(err)
			}
			out[k] = fmt.Sprint(len(l))
			for i, c := range l {
				for ck, cv := range image(t, c) {
					out[fmt.Sprintf("%s.%d.%s", k, i, ck)] = cv
				}
			}
		}
	}
	return out
}

// images reads hss_images with args and returns its entries by image ID.
func images(t *testing.T, p *inproc, args map[string]any) (map[string]map[string]string, map[string]tftypes.Value) {
	t.Helper()
	attrs, d := p.ReadData("hss_images", args)
	if d.Errors() > 0 {
		t.Fatalf("%v: %s", args, d)
	}
	var list []tftypes.Value
	if err := attrs["data_list"].As(&list); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, v := range list {
		img := image(t, v)
		got[img["image_id"]] = img
	}
	return got, attrs
}
