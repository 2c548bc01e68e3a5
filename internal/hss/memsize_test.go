package hss

import (
	"runtime/debug"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// The budget counts a live byte as the collector lets the heap hold it: 1 + GOGC/100, and the
// default's 2 when GOGC is off.
func TestHeapFactor(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		gogc int
		want float64
	}{{100, 2}, {50, 1.5}, {0, 1}, {400, 5}, {-1, 2}} {
		debug.SetGCPercent(c.gogc)
		if got := heapFactor(); got != c.want {
			t.Errorf("GOGC=%d: %v, want %v", c.gogc, got, c.want)
		}
	}
}

// An empty filter is no filter; a filter is compared exactly, or held in any case for the
// filters the API documents as partial.
func TestFilterComparisons(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		asked         *string
		got           string
		exact, substr bool
	}{
		{nil, "x", true, true},
		{s(""), "x", true, true},
		{s("1.4.2"), "1.4.2", true, true},
		{s("1.4"), "1.4.2", false, true},
		{s("Team"), "team", false, true},
		{s("team"), "Team", false, true},
		{s("team"), "te", false, false},
		{s("team\u200b"), "team", false, false},
	} {
		if got := exact("f", c.asked, c.got) == ""; got != c.exact {
			t.Errorf("exact(%v, %q) matches: %v", deref(c.asked), c.got, got)
		}
		if got := containsFold("f", c.asked, c.got) == ""; got != c.substr {
			t.Errorf("containsFold(%v, %q) matches: %v", deref(c.asked), c.got, got)
		}
	}
}

// A data_list that is missing or null is told from an empty one, however the decoder leaves it.
func TestDecodeTellsMissingFromEmpty(t *testing.T) {
	total := int32(3)
	var none []model.ImageBasicImageInfo
	decode := BasicImages.op().decode
	for name, c := range map[string]struct {
		list   *[]model.ImageBasicImageInfo
		listed bool
	}{
		"missing": {nil, false}, "null": {&none, false}, "empty": {&[]model.ImageBasicImageInfo{}, true},
		"one": {&[]model.ImageBasicImageInfo{{}}, true},
	} {
		got, entries, listed, reason := decode(&model.ListImageBasicImageResponse{TotalNum: &total, DataList: c.list})
		if listed != c.listed || entries == nil || reason != "" || *got != 3 {
			t.Errorf("%s: listed %v, entries %v, %q", name, listed, entries, reason)
		}
	}
}
