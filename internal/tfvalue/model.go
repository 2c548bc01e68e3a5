package tfvalue

// A data source's model is read from the configuration and written to state by its tfsdk tags,
// as the framework's Config.Get and State.Set do, with the layout of each model type found once:
// the framework walks the struct with reflection and compiles a regexp for every field on every
// call, which cost a fifth of a small read's CPU (BenchmarkReadDataSource/entries=1).

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelField is one tagged field: where it is in the struct, embedded structs included.
type modelField struct {
	index []int
	name  string
}

var modelLayouts sync.Map // reflect.Type → []modelField

// rawType is a field read and written as it is: an attribute built as Terraform values directly.
var rawType = reflect.TypeFor[tftypes.Value]()

func layoutOf(t reflect.Type) []modelField {
	if l, ok := modelLayouts.Load(t); ok {
		return l.([]modelField) //nolint:forcetypeassert // only layouts are stored
	}
	var fields []modelField
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			index := append(append([]int(nil), prefix...), i)
			if name := f.Tag.Get("tfsdk"); name != "" && name != "-" {
				fields = append(fields, modelField{index: index, name: name})
				continue
			}
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, index)
			}
		}
	}
	walk(t, nil)
	modelLayouts.Store(t, fields)
	return fields
}

// Decode fills m from raw, an object of the schema's type; types are the schema's
// attribute types by name.
func Decode(ctx context.Context, raw tftypes.Value, types map[string]attr.Type, m any) error {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return err
	}
	v := reflect.ValueOf(m).Elem()
	for _, f := range layoutOf(v.Type()) {
		typ, ok := types[f.name]
		if !ok {
			return fmt.Errorf("the model has %q, which the schema does not", f.name)
		}
		field := v.FieldByIndex(f.index)
		if field.Type() == rawType {
			field.Set(reflect.ValueOf(attrs[f.name]))
			continue
		}
		val, err := typ.ValueFromTerraform(ctx, attrs[f.name])
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		rv := reflect.ValueOf(val)
		if !rv.Type().AssignableTo(field.Type()) {
			return fmt.Errorf("%s: a %s does not go into a %s", f.name, rv.Type(), field.Type())
		}
		field.Set(rv)
	}
	return nil
}

// Encode is m as an object of type typ.
func Encode(ctx context.Context, m any, typ tftypes.Object) (tftypes.Value, error) {
	v := reflect.ValueOf(m).Elem()
	layout := layoutOf(v.Type())
	// The layout must match the schema before any value is encoded: a zero collection value,
	// which a model missing from the schema would hold, cannot be.
	names := make(map[string]bool, len(layout))
	for _, f := range layout {
		if _, ok := typ.AttributeTypes[f.name]; !ok {
			return tftypes.Value{}, fmt.Errorf("the model has %q, which the schema does not", f.name)
		}
		names[f.name] = true
	}
	for name := range typ.AttributeTypes {
		if !names[name] {
			return tftypes.Value{}, fmt.Errorf("the schema has %q, which the model does not", name)
		}
	}
	vals := make(map[string]tftypes.Value, len(layout))
	for _, f := range layout {
		if raw, ok := v.FieldByIndex(f.index).Interface().(tftypes.Value); ok {
			if raw.Type() == nil {
				raw = tftypes.NewValue(typ.AttributeTypes[f.name], nil)
			}
			vals[f.name] = raw
			continue
		}
		av, ok := v.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("%s is not a Terraform value", f.name)
		}
		tv, err := av.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", f.name, err)
		}
		vals[f.name] = tv
	}
	return tftypes.NewValue(typ, vals), nil
}
