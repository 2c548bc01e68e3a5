package hss_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// An account's AK/SK assume an agency of another account and read that account's images:
// one exchange and one project lookup, kept while the keys are fresh.
func TestAssumeRoleWithAKSK(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, assume(foreignAKSK()), noCache)
	readSpec(t, c)
	readSpec(t, c)
	if got := counts(emu, emulator.KindIAMSecurityToken, emulator.KindIAMProjects, emulator.KindHSS); got[0] != 1 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("securitytokens, projects, HSS = %v, want 1, 1, 2", got)
	}
	// Without the agency the same keys see their own account only.
	_, err := newClient(t, url, foreignAKSK(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID }).ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.ErrorCode != "HSS.0010" || !strings.Contains(ae.Hint(), "HSS ReadOnlyAccess") {
		t.Fatalf("err %v", err)
	}
}

// Obtained credentials are replaced five minutes before they expire, not after a refusal;
// ones that arrive already inside that margin (short-lived, or a clock running ahead) are
// reused for a minute rather than fetched again for every read, with one warning.
func TestCredentialRenewal(t *testing.T) {
	start := time.Now()
	clk := &movableClock{start: start}
	at := func(d time.Duration) { clk.set(d) }
	read := func(t *testing.T, c *hss.Client, n int) {
		t.Helper()
		if _, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", n), ImageType: "cicd"}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		after time.Duration
		want  int
	}{{0, 1}, {4*time.Minute + 59*time.Second, 1}, {5*time.Minute + time.Second, 2}}
	t.Run("agency keys", func(t *testing.T) {
		emu, url := newServer(t)
		emu.SetTemporaryTTL(10 * time.Minute)
		c := newClient(t, url, assume(foreignAKSK()), noCache, clk.use)
		for i, s := range steps {
			at(s.after)
			read(t, c, i+1)
			if n := emu.Count(emulator.KindIAMSecurityToken); n != s.want {
				t.Fatalf("after %s: %d exchanges, want %d", s.after, n, s.want)
			}
		}
	})
	t.Run("password token", func(t *testing.T) {
		emu, url := newServer(t)
		emu.SetTokenTTL(10 * time.Minute)
		c := newClient(t, url, credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}, noCache, clk.use)
		for i, s := range steps {
			at(s.after)
			read(t, c, i+1)
			if n := emu.Count(emulator.KindIAMToken); n != s.want {
				t.Fatalf("after %s: %d token requests, want %d", s.after, n, s.want)
			}
		}
	})
	t.Run("inside the margin", func(t *testing.T) {
		emu, url := newServer(t)
		emu.SetTemporaryTTL(4 * time.Minute)
		c := newClient(t, url, assume(foreignAKSK()), noCache, clk.use)
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &logs)
		for i, s := range []struct {
			after time.Duration
			want  int
		}{{0, 1}, {59 * time.Second, 1}, {61 * time.Second, 2}, {62 * time.Second, 2}} {
			at(s.after)
			if _, err := c.ListBasicImages(ctx, hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"}); err != nil {
				t.Fatal(err)
			}
			if n := emu.Count(emulator.KindIAMSecurityToken); n != s.want {
				t.Fatalf("after %s: %d exchanges, want %d", s.after, n, s.want)
			}
		}
		if n := strings.Count(logs.String(), "the machine clock may be ahead"); n != 1 {
			t.Fatalf("%d clock warnings, want 1:\n%s", n, logs.String())
		}
	})
}

// Keys the server stops accepting are replaced once and the read goes on.
func TestRefusedTemporaryKeysAreRenewed(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, assume(foreignAKSK()), fastRetries(0), noCache)
	readSpec(t, c)
	emu.ExpireTemporaryKeys() // while the client still trusts them
	readSpec(t, c)
	if n := emu.Count(emulator.KindIAMSecurityToken); n != 2 {
		t.Fatalf("%d exchanges, want 2", n)
	}
}

