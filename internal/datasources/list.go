package datasources

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
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
	return entryField[E]{name, description, types.StringType, func(e E) tftypes.Value { return stringValue(v(e)) }}
}

// stringValue is s as Terraform stores it: the same replacement on every read, as Terraform
// stores U+FFFD for invalid UTF-8, and raw bytes from the next read would differ from state
// forever.
func stringValue(s string) tftypes.Value {
	return tftypes.NewValue(tftypes.String, strings.ToValidUTF8(s, "\uFFFD"))
}

// int64Field is a whole-number attribute of an entry.
func int64Field[E any](name, description string, v func(E) int64) entryField[E] {
	return entryField[E]{name, description, types.Int64Type, func(e E) tftypes.Value {
		return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(v(e)))
	}}
}

// boolField is a true-or-false attribute of an entry.
func boolField[E any](name, description string, v func(E) bool) entryField[E] {
	return entryField[E]{name, description, types.BoolType, func(e E) tftypes.Value { return tftypes.NewValue(tftypes.Bool, v(e)) }}
}

// nullableStringField is a string attribute of an entry that may have no value (null).
func nullableStringField[E any](name string, v func(E) (string, bool)) entryField[E] {
	return entryField[E]{name, "", types.StringType, func(e E) tftypes.Value {
		if s, ok := v(e); ok {
			return stringValue(s)
		}
		return tftypes.NewValue(tftypes.String, nil)
	}}
}

// nullableInt64Field is a whole-number attribute of an entry that may have no value (null).
func nullableInt64Field[E any](name string, v func(E) (int64, bool)) entryField[E] {
	return entryField[E]{name, "", types.Int64Type, func(e E) tftypes.Value {
		if n, ok := v(e); ok {
			return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n))
		}
		return tftypes.NewValue(tftypes.Number, nil)
	}}
}

// nullableFloat64Field is a number attribute of an entry that may have no value (null).
func nullableFloat64Field[E any](name string, v func(E) (float64, bool)) entryField[E] {
	return entryField[E]{name, "", types.Float64Type, func(e E) tftypes.Value {
		if n, ok := v(e); ok {
			return tftypes.NewValue(tftypes.Number, big.NewFloat(n))
		}
		return tftypes.NewValue(tftypes.Number, nil)
	}}
}

// stringListField is an attribute of an entry that is a list of strings.
func stringListField[E any](name string, v func(E) []string) entryField[E] {
	return entryField[E]{name, "", types.ListType{ElemType: types.StringType}, func(e E) tftypes.Value {
		items := v(e)
		vals := make([]tftypes.Value, len(items))
		for i, s := range items {
			vals[i] = stringValue(s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vals)
	}}
}

// listField is an attribute of an entry that is a list of objects of fields.
func listField[E, C any](name, description string, fields []entryField[C], v func(E) []C) entryField[E] {
	et := entryType(fields)
	return entryField[E]{name, description, types.ListType{ElemType: et}, func(e E) tftypes.Value { return entriesValue(fields, v(e)) }}
}

// listSpec declares a list data source.
type listSpec[M any, E any] struct {
	typeName, description, subject string
	// attributes are the data source's own; newList adds total_num and data_list.
	attributes func(ctx context.Context) map[string]schema.Attribute
	// entry lists the fields of one data_list entry; entryDescription says what an entry is.
	entry            []entryField[E]
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
			lc := PM(m).list()
			lc.TotalNum = types.Int64Value(int64(found.res.TotalNum))
			lc.DataList = entriesValue(l.entry, found.res.Items)
			out := &outcome{idParts: found.idParts, key: found.key}
			for _, w := range found.res.Warnings {
				out.warnings = append(out.warnings, warning{"Inconsistent " + l.subject + " result", w})
			}
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
		fields[i] = fmt.Sprintf("`%s` (%s)", f.name, f.description)
	}
	return schema.ListAttribute{
		Computed:    true,
		ElementType: entryType(l.entry),
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

// entryType is the object type of an entry with fields.
func entryType[E any](fields []entryField[E]) types.ObjectType {
	attrs := make(map[string]attr.Type, len(fields))
	for _, f := range fields {
		attrs[f.name] = f.typ
	}
	return types.ObjectType{AttrTypes: attrs}
}

// entriesValue is items as a Terraform list of objects of fields, built directly: for 20,000
// entries that takes about a third of the time and memory of the framework's reflection
// (BenchmarkReadDataSource).
func entriesValue[E any](fields []entryField[E], items []E) tftypes.Value {
	attrTypes := make(map[string]tftypes.Type, len(fields))
	for _, f := range fields {
		attrTypes[f.name] = f.typ.TerraformType(context.Background())
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
	return tftypes.NewValue(tftypes.List{ElementType: elemType}, elems)
}
