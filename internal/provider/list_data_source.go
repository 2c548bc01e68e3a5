package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math/big"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// This file is the skeleton every list data source shares: Configure, the timeouts block, the
// deterministic id, total_num and data_list, warnings, and error diagnostics. A data source
// declares a listSpec: its own arguments, how they become a read, and its entry's fields.

// listCommon holds the attributes every list data source has; a model embeds it.
type listCommon struct {
	ID       types.String   `tfsdk:"id"`
	TotalNum types.Int64    `tfsdk:"total_num"`
	DataList types.List     `tfsdk:"data_list"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (c *listCommon) common() *listCommon { return c }

// listModel is a data source's model, which embeds listCommon.
type listModel interface{ common() *listCommon }

// entryField is one attribute of a data_list entry: its type, and its value in an entry as a
// Terraform value of that type.
type entryField[E any] struct {
	name        string
	description string
	typ         attr.Type
	value       func(E) tftypes.Value
}

// stringField is a string attribute of an entry.
func stringField[E any](name, description string, v func(E) string) entryField[E] {
	return entryField[E]{name, description, types.StringType, func(e E) tftypes.Value {
		// The same replacement on every read: Terraform stores U+FFFD for invalid UTF-8, and
		// raw bytes from the next read would differ from state forever.
		return tftypes.NewValue(tftypes.String, strings.ToValidUTF8(v(e), "\uFFFD"))
	}}
}

// int64Field is a whole-number attribute of an entry.
func int64Field[E any](name, description string, v func(E) int64) entryField[E] {
	return entryField[E]{name, description, types.Int64Type, func(e E) tftypes.Value {
		return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(v(e)))
	}}
}

// listSpec declares a list data source; listDataSource does the rest.
type listSpec[M any, E any] struct {
	// typeName is the name after the provider's "hss_" prefix.
	typeName    string
	description string
	// subject names what the data source reads, in messages.
	subject string
	// attributes are the data source's own; the skeleton adds id, total_num, data_list and timeouts.
	attributes func(ctx context.Context) map[string]schema.Attribute
	// entry lists the fields of one data_list entry; entryDescription says what an entry is.
	entry            []entryField[E]
	entryDescription string
	// validate, when set, checks what a schema cannot express.
	validate func(ctx context.Context, m *M, diags *diag.Diagnostics)
	// emptySummary and emptyCauses make the warning an empty answer gets: one summary for
	// every query, so Terraform folds the warnings of many empty reads into one, and the
	// likely causes.
	emptySummary, emptyCauses string
	// read runs the query m describes and fills m's own computed attributes.
	read func(ctx context.Context, d *providerData, m *M) (*queryResult[E], error)
}

// queryResult is what a read found, and what identifies the query.
type queryResult[E any] struct {
	res *hss.Result[E]
	// idParts lead the data source's id, e.g. region and image ID; key identifies the query,
	// and query describes it to people.
	idParts []string
	key     string
	query   string
}

// attributeError is bad input that a read finds, blamed on one attribute.
type attributeError struct {
	path            path.Path
	summary, detail string
}

func (e *attributeError) Error() string { return e.summary + ": " + e.detail }

// listDataSource serves a listSpec.
type listDataSource[M any, PM interface {
	*M
	listModel
}, E any] struct {
	spec *listSpec[M, E]
	data *providerData
	// types are the schema's attribute types and object type, found on the first call.
	typesOnce sync.Once
	types     map[string]attr.Type
	objType   tftypes.Object
}

// schemaTypes are the attribute types of the data source's schema, found once.
func (d *listDataSource[M, PM, E]) schemaTypes(ctx context.Context) (map[string]attr.Type, tftypes.Object) {
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

var (
	_ datasource.DataSourceWithConfigure      = (*listDataSource[struct{ listCommon }, *struct{ listCommon }, string])(nil)
	_ datasource.DataSourceWithValidateConfig = (*listDataSource[struct{ listCommon }, *struct{ listCommon }, string])(nil)
)

func (d *listDataSource[M, PM, E]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.typeName
}

// entryType is the object type of a data_list entry.
func (d *listDataSource[M, PM, E]) entryType() types.ObjectType {
	attrs := make(map[string]attr.Type, len(d.spec.entry))
	for _, f := range d.spec.entry {
		attrs[f.name] = f.typ
	}
	return types.ObjectType{AttrTypes: attrs}
}

func (d *listDataSource[M, PM, E]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := maps.Clone(d.spec.attributes(ctx))
	fields := make([]string, len(d.spec.entry))
	for i, f := range d.spec.entry {
		fields[i] = fmt.Sprintf("`%s` (%s)", f.name, f.description)
	}
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Identifier derived from the query: the same query always has the same ID.",
	}
	attrs["total_num"] = schema.Int64Attribute{
		Computed:            true,
		MarkdownDescription: "Total number of matching entries, as reported by the API.",
	}
	// A list of objects rather than a nested attribute: Terraform's test mocks (mock_provider,
	// override_data) accept values for it, and the provider builds it without reflection.
	attrs["data_list"] = schema.ListAttribute{
		Computed:    true,
		ElementType: d.entryType(),
		MarkdownDescription: fmt.Sprintf("Every matching %s, in API order; empty when nothing matches. Each entry is an object of %s.",
			d.spec.entryDescription, joinAnd(fields)),
	}
	attrs["timeouts"] = timeoutsAttribute(ctx)
	resp.Schema = schema.Schema{MarkdownDescription: d.spec.description, Attributes: attrs}
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
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

func (d *listDataSource[M, PM, E]) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if d.spec.validate == nil {
		return
	}
	var m M
	attrTypes, _ := d.schemaTypes(ctx)
	if err := decodeModel(ctx, req.Config.Raw, attrTypes, &m); err != nil {
		resp.Diagnostics.AddError("Unable to read the configuration", err.Error())
		return
	}
	d.spec.validate(ctx, &m, &resp.Diagnostics)
}

func (d *listDataSource[M, PM, E]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req, resp); data != nil {
		d.data = data
	}
}

// configuredData is what Configure hands every data source, nil before the provider is
// configured (validation runs earlier).
func configuredData(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *providerData {
	if req.ProviderData == nil {
		return nil
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return nil
	}
	return data
}

func (d *listDataSource[M, PM, E]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	attrTypes, objType := d.schemaTypes(ctx)
	if err := decodeModel(ctx, req.Config.Raw, attrTypes, &m); err != nil {
		resp.Diagnostics.AddError("Unable to read the configuration", err.Error())
		return
	}
	typeName := "hss_" + d.spec.typeName
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", fmt.Sprintf("The hss provider was not configured before reading %s.", typeName))
		return
	}
	if d.data.notReady != nil {
		resp.Diagnostics.Append(d.data.notReady)
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

	found, err := d.spec.read(ctx, d.data, &m)
	if ae, ok := err.(*attributeError); ok { //nolint:errorlint // read returns it as it is
		resp.Diagnostics.AddAttributeError(ae.path, ae.summary, ae.detail)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(readFailure{timeout: readTimeout, subject: d.spec.subject, redact: d.data.client.Redact,
			noCredentials: d.data.noCredentialsHint}.diagnostic(err))
		return
	}
	res := found.res
	for _, w := range res.Warnings {
		resp.Diagnostics.Append(redactedDiagnostic(diag.SeverityWarning, "Inconsistent "+d.spec.subject+" result", w, d.data.client.Redact))
	}
	if len(res.Items) == 0 {
		// An empty answer must never pass a policy silently.
		resp.Diagnostics.Append(redactedDiagnostic(diag.SeverityWarning, d.spec.emptySummary, fmt.Sprintf(
			"%s matched nothing: total_num is %d and data_list is empty.\n\nLikely causes: %s\n\n"+
				"A check or condition that reads data_list passes on an empty list. To make an empty answer an error, add to this data source:\n\n"+
				"  lifecycle {\n    postcondition {\n      condition     = length(self.data_list) > 0\n      error_message = \"No entries for this query.\"\n    }\n  }",
			found.query, res.TotalNum, d.spec.emptyCauses), d.data.client.Redact))
	}
	sum := sha256.Sum256([]byte(found.key))
	common.ID = types.StringValue(strings.Join(append(found.idParts, hex.EncodeToString(sum[:8])), "/"))
	common.TotalNum = types.Int64Value(int64(res.TotalNum))
	// data_list is set on its own, below: the model's reflection would cost 3.4 times more.
	common.DataList = types.ListNull(d.entryType())
	tflog.Debug(ctx, "Read "+typeName, map[string]any{"entries": len(res.Items), "total_num": res.TotalNum, "requests": res.Requests})
	raw, err := encodeModel(ctx, &m, objType)
	if err != nil {
		resp.Diagnostics.AddError("Unable to set the state", err.Error())
		return
	}
	resp.State.Raw = raw
	resp.Diagnostics.Append(setEntries(ctx, &resp.State, d.spec.entry, res.Items)...)
}

// setEntries puts items into state as data_list, built as Terraform values directly: for
// 20,000 entries that takes about a third of the time and memory of the framework's reflection
// (BenchmarkReadDataSource).
func setEntries[E any](ctx context.Context, state *tfsdk.State, fields []entryField[E], items []E) diag.Diagnostics {
	attrTypes := make(map[string]tftypes.Type, len(fields))
	for _, f := range fields {
		attrTypes[f.name] = f.typ.TerraformType(ctx)
	}
	elemType := tftypes.Object{AttributeTypes: attrTypes}
	elems := make([]tftypes.Value, len(items))
	for i, it := range items {
		vals := make(map[string]tftypes.Value, len(fields))
		for _, f := range fields {
			vals[f.name] = f.value(it)
		}
		elems[i] = tftypes.NewValue(elemType, vals)
	}
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Unable to set data_list", err.Error())}
	}
	attrs["data_list"] = tftypes.NewValue(tftypes.List{ElementType: elemType}, elems)
	state.Raw = tftypes.NewValue(state.Raw.Type(), attrs)
	return nil
}

// orDefault is the data source's own value when set, else the provider's default.
func orDefault(v types.String, def string) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return def
	}
	return v.ValueString()
}
