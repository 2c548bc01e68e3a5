package datasources

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// Helpers of the package's own tests, and of its external tests through the exported names.

// NullsExcept is nullsExcept for the external tests.
var NullsExcept = nullsExcept

// nullsExcept is an object of type t whose attributes are null but for set.
func nullsExcept(t tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range t.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
			continue
		}
		vals[name] = tftypes.NewValue(at, nil)
	}
	return tftypes.NewValue(t, vals)
}

// testClient is a client that never reads: secretKey is what it redacts, budget its memory
// budget in bytes (the default when 0).
func testClient(t *testing.T, secretKey string, budget int) *hss.Client {
	t.Helper()
	c, err := hss.New(hss.Config{Region: "cn-north-4", ProjectID: "p", Endpoints: endpoints.Set{HSS: "https://hss.test", IAM: "https://iam.test", STS: "https://sts.test"},
		Credentials: credentials.Config{Method: credentials.AuthAKSK, AccessKey: "AK", SecretKey: secretKey}, MaxMemoryBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
