package datasources

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
)

type testListModel struct{ listCommon }

type testEntry struct{ a, b, c string }

// testList is a list data source whose read answers items with total_num total.
func testList(items []testEntry, total int, emptySummary string) *dataSource[testListModel, *testListModel] {
	fields := []tfvalue.Field[testEntry]{
		tfvalue.String("a", "", func(e testEntry) string { return e.a }),
		tfvalue.String("b", "", func(e testEntry) string { return e.b }),
		tfvalue.String("c", "", func(e testEntry) string { return e.c }),
	}
	return newList[testListModel](&listSpec[testListModel, testEntry]{
		entry: fields, emptySummary: emptySummary, emptyCauses: "none",
		read: func(context.Context, *Data, *testListModel) (*queryResult[testEntry], error) {
			return &queryResult[testEntry]{res: &hss.Result[testEntry]{TotalNum: total, Items: items}, query: "The query"}, nil
		},
	}).(*dataSource[testListModel, *testListModel])
}

// total_num is the API's, not the entries kept; an empty answer warns only when the data
// source says so.
func TestListRead(t *testing.T) {
	d := &Data{Client: testClient(t, "SK", 0)}
	for _, c := range []struct {
		items    []testEntry
		total    int
		summary  string
		warnings int
	}{
		{[]testEntry{{"1", "2", "3"}, {"4", "5", "6"}}, 5, "Nothing", 0},
		{nil, 3, "Nothing", 1},
		{nil, 0, "", 0},
		{[]testEntry{{"1", "2", "3"}}, 1, "", 0},
	} {
		var m testListModel
		out, err := testList(c.items, c.total, c.summary).spec.read(context.Background(), d, &m)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.release {
			r()
		}
		if !m.TotalNum.Equal(types.Int64Value(int64(c.total))) || len(out.warnings) != c.warnings {
			t.Errorf("%+v: total_num %v, warnings %v", c, m.TotalNum, out.warnings)
		}
		if c.warnings > 0 && (out.warnings[0].summary != c.summary || !strings.HasPrefix(out.warnings[0].detail, "The query matched nothing: total_num is 3 and")) {
			t.Errorf("%v", out.warnings)
		}
	}
}

// The state a read builds counts against the memory budget until the skeleton lets it go: a
// read past the budget fails, and a second one fits only once the first has released.
func TestListStateCountsAgainstTheBudget(t *testing.T) {
	// The budget counts twice what is live at the default GOGC of 100.
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	items := make([]testEntry, 100)
	one := stateCost(len(items), 3)
	d := &Data{Client: testClient(t, "SK", 3*one)}
	var m testListModel
	first, err := testList(items, len(items), "").spec.read(context.Background(), d, &m)
	if err != nil || len(first.release) != 1 {
		t.Fatalf("%v %v", first, err)
	}
	// A second read's state does not fit beside the first.
	var be *hss.MemoryBudgetError
	if _, err := testList(items, len(items), "").spec.read(context.Background(), d, &m); !errors.As(err, &be) {
		t.Fatalf("a read past the budget: %v", err)
	}
	first.release[0]()
	second, err := testList(items, len(items), "").spec.read(context.Background(), d, &m)
	if err != nil {
		t.Fatalf("after the first released: %v", err)
	}
	second.release[0]()
	if _, err := testList(make([]testEntry, 1000), 1000, "").spec.read(context.Background(), d, &m); !errors.As(err, &be) {
		t.Fatalf("a read of ten times the state: %v", err)
	}
}

// The state's estimate covers what BenchmarkStateConversion measured, held and encoded, for 3
// and 9 string fields.
func TestStateCostCoversTheMeasured(t *testing.T) {
	for fields, measured := range map[int]int{3: 740 + 190, 9: 1640 + 570} {
		if got := stateCost(1000, fields); got < 1000*measured {
			t.Errorf("%d fields: %d bytes for 1,000 entries, measured %d", fields, got, 1000*measured)
		}
	}
}

// data_list names each entry field with what it is.
func TestDataListDescribesItsFields(t *testing.T) {
	l := &listSpec[testListModel, testEntry]{entryDescription: "test entry", entry: []tfvalue.Field[testEntry]{
		tfvalue.String("a", "the first", func(e testEntry) string { return e.a }),
		tfvalue.String("b", "the second", func(e testEntry) string { return e.b }),
	}}
	if got := l.dataListAttribute().MarkdownDescription; !strings.HasSuffix(got, "Each entry is an object of `a` (the first) and `b` (the second).") ||
		!strings.Contains(got, "Every matching test entry") {
		t.Fatalf("%q", got)
	}
}
