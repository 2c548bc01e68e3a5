package datasources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/explain"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// This file is the skeleton every data source shares: Configure, the timeouts block, the
// deterministic id, error diagnostics and the state. A data source declares a spec: its own
// attributes, its checks, and a read that fills the model's computed attributes. List data
// sources declare a listSpec (list.go), which makes such a spec.

// base holds the attributes every data source has; a model embeds it.
type base struct {
	ID       types.String   `tfsdk:"id"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (b *base) common() *base { return b }

// modeled is a data source's model, which embeds base. Fields of type tftypes.Value are read
// and written as they are, for attributes built as Terraform values directly.
type modeled interface{ common() *base }

// spec declares a data source; dataSource does the rest.
type spec[M any] struct {
	// typeName is the name after the provider's "hss_" prefix.
	typeName    string
	description string
	// subject names what the data source reads, in messages.
	subject string
	// attributes are the data source's own; the skeleton adds id and timeouts.
	attributes func(ctx context.Context) map[string]schema.Attribute
	// validate, when set, checks what a schema cannot express.
	validate func(ctx context.Context, m *M, diags *diag.Diagnostics)
	// read fills m's computed attributes; the outcome says what identifies the read.
	read func(ctx context.Context, d *Data, m *M) (*outcome, error)
}

// outcome is what a read tells the skeleton besides the model.
type outcome struct {
	// idParts lead the data source's id, e.g. region and image ID; key identifies the query.
	idParts []string
	key     string
	// warnings are shown with the result, redacted as every diagnostic is.
	warnings []warning
	// release lets go of what the read held of the memory budget, once the state is set.
	release []func()
}

// warning is one warning diagnostic.
type warning struct{ summary, detail string }

// attributeError is bad input that a read finds, blamed on one attribute.
type attributeError struct {
	path            path.Path
	summary, detail string
}

func (e *attributeError) Error() string { return e.summary + ": " + e.detail }

// keyedError is the failure of some keys of a data source that reads many: every failing key
// is named, the first one's error described in full.
type keyedError struct {
	// noun names the keys' kind in plural, e.g. "images"; total is how many were read; failed
	// the failing ones, in order, with their errors.
	noun   string
	total  int
	failed []string
	errs   []error
}

func (e *keyedError) Error() string {
	return fmt.Sprintf("%d of %d %s failed: %s", len(e.failed), e.total, e.noun, quoteAll(e.failed))
}

// dataSource serves a spec.
type dataSource[M any, PM interface {
	*M
	modeled
}] struct {
	spec *spec[M]
	data *Data
	// types are the schema's attribute types and object type, found on the first call.
	typesOnce sync.Once
	types     map[string]attr.Type
	objType   tftypes.Object
}

var (
	_ datasource.DataSourceWithConfigure      = (*dataSource[struct{ base }, *struct{ base }])(nil)
	_ datasource.DataSourceWithValidateConfig = (*dataSource[struct{ base }, *struct{ base }])(nil)
)

// schemaTypes are the attribute types of the data source's schema, found once.
func (d *dataSource[M, PM]) schemaTypes(ctx context.Context) (map[string]attr.Type, tftypes.Object) {
	d.typesOnce.Do(func() {
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		d.types = map[string]attr.Type{}
		for name, a := range resp.Schema.Attributes {
			d.types[name] = a.GetType()
		}
		d.objType, _ = resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	})
	return d.types, d.objType
}

func (d *dataSource[M, PM]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeName
}

func (d *dataSource[M, PM]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := maps.Clone(d.spec.attributes(ctx))
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Identifier derived from the query: the same query always has the same ID.",
	}
	attrs["timeouts"] = timeoutsAttribute(ctx)
	resp.Schema = schema.Schema{MarkdownDescription: d.spec.description, Attributes: attrs}
}

// timeoutsAttribute is the timeouts block's attribute, described itself too: registries and
// `terraform providers schema -json` show every attribute's description.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	a := timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: fmt.Sprintf(
		"How long a read may take, retries and back-off included, as a duration such as \"30s\" or \"2m\". Defaults to %s.", transport.DefaultReadTimeout)})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "Time limits of this data source's operations."
		return n
	}
	return a
}

func (d *dataSource[M, PM]) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if d.spec.validate == nil {
		return
	}
	var m M
	attrTypes, _ := d.schemaTypes(ctx)
	if err := tfvalue.Decode(ctx, req.Config.Raw, attrTypes, &m); err != nil {
		resp.Diagnostics.AddError("Unable to read the configuration", validators.Sentence(err.Error()))
		return
	}
	d.spec.validate(ctx, &m, &resp.Diagnostics)
}

func (d *dataSource[M, PM]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		// Validation runs before the provider is configured.
		return
	}
	data, ok := req.ProviderData.(*Data)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *datasources.Data, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *dataSource[M, PM]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	attrTypes, objType := d.schemaTypes(ctx)
	if err := tfvalue.Decode(ctx, req.Config.Raw, attrTypes, &m); err != nil {
		resp.Diagnostics.AddError("Unable to read the configuration", validators.Sentence(err.Error()))
		return
	}
	typeName := "hss_" + d.spec.typeName
	switch {
	case d.data == nil:
		resp.Diagnostics.AddError("Provider not configured", fmt.Sprintf("The hss provider was not configured before reading %s.", typeName))
		return
	case d.data.NotReady != nil:
		resp.Diagnostics.Append(d.data.NotReady)
		return
	}
	ctx = d.data.withMasking(ctx)
	common := PM(&m).common()
	readTimeout, diags := common.Timeouts.Read(ctx, transport.DefaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(transport.WithReadTimeout(ctx, readTimeout), readTimeout)
	defer cancel()

	out, err := d.spec.read(ctx, d.data, &m)
	if out != nil {
		defer func() {
			for _, r := range out.release {
				r()
			}
		}()
	}
	if err != nil {
		resp.Diagnostics.Append(d.failure(readTimeout, err)...)
		return
	}
	for _, w := range out.warnings {
		resp.Diagnostics.Append(redactedDiagnostic(diag.SeverityWarning, w.summary, w.detail, d.data.Client.Redact))
	}
	sum := sha256.Sum256([]byte(out.key))
	common.ID = types.StringValue(strings.Join(append(out.idParts, hex.EncodeToString(sum[:8])), "/"))
	tflog.Debug(ctx, "Read "+typeName)
	raw, err := tfvalue.Encode(ctx, &m, objType)
	if err != nil {
		resp.Diagnostics.AddError("Unable to set the state", validators.Sentence(err.Error()))
		return
	}
	resp.State.Raw = raw
}

// failure is the diagnostics of a read that failed: bad input blamed on its attribute, or the
// client's error described.
func (d *dataSource[M, PM]) failure(readTimeout time.Duration, err error) diag.Diagnostics {
	var ae *attributeError
	if errors.As(err, &ae) {
		return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(ae.path, ae.summary, ae.detail)}
	}
	// A refusal is the gate's answer, in its own words, not a failure to read.
	var re *refusedError
	if errors.As(err, &re) {
		return diag.Diagnostics{redactedDiagnostic(diag.SeverityError, re.summary, re.detail, d.data.Client.Redact)}
	}
	f := explain.Read{Timeout: readTimeout, Subject: d.spec.subject, Hints: d.data.Hints}
	var ke *keyedError
	if !errors.As(err, &ke) {
		summary, detail := f.Failure(err)
		return diag.Diagnostics{redactedDiagnostic(diag.SeverityError, summary, detail, d.data.Client.Redact)}
	}
	// Bad input of some keys is blamed on each; the rest are described together.
	var out diag.Diagnostics
	rest := &keyedError{noun: ke.noun, total: ke.total}
	for i, e := range ke.errs {
		if errors.As(e, &ae) {
			out.AddAttributeError(ae.path, ae.summary, ae.detail)
			continue
		}
		rest.failed, rest.errs = append(rest.failed, ke.failed[i]), append(rest.errs, e)
	}
	if len(rest.failed) == 0 {
		return out
	}
	summary, firstDetail := f.Failure(rest.errs[0])
	detail := fmt.Sprintf("%s.\n\nThe first, %q:\n\n%s", rest, rest.failed[0], firstDetail)
	if len(rest.failed) > 1 {
		others := make([]string, 0, len(rest.failed)-1)
		for i, k := range rest.failed[1:] {
			others = append(others, fmt.Sprintf("%q: %s", k, rest.errs[i+1]))
		}
		detail += "\n\nThe others:\n" + strings.Join(others, "\n")
	}
	return append(out, redactedDiagnostic(diag.SeverityError, summary, detail, d.data.Client.Redact))
}

// batchWorkers bounds the reads a data source of many keys has in flight at once: the
// transport's connections and the pacing bound what reaches the service; this bounds
// goroutines and memory.
const batchWorkers = 64

// forEachKey runs read for every key, batchWorkers at a time, and names every key whose read
// failed in one keyedError; noun names the keys' kind in plural.
func forEachKey(ctx context.Context, noun string, keys []string, read func(ctx context.Context, i int) error) error {
	errs := make([]error, len(keys))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(batchWorkers, len(keys)) {
		wg.Go(func() {
			for i := range work {
				errs[i] = read(ctx, i)
			}
		})
	}
	for i := range keys {
		work <- i
	}
	close(work)
	wg.Wait()
	ke := &keyedError{noun: noun, total: len(keys)}
	for i, err := range errs {
		if err != nil {
			ke.failed, ke.errs = append(ke.failed, keys[i]), append(ke.errs, err)
		}
	}
	if len(ke.failed) == 0 {
		return nil
	}
	return ke
}

// redactedDiagnostic builds every diagnostic a read returns: a server can quote credentials
// back, so summary and detail pass through the client's redaction.
func redactedDiagnostic(sev diag.Severity, summary, detail string, redact func(string) string) diag.Diagnostic {
	if sev == diag.SeverityWarning {
		return diag.NewWarningDiagnostic(redact(summary), redact(detail))
	}
	return diag.NewErrorDiagnostic(redact(summary), redact(detail))
}

// orDefault is the data source's own value when set, else the provider's default.
func orDefault(v types.String, def string) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return def
	}
	return v.ValueString()
}

func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return termsafe.JoinAnd(q)
}
