package facts

import (
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/lifecycle"
)

// A base OS carries the table's answer on the day judged: extended support only when the
// release has one; for a release the table does not know, how to allow it (its distribution's
// support note) or else why it is unknown; for an ambiguous one, which release was judged.
func TestOSNotes(t *testing.T) {
	table, err := lifecycle.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := Reader{Table: table, At: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
	branches := map[string]bool{}
	for _, c := range [][2]string{{"Huawei Cloud EulerOS", "2.0"}, {"Ubuntu", "99.04"}, {"Ubuntu", "22.04"}, {"AlmaLinux", "9.4"},
		{"Debian GNU/Linux", "12"}, {"CentOS", "8"}, {"Red Hat Enterprise Linux", "8"}, {"Alpine Linux", "3.19"}, {"Plan 9 from Bell Labs", "4"}} {
		a, err := table.Query(c[0], c[1], r.At)
		if err != nil {
			t.Fatal(err)
		}
		o := r.os(c[0], c[1])
		var want, branch string
		switch {
		case !a.Known && a.SupportNote != "":
			want, branch = a.SupportNote, "support note"
		case !a.Known:
			want, branch = a.Note, "unknown"
		case a.Ambiguous:
			want, branch = a.Note, "ambiguous"
		default:
			branch = "known"
		}
		branches[branch] = true
		if o.Note != want || want == "" && branch != "known" || o.Known != a.Known || (o.Extended == nil) != a.Extended.IsZero() ||
			o.Standard.End != a.EOL || o.Name != c[0] || o.Version != c[1] {
			t.Errorf("%q %q (%s): %+v, want note %q from %+v", c[0], c[1], branch, o, want, a)
		}
		if o.Extended != nil && (o.Extended.End != a.Extended || o.Extended.Supported != a.ExtendedSupported) {
			t.Errorf("%q %q: extended %+v", c[0], c[1], o.Extended)
		}
	}
	if len(branches) != 4 {
		t.Fatalf("the cases reach %v, not every kind of answer", branches)
	}
}
