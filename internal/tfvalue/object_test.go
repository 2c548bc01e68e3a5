package tfvalue

import (
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A configured string is null, unknown or known; a value of another type reads as null.
func TestFrameworkString(t *testing.T) {
	for _, c := range []struct {
		v    tftypes.Value
		want types.String
	}{
		{tftypes.NewValue(tftypes.String, "cicd"), types.StringValue("cicd")},
		{tftypes.NewValue(tftypes.String, ""), types.StringValue("")},
		{tftypes.NewValue(tftypes.String, nil), types.StringNull()},
		{tftypes.NewValue(tftypes.String, tftypes.UnknownValue), types.StringUnknown()},
		{tftypes.NewValue(tftypes.Number, big.NewFloat(1)), types.StringNull()},
	} {
		if got := FrameworkString(c.v); !got.Equal(c.want) {
			t.Errorf("%v: %v, want %v", c.v, got, c.want)
		}
	}
}

var (
	strList = tftypes.List{ElementType: tftypes.String}
	numList = tftypes.List{ElementType: tftypes.Number}
)

func num(f float64) tftypes.Value { return tftypes.NewValue(tftypes.Number, big.NewFloat(f)) }

func strs(vals ...any) tftypes.Value {
	elems := make([]tftypes.Value, len(vals))
	for i, v := range vals {
		elems[i] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(strList, elems)
}

// Each reader gives nil for what is not written, and notes what is not known yet or cannot be
// read; whole numbers that are not whole, or out of range, read as -1.
func TestObjectReaders(t *testing.T) {
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	f64 := func(f float64) *float64 { return &f }
	boolp := func(b bool) *bool { return &b }
	list := func(s ...string) *[]string { return ptr(append([]string{}, s...)) }
	read := map[string]func(r *Object) any{
		"String":  func(r *Object) any { return r.String("a") },
		"Bool":    func(r *Object) any { return r.Bool("a") },
		"Int64":   func(r *Object) any { return r.Int64("a") },
		"Float64": func(r *Object) any { return r.Float64("a") },
		"Strings": func(r *Object) any { return r.Strings("a") },
	}
	for _, c := range []struct {
		name, reader string
		v            *tftypes.Value // nil: not in the object
		want         any
		known, err   bool
	}{
		{"string", "String", ptr(tftypes.NewValue(tftypes.String, "standard")), str("standard"), true, false},
		{"empty string", "String", ptr(tftypes.NewValue(tftypes.String, "")), str(""), true, false},
		{"absent", "String", nil, (*string)(nil), true, false},
		{"null", "String", ptr(tftypes.NewValue(tftypes.String, nil)), (*string)(nil), true, false},
		{"unknown", "String", ptr(tftypes.NewValue(tftypes.String, tftypes.UnknownValue)), (*string)(nil), false, false},
		{"wrong type", "String", ptr(num(1)), (*string)(nil), true, true},
		{"false", "Bool", ptr(tftypes.NewValue(tftypes.Bool, false)), boolp(false), true, false},
		{"true", "Bool", ptr(tftypes.NewValue(tftypes.Bool, true)), boolp(true), true, false},
		{"unknown bool", "Bool", ptr(tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)), (*bool)(nil), false, false},
		{"zero", "Int64", ptr(num(0)), i64(0), true, false},
		{"whole", "Int64", ptr(num(30)), i64(30), true, false},
		{"negative", "Int64", ptr(num(-4)), i64(-4), true, false},
		{"fraction", "Int64", ptr(num(2.5)), i64(-1), true, false},
		{"negative fraction", "Int64", ptr(num(-2.5)), i64(-1), true, false},
		{"too large", "Int64", ptr(num(1e30)), i64(-1), true, false},
		{"too small", "Int64", ptr(num(-1e30)), i64(-1), true, false},
		{"null number", "Int64", ptr(tftypes.NewValue(tftypes.Number, nil)), (*int64)(nil), true, false},
		{"float", "Float64", ptr(num(7.5)), f64(7.5), true, false},
		{"float zero", "Float64", ptr(num(0)), f64(0), true, false},
		{"unknown float", "Float64", ptr(tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)), (*float64)(nil), false, false},
		{"list", "Strings", ptr(strs("a", "b")), list("a", "b"), true, false},
		{"empty list", "Strings", ptr(strs()), list(), true, false},
		{"null element", "Strings", ptr(strs("a", nil, "b")), list("a", "", "b"), true, false},
		{"unknown element", "Strings", ptr(strs("a", tftypes.UnknownValue)), (*[]string)(nil), false, false},
		{"unknown list", "Strings", ptr(tftypes.NewValue(strList, tftypes.UnknownValue)), (*[]string)(nil), false, false},
		{"numbers", "Strings", ptr(tftypes.NewValue(numList, []tftypes.Value{num(1)})), (*[]string)(nil), true, true},
	} {
		attrs := map[string]tftypes.Value{"other": tftypes.NewValue(tftypes.String, "x")}
		if c.v != nil {
			attrs["a"] = *c.v
		}
		r := NewObject(attrs)
		got := read[c.reader](r)
		if !reflect.DeepEqual(got, c.want) || r.Known != c.known || (r.Err != nil) != c.err {
			t.Errorf("%s: %s = %v (known %t, err %v), want %v (known %t, err %t)", c.name, c.reader, deref(got), r.Known, r.Err, deref(c.want), c.known, c.err)
		}
		if r.Err != nil && !strings.HasPrefix(r.Err.Error(), "a: ") {
			t.Errorf("%s: error %q does not name the attribute", c.name, r.Err)
		}
	}
}

