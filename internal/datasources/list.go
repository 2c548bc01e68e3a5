package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
)

// A list data source reads one HSS list API and shows every entry as data_list, with the API's
// total_num. It declares a listSpec: its own arguments, how they become a read, and its entry's
// fields; newList makes it a spec of the skeleton.

// listCommon holds the attributes every list data source has; a model embeds it.
type listCommon struct {
	base
	TotalNum types.Int64 `tfsdk:"total_num"`
	// DataList is built as Terraform values directly: the model's reflection over 20,000
	// entries cost 3.4 times more.
	DataList tftypes.Value `tfsdk:"data_list"`
}

func (c *listCommon) list() *listCommon { return c }

// listModel is a list data source's model, which embeds listCommon.
type listModel interface {
	modeled
	list() *listCommon
}

// listSpec declares a list data source.
type listSpec[M any, E any] struct {
	typeName, description, subject string
	// attributes are the data source's own; newList adds total_num and data_list.
	attributes func(ctx context.Context) map[string]schema.Attribute
	// entry lists the fields of one data_list entry; entryDescription says what an entry is.
	entry            []tfvalue.Field[E]
	entryDescription string
	validate         func(ctx context.Context, m *M, diags *diag.Diagnostics)
	// emptySummary and emptyCauses make the warning an empty answer gets, when an empty answer
	// could pass a policy unnoticed: one summary for every query, so Terraform folds the
	// warnings of many empty reads into one, and the likely causes. Empty: no warning, as for
	// a list whose emptiness is good news.
	emptySummary, emptyCauses string
	// read runs the query m describes and fills m's own computed attributes.
	read func(ctx context.Context, d *Data, m *M) (*queryResult[E], error)
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

// newList is the data source l declares.
func newList[M any, PM interface {
	*M
	listModel
}, E any](l *listSpec[M, E]) datasource.DataSource {
	return &dataSource[M, PM]{spec: &spec[M]{
		typeName: l.typeName, description: l.description, subject: l.subject, validate: l.validate,
		attributes: func(ctx context.Context) map[string]schema.Attribute {
			attrs := l.attributes(ctx)
			attrs["total_num"] = schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Total number of matching entries, as reported by the API.",
			}
			attrs["data_list"] = l.dataListAttribute()
			return attrs
		},
		read: func(ctx context.Context, d *Data, m *M) (*outcome, error) {
			found, err := l.read(ctx, d, m)
			if err != nil {
				return nil, err
			}
			defer found.res.Release()
			// The state built from the entries counts against the memory budget until it is handed over.
			held, err := d.Client.Reserve(stateCost(len(found.res.Items), len(l.entry)))
			if err != nil {
				return nil, err
			}
			out := &outcome{idParts: found.idParts, key: found.key, release: []func(){held.Release}}
			lc := PM(m).list()
			lc.TotalNum = types.Int64Value(int64(found.res.TotalNum))
			lc.DataList = tfvalue.ListValue(l.entry, found.res.Items)
			if len(found.res.Items) == 0 && l.emptySummary != "" {
				out.warnings = append(out.warnings, warning{l.emptySummary, l.emptyDetail(found.query, found.res.TotalNum)})
			}
			return out, nil
		},
	}}
}

// dataListAttribute is data_list: a list of objects rather than a nested attribute, so
// Terraform's test mocks (mock_provider, override_data) accept values for it, and the provider
// builds it without reflection.
func (l *listSpec[M, E]) dataListAttribute() schema.ListAttribute {
	fields := make([]string, len(l.entry))
	for i, f := range l.entry {
		fields[i] = fmt.Sprintf("`%s` (%s)", f.Name, f.Description)
	}
	return schema.ListAttribute{
		Computed:    true,
		ElementType: tfvalue.ObjectType(l.entry),
		MarkdownDescription: fmt.Sprintf("Every matching %s, in API order; empty when nothing matches. Each entry is an object of %s.",
			l.entryDescription, termsafe.JoinAnd(fields)),
	}
}

// emptyDetail is the warning of an empty answer to query: an empty answer must never pass a
// policy silently.
func (l *listSpec[M, E]) emptyDetail(query string, total int) string {
	return fmt.Sprintf("%s matched nothing: total_num is %d and data_list is empty.\n\nLikely causes: %s\n\n"+
		"A check or condition that reads data_list passes on an empty list. To make an empty answer an error, add to this data source:\n\n"+
		"  lifecycle {\n    postcondition {\n      condition     = length(self.data_list) > 0\n      error_message = \"No entries for this query.\"\n    }\n  }",
		query, total, l.emptyCauses)
}

// stateCost is what the Terraform state of n entries of fields attributes holds on the heap,
// its encoding for Terraform included (BenchmarkStateConversion in internal/hss: about 740 bytes
// held and 190 encoded for 3 string fields, 1,640 and 570 for 9).
func stateCost(n, fields int) int { return n * (1500 + 500*fields) }