func TestAssumeRoleWithPasswordAndToken(t *testing.T) {
	emu, url := newServer(t)
	pw := credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}
	readSpec(t, newClient(t, url, assume(pw)))
	if got := counts(emu, emulator.KindIAMToken, emulator.KindIAMSecurityToken); got[0] != 1 || got[1] != 1 {
		t.Fatalf("token, securitytokens = %v", got)
	}
	tok := emu.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	readSpec(t, newClient(t, url, assume(credentials.Config{Method: credentials.AuthToken, Token: tok})))
	// An agency that does not trust the caller is refused with IAM's status and message.
	cr := foreignAKSK()
	cr.AssumeRoles = []credentials.AssumeRole{{AgencyName: emulator.HostAgencyName, DomainName: emulator.DomainName}}
	_, err := newClient(t, url, cr).ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 || ae.Operation != "POST /v3.0/OS-CREDENTIAL/securitytokens" ||
		!strings.Contains(err.Error(), `assuming agency "ecs-hss-agency"`) {
		t.Fatalf("err %v", err)
	}
}

// A CI job's ID token becomes temporary keys: the federated user's, or an agency's.
func TestOIDC(t *testing.T) {
	emu, url := newServer(t)
	idToken := emu.SignIDToken("repo:hsslabs/app:ref:refs/heads/main", 10*time.Minute, nil)
	readSpec(t, newClient(t, url, oidc(idToken, "")))
	if got := counts(emu, emulator.KindIAMIDToken, emulator.KindIAMSecurityToken); got[0] != 1 || got[1] != 1 {
		t.Fatalf("id-token, securitytokens = %v", got)
	}
	withAgency := oidc(idToken, "")
	withAgency.OIDC.AgencyName = emulator.AgencyName
	readSpec(t, newClient(t, url, withAgency))

	// From a file, read afresh whenever keys are obtained.
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(idToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emu.SetTemporaryTTL(time.Minute)
	clk := &movableClock{}
	c := newClient(t, url, oidc("", file), clk.use)
	readSpec(t, c)
	if err := os.WriteFile(file, []byte(emu.SignIDToken("x", time.Minute, func(c jwt.MapClaims) { c["aud"] = "someone-else" })), 0o600); err != nil {
		t.Fatal(err)
	}
	clk.set(2 * time.Minute) // the keys are due for renewal
	_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "multi-os-0001", ImageType: "cicd"})
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !strings.Contains(ae.ErrorMsg, "audience") ||
		!strings.Contains(err.Error(), `exchanging the OIDC ID token with identity provider "github-actions"`) {
		t.Fatalf("err %v", err)
	}
	expired := emu.SignIDToken("x", -time.Minute, nil)
	_, err = newClient(t, url, oidc(expired, "")).ListBasicImages(context.Background(), cicd111)
	if !errors.As(err, &ae) || !strings.Contains(ae.ErrorMsg, "expired") {
		t.Fatalf("err %v", err)
	}
	for _, s := range []string{idToken, expired} {
		if strings.Contains(err.Error(), s) {
			t.Fatal("the error quotes an ID token")
		}
	}
}

// On an ECS host the metadata service hands out the host agency's keys, once for many reads;
// off one, the read fails after one attempt of each exchange, not retried, and says so.
func TestMetadata(t *testing.T) {
	emu, url := newServer(t)
	meta := func(endpoint string) func(*hss.Config) {
		return func(c *hss.Config) { c.Endpoints.Metadata = endpoint }
	}
	c := newClient(t, url, credentials.Config{Method: credentials.AuthMetadata}, meta(url), noCache)
	readSpec(t, c)
	readSpec(t, c)
	if n := emu.Count(emulator.KindMetadata); n != 1 {
		t.Fatalf("%d metadata requests, want 1", n)
	}
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t, func(c *hss.Config) {
			c.Credentials = credentials.Config{Method: credentials.AuthMetadata}
			c.Endpoints.Metadata = "http://127.0.0.1:1"
		})
		p.tr.Refuse()
		start := time.Now()
		_, err := p.c.ListBasicImages(context.Background(), cicd111)
		var me *credentials.MetadataError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), "no credentials are configured, and the ECS metadata service at http://127.0.0.1:1 gave none") {
			t.Fatalf("err %v", err)
		}
		if p.tr.Attempts() != 1 || time.Since(start) != 0 {
			t.Fatalf("%d attempts over %s: the off-cloud lookup must fail at once", p.tr.Attempts(), time.Since(start))
		}
	})
}

