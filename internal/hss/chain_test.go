package hss_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

func wantSequence(t *testing.T, emu *emulator.Emulator, want ...string) {
	t.Helper()
	got := sequence(emu)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var (
	auditHop    = credentials.AssumeRole{AgencyName: emulator.AgencyName, DomainName: emulator.DomainName}
	workloadHop = credentials.AssumeRole{AgencyName: emulator.WorkloadAgencyName, DomainID: emulator.WorkloadDomainID}
)

// readWorkload reads image 111 and checks it is the workload account's.
func readWorkload(t *testing.T, c *hss.Client) {
	t.Helper()
	res, err := c.ListBasicImages(context.Background(), cicd111)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].OSName != emulator.WorkloadBase.OSName || res.ProjectID != emulator.WorkloadProjectID {
		t.Fatalf("result %+v", res)
	}
}

// An agency assumed through IAM v3 with AK/SK: the keys' account is looked up once and sent as
// X-Domain-Id, as the SDK's global credentials do; with domain_id configured, no lookup.
func TestAssumeRoleSignsWithTheDomain(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, chain(foreignAKSK(), auditHop), noCache)
	readSpec(t, c)
	readSpec(t, c)
	wantSequence(t, emu,
		"iam-domains by "+emulator.ForeignAK,
		"iam-securitytokens by "+emulator.ForeignAK+" domain "+emulator.ForeignDomainID,
		"iam-projects by temp1 +st",
		"hss by temp1 +st",
		"hss by temp1 +st")

	emu.Reset()
	cr := chain(foreignAKSK(), auditHop)
	cr.DomainID = emulator.ForeignDomainID
	readSpec(t, newClient(t, url, cr))
	wantSequence(t, emu,
		"iam-securitytokens by "+emulator.ForeignAK+" domain "+emulator.ForeignDomainID,
		"iam-projects by temp1 +st",
		"hss by temp1 +st")

	// The wrong account is IAM's 401, with its message.
	cr.DomainID = emulator.DomainID
	_, err := newClient(t, url, cr).ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !strings.Contains(ae.ErrorMsg, "X-Domain-Id") {
		t.Fatalf("err %v", err)
	}
}

// IAM lists no domain to keys whose user may not read itself: the account then comes from STS's
// caller identity, as the SDK's global credentials ask it.
func TestEmptyDomainListFallsBackToCallerIdentity(t *testing.T) {
	emu, url := newServer(t)
	emu.HideDomains(true)
	readSpec(t, newClient(t, url, chain(foreignAKSK(), auditHop), noCache))
	wantSequence(t, emu,
		"iam-domains by "+emulator.ForeignAK,
		"sts-caller-identity by "+emulator.ForeignAK,
		"iam-securitytokens by "+emulator.ForeignAK+" domain "+emulator.ForeignDomainID,
		"iam-projects by temp1 +st",
		"hss by temp1 +st")

	// Both failing, the error says what each answered and how to skip the lookup.
	emu.Reset()
	emu.AddFault(emulator.Fault{Kind: emulator.KindSTSCallerIdentity, Status: 403, Code: "STS5.0403", Message: "no permission"})
	_, err := newClient(t, url, chain(foreignAKSK(), auditHop), noCache).ListBasicImages(context.Background(), cicd111)
	for _, want := range []string{"IAM listed no domain for these keys (their user may lack iam:users:getUser)", "GET /v5/caller-identity: HTTP 403", "set domain_id (HW_DOMAIN_ID)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want %q in %v", want, err)
		}
	}

	// An identity without an account is malformed, named by its field.
	emu.ClearFaults()
	emu.AddFault(emulator.Fault{Kind: emulator.KindSTSCallerIdentity, Status: 200, Body: `{"principal_id":"p"}`})
	_, err = newClient(t, url, chain(foreignAKSK(), auditHop), noCache).ListBasicImages(context.Background(), cicd111)
	if err == nil || !strings.Contains(err.Error(), "malformed caller identity response: account_id missing or of the wrong type") {
		t.Fatalf("err %v", err)
	}
}

// A configured domain_id names the account of keys from the ECS metadata service or a pod
// identity too: no lookup before an IAM v3 hop.
func TestDomainIDAppliesToHostKeys(t *testing.T) {
	emu, url := newServer(t)
	meta := func(c *hss.Config) { c.Endpoints.Metadata = url }
	cr := chain(credentials.Config{Method: credentials.AuthMetadata, DomainID: emulator.DomainID}, auditHop)
	readSpec(t, newClient(t, url, cr, meta, noCache))
	for _, r := range sequence(emu) {
		if strings.HasPrefix(r, "iam-domains") || strings.HasPrefix(r, "sts-caller-identity") {
			t.Fatalf("the account was looked up: %v", sequence(emu))
		}
	}
	emu.Reset()
	cr.DomainID = ""
	readSpec(t, newClient(t, url, cr, meta, noCache))
	if got := sequence(emu); !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "iam-domains") }) {
		t.Fatalf("no lookup without domain_id: %v", got)
	}
}

