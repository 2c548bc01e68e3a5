package providertest

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
)

// Emu is one emulator per test, so request counts belong to that test alone.
type Emu struct {
	*emulator.Emulator
	URL string
	// Env is added to the environment of Terraform commands a test runs against it.
	Env []string
}

// NewEmu serves the default fixture for the test.
func NewEmu(t testing.TB) *Emu {
	t.Helper()
	e, url := emutest.Serve(t)
	return &Emu{Emulator: e, URL: url}
}

// Config is a provider configuration pointing every service at e, plus extra.
func (e *Emu) Config(extra map[string]any) map[string]any {
	cfg := map[string]any{"region": emulator.Region, "endpoints": map[string]string{"hss": e.URL, "iam": e.URL, "sts": e.URL, "metadata": e.URL}}
	maps.Copy(cfg, extra)
	return cfg
}

// Provider renders a provider block that points every service, the metadata service
// included, at the emulator, with lines added.
func (e *Emu) Provider(lines ...string) string {
	return fmt.Sprintf(`
provider "hss" {
  region    = %q
  endpoints = { hss = %q, iam = %q, sts = %q, metadata = %q }
  %s
}
`, emulator.Region, e.URL, e.URL, e.URL, e.URL, strings.Join(lines, "\n  "))
}

// Arguments and provider-block lines that authenticate with the emulator's fixture.
var (
	AKSKArgs     = map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey}
	PasswordArgs = map[string]any{"user_name": emulator.UserName, "password": emulator.UserPassword, "domain_name": emulator.DomainName}
	// CICD111 identifies the API page's example CI/CD image.
	CICD111 = map[string]any{"image_id": "111", "image_type": "cicd"}

	AuthAKSK = fmt.Sprintf("access_key = %q\n  secret_key = %q", emulator.AccessKeyID, emulator.SecretAccessKey)
	AuthTemp = fmt.Sprintf("access_key = %q\n  secret_key = %q\n  security_token = %q",
		emulator.TempAccessKeyID, emulator.TempSecretKey, emulator.TempSecurityTok)
	AuthPassword = fmt.Sprintf("user_name = %q\n  password = %q\n  domain_name = %q",
		emulator.UserName, emulator.UserPassword, emulator.DomainName)
	// AuthForeign are another account's keys, which see this account only through its agency.
	AuthForeign = fmt.Sprintf("access_key = %q\n  secret_key = %q", emulator.ForeignAK, emulator.ForeignSK)
)

// Merged is maps merged left to right.
func Merged(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// ErrRe matches a diagnostic however Terraform wraps its lines: each space in pattern
// matches any run of white space.
func ErrRe(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// Entries is data_list of a read's state of hss_image_basic_image.
func Entries(t testing.TB, attrs map[string]tftypes.Value) []emulator.BasicImage {
	t.Helper()
	var list []tftypes.Value
	if err := attrs["data_list"].As(&list); err != nil {
		t.Fatal(err)
	}
	out := make([]emulator.BasicImage, 0, len(list))
	for _, v := range list {
		var obj map[string]tftypes.Value
		if err := v.As(&obj); err != nil {
			t.Fatal(err)
		}
		out = append(out, emulator.BasicImage{OSName: Str(t, obj, "os_name"), OSVersion: Str(t, obj, "os_version"), LayerDigest: Str(t, obj, "layer_digest")})
	}
	return out
}

// WantEntries fails unless data_list holds want.
func WantEntries(t testing.TB, attrs map[string]tftypes.Value, want ...emulator.BasicImage) {
	t.Helper()
	if got := Entries(t, attrs); !slices.Equal(got, want) {
		t.Fatalf("data_list %+v, want %+v", got, want)
	}
}

// WriteIDToken puts an ID token in a file, as CI runners do.
func WriteIDToken(t testing.TB, idToken string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "id-token")
	if err := os.WriteFile(f, []byte(idToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// WriteProfile writes a Huawei Cloud CLI config file whose "emulator" profile holds the
// emulator's keys.
func WriteProfile(t testing.TB) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "config.json")
	content := fmt.Sprintf(`{"current":"other","profiles":[{"name":"other","mode":"AKSK","accessKeyId":"x","secretAccessKey":"y"},`+
		`{"name":"emulator","mode":"AKSK","accessKeyId":%q,"secretAccessKey":%q,"region":%q}]}`,
		emulator.AccessKeyID, emulator.SecretAccessKey, emulator.Region)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// AssumeRoleBlock assumes the fixture's agency of the default domain.
var AssumeRoleBlock = fmt.Sprintf("assume_role {\n    agency_name = %q\n    domain_name = %q\n  }", emulator.AgencyName, emulator.DomainName)

// OIDCBlock authenticates with an ID token for the fixture's identity provider.
func OIDCBlock(idToken string) string {
	return fmt.Sprintf("assume_role_with_oidc {\n    idp_id    = %q\n    id_token  = %q\n    domain_id = %q\n  }", emulator.IdpID, idToken, emulator.DomainID)
}

// SecretShapes are values a user may put where a file name belongs, and the part of each that
// must never be shown: a PEM key with the lines openssl writes before it, one saved with a
// byte-order mark, a JWT, and a long base64 run.
func SecretShapes() map[string][2]string {
	body := "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQ3VzdG9tS2V5Rm9yVGVzdHNPbmx5IQ"
	pem := "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n"
	jwt := "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJyZXBvOmhzc2xhYnMvYXBwIiwiYXVkIjoiaHNzIn0.U2lnbmF0dXJlT2ZBVGVzdFRva2VuVGhhdElzTm90UmVhbA"
	run := "c2VjcmV0LXJ1bi1vZi1iYXNlNjQtdGhhdC1tdXN0LW5ldmVyLWJlLXNob3duLWluLWEtbWVzc2FnZS0wMTIzNDU2Nzg5"
	return map[string][2]string{
		"pem_bag_attributes": {"Bag Attributes\n    localKeyID: 01 00 00 00\nKey Attributes: <No Attributes>\n" + pem, body},
		"pem_bom":            {"\uFEFF" + pem, body},
		"pem_without_begin":  {body + "\n-----END PRIVATE KEY-----\n", body},
		"jwt":                {jwt, jwt},
		"base64_run":         {run, run},
	}
}

// Leaks is every 8-byte piece of secret that text holds.
func Leaks(text, secret string) []string {
	var out []string
	for i := 0; i+8 <= len(secret); i++ {
		if w := secret[i : i+8]; strings.Contains(text, w) {
			out = append(out, w)
		}
	}
	return out
}
