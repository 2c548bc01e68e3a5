package datasources

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secretKey is the configured secret a server may quote back.
const secretKey = "s3cr3t-KEY-0123456789abcdef"

// failing is a data source whose client redacts secretKey; it never reads.
func failing(t *testing.T) *dataSource[struct{ base }, *struct{ base }] {
	t.Helper()
	return &dataSource[struct{ base }, *struct{ base }]{spec: &spec[struct{ base }]{subject: "the images"}, data: &Data{Client: testClient(t, secretKey, 0)}}
}

// A batch's failure blames bad input on each key's attribute, and describes the other
// failures together: every key named, the first described in full, each other with its own
// error; a secret the server quotes back never shows.
func TestKeyedFailure(t *testing.T) {
	ds := failing(t)
	bad := func(k string) error {
		return &attributeError{path: path.Root("images").AtMapKey(k), summary: "Invalid reference", detail: "key " + k}
	}
	for _, c := range []struct {
		name      string
		keys      []string
		errs      []error
		attrs     int
		want, not []string
	}{
		{"bad input only", []string{"a", "b"}, []error{bad("a"), bad("b")}, 2, nil, []string{"The first"}},
		{"one failure", []string{"a", "b", "c"}, []error{bad("a"), errors.New("boom a " + secretKey), nil}, 1,
			[]string{`1 of 3 images failed: "b".`, `The first, "b":`, "boom a ***"}, []string{"The others", secretKey, `"a"`}},
		{"two failures", []string{"a", "b", "c"}, []error{errors.New("first broke"), bad("b"), errors.New("second broke " + secretKey)}, 1,
			[]string{`2 of 3 images failed: "a" and "c".`, `The first, "a":`, "first broke", "The others:\n\"c\": second broke ***"},
			[]string{secretKey, `"b"`, "The others:\n\"c\": first broke"}},
		{"three failures", []string{"a", "b", "c"}, []error{errors.New("e1"), errors.New("e2"), errors.New("e3")}, 0,
			[]string{`3 of 3 images failed: "a", "b" and "c".`, "The others:\n\"b\": e2\n\"c\": e3"}, nil},
	} {
		ke := &keyedError{noun: "images", total: len(c.keys)}
		for i, err := range c.errs {
			if err != nil {
				ke.failed, ke.errs = append(ke.failed, c.keys[i]), append(ke.errs, err)
			}
		}
		d := ds.failure(time.Minute, ke)
		attrs, others := 0, diag.Diagnostics{}
		for _, x := range d {
			if _, ok := x.(diag.DiagnosticWithPath); ok {
				attrs++
				continue
			}
			others = append(others, x)
		}
		wantOthers := 0
		if len(c.want) > 0 {
			wantOthers = 1
		}
		if attrs != c.attrs || len(others) != wantOthers || d.ErrorsCount() != len(d) {
			t.Errorf("%s: %d attribute and %d other diagnostics: %v", c.name, attrs, len(others), d)
			continue
		}
		if wantOthers == 0 {
			continue
		}
		text := others[0].Summary() + "\n" + others[0].Detail()
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q missing from\n%s", c.name, w, text)
			}
		}
		for _, n := range c.not {
			if strings.Contains(text, n) {
				t.Errorf("%s: %q in\n%s", c.name, n, text)
			}
		}
	}
}

// A refusal and any other failure are redacted too; bad input is blamed on its attribute.
func TestFailureRedacts(t *testing.T) {
	ds := failing(t)
	for _, err := range []error{&refusedError{summary: "Refused " + secretKey, detail: "because " + secretKey}, errors.New("server said " + secretKey)} {
		d := ds.failure(time.Minute, err)
		if len(d) != 1 || d.ErrorsCount() != 1 || strings.Contains(d[0].Summary()+d[0].Detail(), secretKey) || !strings.Contains(d[0].Summary()+d[0].Detail(), "***") {
			t.Errorf("%v: %v", err, d)
		}
	}
	d := ds.failure(time.Minute, &attributeError{path: path.Root("at"), summary: "Invalid timestamp", detail: "x"})
	if dp, ok := d[0].(diag.DiagnosticWithPath); len(d) != 1 || !ok || !dp.Path().Equal(path.Root("at")) {
		t.Fatalf("%v", d)
	}
}

