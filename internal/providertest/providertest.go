// Package providertest drives a provider's protocol server in the test process, as Terraform
// would over gRPC — validate, configure, read, call a function — without launching the CLI, and
// serves it the emulator: the harness every package's in-process tests share.
package providertest

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Server drives a provider's protocol server in the test process. Configurations are written as
// Go maps and typed from the schema (strings, ints, bools, maps of strings, lists of objects,
// objects); what is not written is null.
type Server struct {
	t       testing.TB
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
	// Ctx is what every call gets, e.g. with a logger that captures the provider's logs.
	Ctx context.Context
}

// New serves p.
func New(t testing.TB, p provider.Provider) *Server {
	t.Helper()
	s, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("%v %v", err, schemas.Diagnostics)
	}
	return &Server{t: t, server: s, schemas: schemas}
}

// ProtocolServer is the server itself, for calls the harness does not make.
func (p *Server) ProtocolServer() tfprotov6.ProviderServer { return p.server }

// Schemas are the provider's schemas.
func (p *Server) Schemas() *tfprotov6.GetProviderSchemaResponse { return p.schemas }

func (p *Server) context() context.Context {
	if p.Ctx != nil {
		return p.Ctx
	}
	return context.Background()
}

// Unknown stands, in a configuration written as Go values, for a value not known until apply.
var Unknown = struct{ unknown bool }{true}

// Typed builds a value of type typ from a Go value: nil is null, Unknown unknown.
func Typed(t testing.TB, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	if v == any(Unknown) {
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
			vals[name] = Typed(t, at, m[name])
		}
		for name := range m {
			if _, ok := typ.AttributeTypes[name]; !ok {
				t.Fatalf("no attribute %q", name)
			}
		}
		return tftypes.NewValue(typ, vals)
	case tftypes.List:
		if strs, ok := v.([]string); ok {
			vals := make([]tftypes.Value, len(strs))
			for i, s := range strs {
				vals[i] = Typed(t, typ.ElementType, s)
			}
			return tftypes.NewValue(typ, vals)
		}
		items, ok := v.([]map[string]any)
		if !ok {
			t.Fatalf("%v is not a list of objects or strings", v)
		}
		vals := make([]tftypes.Value, len(items))
		for i, it := range items {
			vals[i] = Typed(t, typ.ElementType, it)
		}
		return tftypes.NewValue(typ, vals)
	case tftypes.Map:
		if objects, ok := v.(map[string]any); ok {
			vals := map[string]tftypes.Value{}
			for k, o := range objects {
				vals[k] = Typed(t, typ.ElementType, o)
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

func (p *Server) dynamic(typ tftypes.Type, cfg map[string]any) *tfprotov6.DynamicValue {
	p.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, Typed(p.t, typ, cfg))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// Diags are diagnostics, shown as "<severity>: <attribute>: <summary>: <detail>" lines, for matching.
type Diags []*tfprotov6.Diagnostic

func (d Diags) String() string {
	var out []string
	for _, x := range d {
		out = append(out, fmt.Sprintf("%s: %s%s: %s", x.Severity, AttributePath(x.Attribute), x.Summary, x.Detail))
	}
	return strings.Join(out, "\n")
}

// AttributePath is a diagnostic's attribute as Terraform shows it, e.g. "assume_role[0].duration: ".
func AttributePath(p *tftypes.AttributePath) string {
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

// Errors counts the errors.
func (d Diags) Errors() int {
	n := 0
	for _, x := range d {
		if x.Severity == tfprotov6.DiagnosticSeverityError {
			n++
		}
	}
	return n
}

// Validate is `terraform validate` of the provider block: its schema validators.
func (p *Server) Validate(cfg map[string]any) Diags {
	p.t.Helper()
	resp, err := p.server.ValidateProviderConfig(p.context(), &tfprotov6.ValidateProviderConfigRequest{
		Config: p.dynamic(p.schemas.Provider.ValueType(), cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// Configure is the provider block's validation and Configure.
func (p *Server) Configure(cfg map[string]any) Diags {
	p.t.Helper()
	if d := p.Validate(cfg); d.Errors() > 0 {
		return d
	}
	resp, err := p.server.ConfigureProvider(p.context(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: p.dynamic(p.schemas.Provider.ValueType(), cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// Read validates and reads hss_image_basic_image, returning the new state's attributes.
func (p *Server) Read(cfg map[string]any) (map[string]tftypes.Value, Diags) {
	p.t.Helper()
	return p.ReadData("hss_image_basic_image", cfg)
}

// MustRead reads hss_image_basic_image and fails on any error.
func (p *Server) MustRead(cfg map[string]any) map[string]tftypes.Value {
	p.t.Helper()
	attrs, d := p.Read(cfg)
	if d.Errors() > 0 {
		p.t.Fatalf("%s", d)
	}
	return attrs
}

// ReadData validates and reads data source name with cfg.
func (p *Server) ReadData(name string, cfg map[string]any) (map[string]tftypes.Value, Diags) {
	p.t.Helper()
	typ := p.schemas.DataSourceSchemas[name].ValueType()
	v, err := p.server.ValidateDataResourceConfig(p.context(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: p.dynamic(typ, cfg)})
	if err != nil {
		p.t.Fatal(err)
	}
	if Diags(v.Diagnostics).Errors() > 0 {
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

// Str is a string attribute of state.
func Str(t testing.TB, attrs map[string]tftypes.Value, name string) string {
	t.Helper()
	var s string
	if err := attrs[name].As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