// A chain crosses accounts: CI keys assume the audit account's agency (IAM v3, by domain
// name), whose keys assume the workload account's (IAM v5, by domain ID); each hop is signed by
// the keys of the one before, and the read lands in the last account. A renewal walks the
// chain again from the first hop.
func TestAgencyChain(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, chain(foreignAKSK(), auditHop, workloadHop), noCache)
	readWorkload(t, c)
	wantSequence(t, emu,
		"iam-domains by "+emulator.ForeignAK,
		"iam-securitytokens by "+emulator.ForeignAK+" domain "+emulator.ForeignDomainID,
		"sts-assume by temp1 +st",
		"iam-projects by temp2 +st",
		"hss by temp2 +st")

	// The keys are refused mid-run: the chain is walked again from the first hop, the
	// account lookups are not repeated.
	emu.Reset()
	emu.ExpireTemporaryKeys()
	readWorkload(t, c)
	wantSequence(t, emu,
		"hss by temp1 +st",
		"iam-securitytokens by "+emulator.ForeignAK+" domain "+emulator.ForeignDomainID,
		"sts-assume by temp2 +st",
		"hss by temp3 +st")
	for _, s := range emu.Issued() {
		if c.Redact("x "+s) != "x "+redact.Redacted {
			t.Fatalf("an obtained secret is not redacted: %.8s…", s)
		}
	}
}

// A token (or a password's) cannot sign an IAM v5 request: it is first traded for its user's
// temporary keys.
func TestTokenBeforeAnIAMv5Hop(t *testing.T) {
	emu, url := newServer(t)
	tok := emu.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	c := newClient(t, url, chain(credentials.Config{Method: credentials.AuthToken, Token: tok}, workloadHop))
	readWorkload(t, c)
	wantSequence(t, emu,
		"iam-securitytokens by token",
		"sts-assume by temp1 +st",
		"iam-projects by temp2 +st",
		"hss by temp2 +st")
}

// The emulator grants an IAM v5 hop signed with temporary keys an hour at most, as the service
// does; the provider refuses such a configuration before it gets there.
func TestIAMv5RefusesLongHopsOnTemporaryKeys(t *testing.T) {
	emu, url := newServer(t)
	tok := emu.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	long := workloadHop
	long.Duration = 2 * time.Hour
	_, err := newClient(t, url, chain(credentials.Config{Method: credentials.AuthToken, Token: tok}, long)).ListBasicImages(context.Background(), cicd111)
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(err.Error(), "duration_seconds must be from 900 to 3600") {
		t.Fatalf("error %v", err)
	}
	// The same duration on the account's own keys is granted.
	emu.Reset()
	if _, err := newClient(t, url, chain(aksk(), long)).ListBasicImages(context.Background(), cicd111); err != nil {
		t.Fatal(err)
	}
}

// An OIDC identity with an agency: the ID token becomes a federated token, that the federated
// user's keys, and those assume the agency through IAM v5 (its domain_id is required), as the
// Huawei Cloud provider does.
func TestOIDCAgencyThroughIAMv5(t *testing.T) {
	emu, url := newServer(t)
	cr := oidc(emu.SignIDToken("ci", time.Hour, nil), "")
	cr.OIDC.AgencyName = emulator.AgencyName
	readSpec(t, newClient(t, url, cr))
	wantSequence(t, emu,
		"iam-id-token by -",
		"iam-securitytokens by token",
		"sts-assume by temp1 +st",
		"iam-projects by temp2 +st",
		"hss by temp2 +st")
}

