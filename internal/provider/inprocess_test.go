package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// inproc drives the provider's protocol server in the test process, as Terraform would over
// gRPC: validate, configure and read, without launching the CLI. Configurations are written as
// Go maps and typed from the schema (strings, ints, bools, maps of strings, lists of objects,
// objects); what is not written is null.
type inproc struct {
	t       *testing.T
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
	// ctx is what every call gets, e.g. with a logger that captures the provider's logs.
	ctx context.Context
}

func newInproc(t *testing.T, env mapEnv) *inproc {
	t.Helper()
	s, err := newTunedServer(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &inproc{t: t, server: s}
	p.loadSchemas()
	return p
}

// newTunedServer is the provider's protocol server, its client configuration adjusted by tune.
func newTunedServer(env mapEnv, tune func(*hss.Config)) (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(&hssProvider{version: "test", env: env, tune: tune})()
}

func (p *inproc) loadSchemas() {
	p.t.Helper()
	schemas, err := p.server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		p.t.Fatalf("%v %v", err, schemas.Diagnostics)
	}
	p.schemas = schemas
}

func (p *inproc) context() context.Context {
	if p.ctx != nil {
		return p.ctx
	}
	return context.Background()
}

// unknown stands, in a configuration written as Go values, for a value not known until apply.
var unknown = struct{ unknown bool }{true}

// typed builds a value of type typ from a Go value: nil is null, unknown unknown.
func typed(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	if v == any(unknown) {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch typ := typ.(type) {
	case tftypes.Object:
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v is not an object", v)
		}
		vals := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			vals[name] = typed(t, at, m[name])
		}
		for name := range m {
			if _, ok := typ.AttributeTypes[name]; !ok {
				t.Fatalf("no attribute %q", name)
			}
		}
		return tftypes.NewValue(typ, vals)
	case tftypes.List:
		items, ok := v.([]map[string]any)
		if !ok {
			t.Fatalf("%v is not a list of objects", v)
		}
		vals := make([]tftypes.Value, len(items))
		for i, it := range items {
			vals[i] = typed(t, typ.ElementType, it)
		}
		return tftypes.NewValue(typ, vals)
	case tftypes.Map:
		if objects, ok := v.(map[string]any); ok {
			vals := map[string]tftypes.Value{}
			for k, o := range objects {
				vals[k] = typed(t, typ.ElementType, o)
			}
			return tftypes.NewValue(typ, vals)
		}
		m, ok := v.(map[string]string)
		if !ok {
			t.Fatalf("%v is not a map of strings", v)
		}
		vals := map[string]tftypes.Value{}
		for k, s := range m {
			vals[k] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(typ, vals)
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, fmt.Sprint(v))
	case typ.Is(tftypes.Number):
		switch n := v.(type) {
		case int:
			return tftypes.NewValue(typ, big.NewFloat(float64(n)))
		case float64:
			return tftypes.NewValue(typ, big.NewFloat(n))
		}
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, v)
	}
	t.Fatalf("cannot make a %s of %v", typ, v)
	return tftypes.Value{}
}

func (p *inproc) dynamic(typ tftypes.Type, cfg map[string]any) *tfprotov6.DynamicValue {
	p.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, typed(p.t, typ, cfg))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// diags is diagnostics as "<severity>: <summary>: <detail>" lines, for matching.
type diags []*tfprotov6.Diagnostic

func (d diags) String() string {
	var out []string
	for _, x := range d {
		out = append(out, fmt.Sprintf("%s: %s%s: %s", x.Severity, attributePath(x.Attribute), x.Summary, x.Detail))
	}
	return strings.Join(out, "\n")
}

// attributePath is a diagnostic's attribute as Terraform shows it, e.g. "assume_role[0].duration: ".
func attributePath(p *tftypes.AttributePath) string {
	if p == nil || len(p.Steps()) == 0 {
		return ""
	}
	var b strings.Builder
	for _, s := range p.Steps() {
		switch s := s.(type) {
		case tftypes.AttributeName:
			if b.Len() > 0 {
				b.WriteString(".")
			}
			b.WriteString(string(s))
		case tftypes.ElementKeyInt:
			fmt.Fprintf(&b, "[%d]", int64(s))
		case tftypes.ElementKeyString:
			fmt.Fprintf(&b, "[%q]", string(s))
		}
	}
	return b.String() + ": "
}

func (d diags) errors() int {
	n := 0
	for _, x := range d {
		if x.Severity == tfprotov6.DiagnosticSeverityError {
			n++
		}
	}
	return n
}

// validate is `terraform validate` of the provider block: its schema validators.
func (p *inproc) validate(cfg map[string]any) diags {
	p.t.Helper()
	resp, err := p.server.ValidateProviderConfig(p.context(), &tfprotov6.ValidateProviderConfigRequest{
		Config: p.dynamic(p.schemas.Provider.ValueType(), cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// configure is the provider block's validation and Configure.
func (p *inproc) configure(cfg map[string]any) diags {
	p.t.Helper()
	if d := p.validate(cfg); d.errors() > 0 {
		return d
	}
	resp, err := p.server.ConfigureProvider(p.context(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: p.dynamic(p.schemas.Provider.ValueType(), cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// read validates and reads hss_image_basic_image, returning the new state's attributes.
func (p *inproc) read(cfg map[string]any) (map[string]tftypes.Value, diags) {
	p.t.Helper()
	return p.readData("hss_image_basic_image", cfg)
}

// readData validates and reads data source name with cfg.
func (p *inproc) readData(name string, cfg map[string]any) (map[string]tftypes.Value, diags) {
	p.t.Helper()
	typ := p.schemas.DataSourceSchemas[name].ValueType()
	v, err := p.server.ValidateDataResourceConfig(p.context(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: p.dynamic(typ, cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	if diags(v.Diagnostics).errors() > 0 {
		return nil, v.Diagnostics
	}
	resp, err := p.server.ReadDataSource(p.context(), &tfprotov6.ReadDataSourceRequest{TypeName: name, Config: p.dynamic(typ, cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	if resp.State == nil {
		return nil, append(v.Diagnostics, resp.Diagnostics...)
	}
	state, err := resp.State.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		p.t.Fatal(err)
	}
	return attrs, append(v.Diagnostics, resp.Diagnostics...)
}

// emulatorProvider is a provider configuration pointing every service at e, plus extra.
func (e *emu) config(extra map[string]any) map[string]any {
	cfg := map[string]any{"region": "cn-north-4", "endpoints": map[string]string{"hss": e.url, "iam": e.url, "sts": e.url, "metadata": e.url}}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

// str is a string attribute of state.
func str(t *testing.T, attrs map[string]tftypes.Value, name string) string {
	t.Helper()
	var s string
	if err := attrs[name].As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func stringValue(s string) types.String { return types.StringValue(s) }