// Every diagnostic, warning or error, passes summary and detail through the redaction.
func TestRedactedDiagnostic(t *testing.T) {
	redact := func(s string) string { return strings.ReplaceAll(s, "secret", "***") }
	for _, sev := range []diag.Severity{diag.SeverityWarning, diag.SeverityError} {
		d := redactedDiagnostic(sev, "a secret", "the secret", redact)
		if d.Severity() != sev || d.Summary() != "a ***" || d.Detail() != "the ***" {
			t.Errorf("%v: %v %q %q", sev, d.Severity(), d.Summary(), d.Detail())
		}
	}
}

// The data source's own value wins when set; null, unknown and empty fall back.
func TestOrDefault(t *testing.T) {
	for v, want := range map[types.String]string{types.StringValue("eu-west-101"): "eu-west-101", types.StringValue(""): "cn-north-4",
		types.StringNull(): "cn-north-4", types.StringUnknown(): "cn-north-4", types.StringValue(" "): " "} {
		if got := orDefault(v, "cn-north-4"); got != want {
			t.Errorf("%v: %q, want %q", v, got, want)
		}
	}
}

// forEachKey has batchWorkers reads in flight at once, never more, and every key read once.
func TestForEachKeyBoundsReadsInFlight(t *testing.T) {
	for _, n := range []int{1, 3, batchWorkers, batchWorkers + 37} {
		synctest.Test(t, func(t *testing.T) {
			want := min(n, batchWorkers)
			var mu sync.Mutex
			inFlight, most := 0, 0
			full := make(chan struct{})
			var once sync.Once
			reads := make([]int, n)
			keys := make([]string, n)
			err := forEachKey(context.Background(), "images", keys, func(_ context.Context, i int) error {
				mu.Lock()
				reads[i]++
				inFlight++
				most = max(most, inFlight)
				if inFlight == want {
					once.Do(func() { close(full) })
				}
				mu.Unlock()
				// Each of the first reads waits until want of them are in flight: fewer workers
				// leave the bubble blocked for good, which fails the test.
				<-full
				mu.Lock()
				inFlight--
				mu.Unlock()
				return nil
			})
			if err != nil || most != want || slices.ContainsFunc(reads, func(r int) bool { return r != 1 }) {
				t.Fatalf("%d keys: %v, %d in flight at most, want %d; reads %v", n, err, most, want, reads)
			}
		})
	}
}

// The timeouts block of every data source says what it is, as every attribute does.
func TestTimeoutsDescribed(t *testing.T) {
	var resp datasource.SchemaResponse
	NewImageDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	a, ok := resp.Schema.Attributes["timeouts"].(schema.SingleNestedAttribute)
	if !ok || a.MarkdownDescription != "Time limits of this data source's operations." || !strings.Contains(a.Attributes["read"].GetDescription(), "Defaults to 5m0s") {
		t.Fatalf("%#v", a)
	}
}

// Configure takes the provider's data; none yet (at validation) is no error, anything else is.
// The type name follows the provider's.
func TestConfigure(t *testing.T) {
	ctx := context.Background()
	ds := &dataSource[struct{ base }, *struct{ base }]{spec: &spec[struct{ base }]{typeName: "image"}}
	var meta datasource.MetadataResponse
	if ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "hss2"}, &meta); meta.TypeName != "hss2_image" {
		t.Fatalf("%q", meta.TypeName)
	}
	var resp datasource.ConfigureResponse
	if ds.Configure(ctx, datasource.ConfigureRequest{}, &resp); len(resp.Diagnostics) != 0 || ds.data != nil {
		t.Fatalf("%v", resp.Diagnostics)
	}
	if ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: "data"}, &resp); resp.Diagnostics.ErrorsCount() != 1 ||
		!strings.Contains(resp.Diagnostics[0].Detail(), "got string") || ds.data != nil {
		t.Fatalf("%v", resp.Diagnostics)
	}
	data := &Data{}
	resp = datasource.ConfigureResponse{}
	if ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: data}, &resp); len(resp.Diagnostics) != 0 || ds.data != data {
		t.Fatalf("%v", resp.Diagnostics)
	}
}