// The ECS metadata service: with a session token where the host issues them (and requires
// them), without one on older hosts, and with a new token when the current one is refused.
func TestMetadataSessionTokens(t *testing.T) {
	meta := func(url string) func(*hss.Config) { return func(c *hss.Config) { c.Endpoints.Metadata = url } }
	for mode, want := range map[emulator.MetadataMode][]string{
		emulator.MetadataTokensOptional:    {"metadata-token by -", "metadata by - +mdt", "iam-projects by temp1 +st", "hss by temp1 +st"},
		emulator.MetadataTokensRequired:    {"metadata-token by -", "metadata by - +mdt", "iam-projects by temp1 +st", "hss by temp1 +st"},
		emulator.MetadataTokensUnsupported: {"metadata-token by -", "metadata by -", "iam-projects by temp1 +st", "hss by temp1 +st"},
	} {
		emu, url := newServer(t)
		emu.SetMetadataMode(mode)
		readSpec(t, newClient(t, url, credentials.Config{Method: credentials.AuthMetadata}, meta(url)))
		wantSequence(t, emu, want...)
	}

	emu, url := newServer(t)
	emu.SetMetadataMode(emulator.MetadataTokensRequired)
	c := newClient(t, url, credentials.Config{Method: credentials.AuthMetadata}, meta(url), noCache)
	readSpec(t, c)
	emu.Reset()
	emu.ExpireMetadataTokens()
	emu.ExpireTemporaryKeys()
	readSpec(t, c)
	wantSequence(t, emu,
		"hss by temp1 +st",
		"metadata by - +mdt",
		"metadata-token by -",
		"metadata by - +mdt",
		"hss by temp2 +st")
}

// A CCE pod's identity: its token file is read again at every renewal, as the platform rotates
// it; the endpoint's refusal of an old token is an error naming it.
func TestPodIdentity(t *testing.T) {
	emu, url := newServer(t)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(emulator.PodToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pod := credentials.Config{Method: credentials.AuthPodIdentity, PodIdentity: credentials.PodIdentity{URI: url + emulator.PodIdentityPath, TokenFile: file}}
	c := newClient(t, url, pod, noCache)
	readSpec(t, c)
	wantSequence(t, emu, "pod-identity by -", "iam-projects by temp1 +st", "hss by temp1 +st")

	emu.Reset()
	emu.SetPodToken("pod-token-0002-rotated")
	if err := os.WriteFile(file, []byte("pod-token-0002-rotated"), 0o600); err != nil {
		t.Fatal(err)
	}
	emu.ExpireTemporaryKeys()
	readSpec(t, c)
	wantSequence(t, emu, "hss by temp1 +st", "pod-identity by -", "hss by temp2 +st")

	emu.SetPodToken("pod-token-0003")
	emu.ExpireTemporaryKeys()
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !strings.Contains(err.Error(), "the CCE pod identity at "+url+emulator.PodIdentityPath+" gave no credentials") {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(err.Error(), "pod-token-0002") {
		t.Fatal("the error quotes the pod token")
	}

	// The URI is posted to as given, escapes and query included, as the SDK does; a query
	// value is kept out of logs and errors.
	emu.Reset()
	emu.SetPodToken(emulator.PodToken)
	if err := os.WriteFile(file, []byte(emulator.PodToken), 0o600); err != nil {
		t.Fatal(err)
	}
	target := "/v1/pod%2Didentity/credentials?cluster=c%2F1&sig=q8Zr2Lm5Nv7Xw"
	pod.PodIdentity.URI = url + target
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := newClient(t, url, pod, noCache).ListBasicImages(ctx, cicd111); err != nil {
		t.Fatal(err)
	}
	if got := emu.Requests()[0].RequestURI; got != target {
		t.Fatalf("the pod identity saw %q, want %q", got, target)
	}
	if strings.Contains(logs.String(), "q8Zr2Lm5Nv7Xw") {
		t.Fatal("a log line holds the URI's query value")
	}
}

// HMAC-SM3 signing is verified by the emulator with its own SM3; a wrong key still fails.
func TestSM3Signing(t *testing.T) {
	emu, url := newServer(t)
	sm3 := func(c *hss.Config) { c.SigningAlgorithm = transport.SigningHMACSM3 }
	readSpec(t, newClient(t, url, aksk(), sm3))
	for _, r := range emu.Requests() {
		if r.Algorithm != "SDK-HMAC-SM3" {
			t.Fatalf("%s signed with %q", r.Kind, r.Algorithm)
		}
	}
	cr := aksk()
	cr.SecretKey = "wrong-secret-key"
	_, err := newClient(t, url, cr, sm3, func(c *hss.Config) { c.ProjectID = emulator.ProjectID }).ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !strings.Contains(ae.ErrorMsg, "signature mismatch") {
		t.Fatalf("err %v", err)
	}
}

// A client certificate is presented on every HSS and IAM connection; a gateway that requires
// one refuses the client without it.
func TestClientCertificate(t *testing.T) {
	emu := emulator.New(nil)
	m, err := emulator.ServeMutualTLS(emu)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Server.Close)
	tls := func(cert bool) func(*hss.Config) {
		return func(c *hss.Config) {
			c.CACertPEM = m.CAPEM
			if cert {
				c.ClientCertPEM, c.ClientKeyPEM = m.CertPEM, m.KeyPEM
			}
		}
	}
	_, err = newClient(t, m.Server.URL, aksk(), tls(false), fastRetries(0)).ListBasicImages(context.Background(), cicd111)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without a client certificate: %v", err)
	}
	emu.Reset()
	readSpec(t, newClient(t, m.Server.URL, aksk(), tls(true)))
	if got := sequence(emu); len(got) != 2 || got[0] != "iam-projects by "+emulator.AccessKeyID {
		t.Fatalf("requests %v", got)
	}
	if _, err := hss.New(hss.Config{Region: emulator.Region, Credentials: aksk(), ClientCertPEM: m.CertPEM}); err == nil || !strings.Contains(err.Error(), "needs its private key") {
		t.Fatalf("a certificate without its key: %v", err)
	}
	if _, err := hss.New(hss.Config{Region: emulator.Region, Credentials: aksk(), ClientCertPEM: m.CertPEM, ClientKeyPEM: m.CAPEM}); err == nil ||
		strings.Contains(err.Error(), "BEGIN") {
		t.Fatalf("a certificate with a wrong key: %v", err)
	}
}