// The first attribute that cannot be read is the error; a later one does not replace it, and
// what is not known stays not known.
func TestObjectKeepsTheFirstError(t *testing.T) {
	r := NewObject(map[string]tftypes.Value{"first": num(1), "second": num(2), "later": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	if r.String("first") != nil || r.String("second") != nil || r.String("later") != nil || r.Known {
		t.Fatalf("known %t", r.Known)
	}
	if r.Err == nil || !strings.HasPrefix(r.Err.Error(), "first: ") {
		t.Fatalf("error %v, want the first's", r.Err)
	}
	if s := r.String("absent"); s != nil || r.Known {
		t.Fatalf("a later read made the object known again: %v %t", s, r.Known)
	}
}

type nullableEntry struct {
	s   string
	n   int64
	f   float64
	ok  bool
	all []string
}

// Nullable fields are null exactly when they say so, and every string, in a list too, is valid
// UTF-8 as Terraform stores it.
func TestNullableAndListFields(t *testing.T) {
	s := NullableString("s", func(e nullableEntry) (string, bool) { return e.s, e.ok })
	n := NullableInt64("n", func(e nullableEntry) (int64, bool) { return e.n, e.ok })
	f := NullableFloat64("f", func(e nullableEntry) (float64, bool) { return e.f, e.ok })
	l := StringList("l", func(e nullableEntry) []string { return e.all })
	for _, c := range []struct {
		e          nullableEntry
		ws, wn, wf tftypes.Value
		wl         tftypes.Value
	}{
		{nullableEntry{s: "2026-06-30", n: 12, f: 9.8, ok: true, all: []string{"a", "b\xff"}},
			tftypes.NewValue(tftypes.String, "2026-06-30"), num(12), num(9.8), strs("a", "b\uFFFD")},
		{nullableEntry{s: "", n: 0, f: 0, ok: true, all: []string{}},
			tftypes.NewValue(tftypes.String, ""), num(0), num(0), strs()},
		{nullableEntry{s: "\xfe", n: -3, f: -1, ok: true, all: nil},
			tftypes.NewValue(tftypes.String, "\uFFFD"), num(-3), num(-1), strs()},
		{nullableEntry{s: "x", n: 5, f: 5, ok: false, all: []string{"\x00"}},
			tftypes.NewValue(tftypes.String, nil), tftypes.NewValue(tftypes.Number, nil), tftypes.NewValue(tftypes.Number, nil), strs("\x00")},
	} {
		for _, g := range []struct{ got, want tftypes.Value }{{s.Value(c.e), c.ws}, {n.Value(c.e), c.wn}, {f.Value(c.e), c.wf}, {l.Value(c.e), c.wl}} {
			if !g.got.Equal(g.want) {
				t.Errorf("%+v: %v, want %v", c.e, g.got, g.want)
			}
		}
	}
	if !s.Type.Equal(types.StringType) || !n.Type.Equal(types.Int64Type) || !f.Type.Equal(types.Float64Type) ||
		!l.Type.Equal(types.ListType{ElemType: types.StringType}) {
		t.Fatalf("types %v %v %v %v", s.Type, n.Type, f.Type, l.Type)
	}
}

func ptr[T any](v T) *T { return &v }

// deref shows what a reader's pointer holds.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return rv.Elem().Interface()
	}
	return v
}