// A malformed answer of any exchange that hands out credentials is reported by field, never
// with the decoder's message, which would quote the bytes around the fault: the secrets next to
// it reach no error and no log line, not even eight characters of them.
func TestCredentialAnswersAreNeverQuoted(t *testing.T) {
	secret := "Zq8vLmN3pR7sT1uW5xY9aB2cD4eF6gH0jK3mN5pQ"
	token := "st-" + strings.Repeat("Vb7Nc2Xz9Lk4Jh6Gf1Ds", 8)
	keys := func(container, expires string) string {
		return fmt.Sprintf(`{%q:{"access":"TMPAKEMU0001","secret":%q,"securitytoken":%q,"expires_at":%s}}`, container, secret, token, expires)
	}
	idToken := "MIIsubjecttoken" + strings.Repeat("Qw3Er5Ty7Ui9", 6)
	pw := credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}
	cases := map[string]struct {
		cr     credentials.Config
		fault  emulator.Fault
		reason string
	}{
		"securitytokens, expiry a number": {assume(foreignAKSK()), emulator.Fault{Kind: emulator.KindIAMSecurityToken, Status: 201, Body: keys("credential", "1767225600")},
			"malformed credential response: credential.expires_at missing or of the wrong type"},
		"securitytokens, secret a number": {assume(foreignAKSK()),
			emulator.Fault{Kind: emulator.KindIAMSecurityToken, Status: 201, Body: `{"credential":{"access":"A","secret":12,"securitytoken":"` + token + `","expires_at":"` + secret + `"}}`},
			"malformed credential response: credential.secret missing or of the wrong type"},
		"securitytokens, secret empty": {assume(foreignAKSK()),
			emulator.Fault{Kind: emulator.KindIAMSecurityToken, Status: 201, Body: `{"credential":{"access":"A","secret":"","securitytoken":"` + token + `","expires_at":"2030-01-01T00:00:00Z"}}`},
			"malformed credential response: credential.secret missing or of the wrong type"},
		"securitytokens, expiry not a time": {assume(foreignAKSK()), emulator.Fault{Kind: emulator.KindIAMSecurityToken, Status: 201, Body: keys("credential", `"`+secret+`"`)},
			"malformed credential response: credential.expires_at is not a time"},
		"securitytokens, broken JSON": {assume(foreignAKSK()), emulator.Fault{Kind: emulator.KindIAMSecurityToken, Status: 201, Body: keys("credential", "")},
			"malformed credential response: not JSON"},
		"metadata, expiry a number": {credentials.Config{Method: credentials.AuthMetadata}, emulator.Fault{Kind: emulator.KindMetadata, Status: 200, Body: keys("credential", "1767225600")},
			"malformed credential response: credential.expires_at missing or of the wrong type"},
		"id-token, broken JSON": {oidc("header.payload.signature", ""),
			emulator.Fault{Kind: emulator.KindIAMIDToken, Status: 201, Headers: map[string]string{"X-Subject-Token": idToken}, Body: `{"token":{"expires_at":` + idToken},
			"malformed token response: not JSON"},
		"password token, expiry a number": {pw,
			emulator.Fault{Kind: emulator.KindIAMToken, Status: 201, Headers: map[string]string{"X-Subject-Token": idToken}, Body: `{"token":{"expires_at":5,"id":"` + idToken + `"}}`},
			"malformed token response: token.expires_at missing or of the wrong type"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			emu, url := newServer(t)
			emu.AddFault(tc.fault)
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			c := newClient(t, url, tc.cr, func(c *hss.Config) { c.Endpoints.Metadata = url })
			_, err := c.ListBasicImages(ctx, cicd111)
			var de *transport.DecodeError
			if !errors.As(err, &de) || !strings.Contains(de.Reason, tc.reason) || de.RequestID == "" {
				t.Fatalf("err %v", err)
			}
			for _, s := range []string{secret, token, idToken} {
				for i := 0; i+8 <= len(s); i++ {
					for where, text := range map[string]string{"error": err.Error(), "logs": logs.String()} {
						if strings.Contains(text, s[i:i+8]) {
							t.Fatalf("%s holds %q of a secret:\n%s", where, s[i:i+8], text)
						}
					}
				}
			}
		})
	}
}