// Outside the SDK's STS regions there is no STS host: an IAM v5 hop goes to the STS of a listed
// region of the same cloud, as DNS answers only for those; endpoints.sts still decides.
func TestSTSHostOfAnUnlistedRegion(t *testing.T) {
	f := emulator.DefaultFixture()
	for i := range f.Domains {
		if f.Domains[i].ID == emulator.WorkloadDomainID {
			f.Domains[i].Projects = map[string]string{"cn-east-2": emulator.WorkloadProjectID}
		}
	}
	emu := emulator.New(f)
	var hosts []string
	tr := emulator.NewTransport(emu)
	tr.Resolves = func(host string) bool {
		hosts = append(hosts, host)
		return emulator.PublicHosts(host)
	}
	for _, sts := range []string{"", "https://sts.private.example"} {
		hosts = nil
		resolves := tr.Resolves
		if sts != "" {
			tr.Resolves = func(host string) bool { return resolves(host) || host == "sts.private.example" }
		}
		c, err := hss.New(hss.Config{Region: "cn-east-2", Endpoints: endpoints.Set{STS: sts}, Credentials: chain(aksk(), workloadHop), Transport: tr})
		if err != nil {
			t.Fatal(err)
		}
		readWorkload(t, c)
		want := []string{"sts.cn-east-3.myhuaweicloud.com", "iam.cn-east-2.myhuaweicloud.com", "hss.cn-east-2.myhuaweicloud.com"}
		if sts != "" {
			want[0] = "sts.private.example"
		}
		if strings.Join(hosts, " ") != strings.Join(want, " ") {
			t.Fatalf("hosts %v, want %v", hosts, want)
		}
		tr.Resolves = resolves
	}
}

// Expiries of temporary keys in each form the SDK reads (core/sdktime), from IAM v3, IAM v5,
// the ECS metadata service and a pod identity: with or without fractional seconds, with a
// zone, an offset, or none (UTC). An offset is honoured, where the SDK reads "+08:00" as UTC.
func TestExpiryFormats(t *testing.T) {
	layouts := []string{"2006-01-02T15:04:05Z", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05-07:00",
		"2006-01-02T15:04:05.000000Z07:00", "2006-01-02T15:04:05.999"}
	for _, layout := range layouts {
		t.Run(layout, func(t *testing.T) {
			emu, url := newServer(t)
			emu.SetExpiryLayout(layout)
			// The client's clock alone moves: requests are signed at the real time.
			clk := &movableClock{}
			c := newClient(t, url, chain(foreignAKSK(), auditHop, workloadHop), noCache, clk.use)
			readWorkload(t, c)
			// Keys an hour from now are fresh: read again, nothing is obtained anew.
			emu.Reset()
			readWorkload(t, c)
			if got := sequence(emu); len(got) != 1 || !strings.HasPrefix(got[0], "hss by") {
				t.Fatalf("keys were not kept: %v", got)
			}
			// An hour later they have expired, whatever the zone they were written in.
			clk.set(time.Hour)
			emu.Reset()
			readWorkload(t, c)
			if got := sequence(emu); len(got) < 2 {
				t.Fatalf("expired keys were kept: %v", got)
			}
		})
	}
}
