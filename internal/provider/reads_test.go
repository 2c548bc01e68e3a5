package provider

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// What the configuration does to reads, through the provider server in-process: credentials,
// projects, retries, TLS, without a Terraform CLI launch for each.

// The reads of one provider process share one password token and need no project lookup.
func TestReadPasswordTokenReuse(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, nil, passwordArgs)
	for i := 1; i <= 5; i++ {
		p.MustRead(map[string]any{"image_id": fmt.Sprintf("synthetic-%d", i), "image_type": "cicd"})
	}
	if tokens, projects := e.Count(emulator.KindIAMToken), e.Count(emulator.KindIAMProjects); tokens != 1 || projects != 0 {
		t.Fatalf("%d token requests and %d project lookups for five reads, want 1 and 0", tokens, projects)
	}
}

// Wrong credentials of every kind are the API's 401 (or HSS's 400 for another account's
// project) with its code, message, request ID and advice.
func TestReadWrongCredentials(t *testing.T) {
	e := newEmu(t)
	for args, want := range map[*map[string]any]string{
		{"access_key": emulator.AccessKeyID, "secret_key": "wrong-secret", "project_id": emulator.ProjectID}:      `HTTP status 401.*APIGW\.0301.*signature.*request ID: [0-9a-f]{32}.*access_key/secret_key`,
		{"access_key": emulator.TempAccessKeyID, "secret_key": emulator.TempSecretKey, "security_token": "stale"}: `HTTP status 401.*security token`,
		{"token": "MIInot-a-token"}: `HTTP status 401.*APIGW\.0307.*token is invalid`,
		{"user_name": emulator.UserName, "password": "not-the-password", "domain_name": emulator.DomainName}:               `Unable to authenticate with IAM.*POST /v3/auth/tokens failed with HTTP status 401.*IAM\.0004`,
		{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey, "project_id": emulator.ForeignProjID}: `HTTP status 400.*error_code: HSS\.0010.*Access denied.*HSS denied access: check that project_id belongs to the account`,
	} {
		_, d := configured(t, e, nil, *args).Read(cicd111)
		if d.Errors() != 1 || !errRe(want).MatchString(d.String()) {
			t.Errorf("%v: %s", *args, d)
		}
	}
}

// Project IDs are resolved through IAM once per region and provider process, including for a
// data source that names another region.
func TestReadProjectResolutionAndRegion(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, nil, akskArgs)
	wantEntries(t, p.MustRead(cicd111), emulator.SpecDebian)
	p.MustRead(merged(cicd111, map[string]any{"os_name": "Debian"}))
	other := p.MustRead(merged(cicd111, map[string]any{"region": emulator.OtherRegion}))
	wantEntries(t, other, emulator.BasicImage{OSName: "openEuler", OSVersion: "22.03", LayerDigest: "sha256:7777777777777777777777777777777777777777777777777777777777777777"})
	if str(t, other, "region") != emulator.OtherRegion {
		t.Fatalf("region %q", str(t, other, "region"))
	}
	byRegion := map[string]int{}
	for _, r := range e.Requests() {
		if r.Kind == emulator.KindIAMProjects {
			byRegion[r.Query.Get("name")]++
		}
	}
	if byRegion[emulator.Region] != 1 || byRegion[emulator.OtherRegion] != 1 || len(byRegion) != 2 {
		t.Fatalf("project lookups %v, want one per region", byRegion)
	}
}

// Throttling and outages are retried within the read; max_retries = 0 turns retries off.
func TestReadRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := emulator.New(nil)
		args := merged(akskArgs, map[string]any{"project_id": emulator.ProjectID, "rate_limit": 0})
		emu.AddFault(emulator.Fault{Times: 3, Status: 429, RetryAfter: "0"})
		emu.AddFault(emulator.Fault{Times: 1, Status: 503, RetryAfter: "0"})
		wantEntries(t, inBubble(t, emu, args).MustRead(cicd111), emulator.SpecDebian)
		emu.AddFault(emulator.Fault{Times: 1, Status: 429, RetryAfter: "0"})
		_, d := inBubble(t, emu, merged(args, map[string]any{"max_retries": 0})).Read(cicd111)
		if !errRe(`HTTP status 429.*APIGW\.0308`).MatchString(d.String()) {
			t.Fatalf("%s", d)
		}
		if n := len(emu.Requests()); n != 6 || emu.Count(emulator.KindHSS) != 6 {
			t.Fatalf("%d requests, want 5 refused and 1 answered", n)
		}
	})
}

// Configuring the provider costs no request, whatever the method: tokens, keys and project IDs
// are obtained on the first read. A bad setting fails in Configure, so Configure did run.
func TestConfigureIsOffline(t *testing.T) {
	e := newEmu(t)
	podToken := filepath.Join(t.TempDir(), "pod-token")
	for name, c := range map[string]struct {
		args map[string]any
		env  mapEnv
	}{
		"aksk":         {args: akskArgs},
		"token":        {args: map[string]any{"token": "MIItok"}},
		"password":     {args: passwordArgs},
		"assume_role":  {args: merged(akskArgs, map[string]any{"assume_role": []map[string]any{{"agency_name": emulator.AgencyName, "domain_name": emulator.DomainName}}})},
		"agency_chain": {args: merged(akskArgs, map[string]any{"assume_role": []map[string]any{{"agency_name": emulator.AgencyName, "domain_name": emulator.DomainName}, {"agency_name": emulator.WorkloadAgencyName, "domain_id": emulator.WorkloadDomainID}}})},
		"oidc":         {args: map[string]any{"assume_role_with_oidc": map[string]any{"idp_id": emulator.IdpID, "id_token": "eyJ.x.y"}}},
		"profile":      {args: map[string]any{"shared_config_file": writeProfile(t), "profile": "emulator"}},
		"pod_identity": {env: mapEnv{EnvPodIdentityURI: e.URL + emulator.PodIdentityPath, EnvPodIdentityTokenFile: podToken}},
		"metadata":     {},
	} {
		if d := newInproc(t, c.env).Configure(e.Config(c.args)); d.Errors() > 0 {
			t.Fatalf("%s: %s", name, d)
		}
	}
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("configuring the provider made %d requests", n)
	}
	if d := newInproc(t, mapEnv{EnvMaxRetries: "many"}).Configure(e.Config(akskArgs)); !strings.Contains(d.String(), `HW_MAX_RETRIES="many" must be an integer`) {
		t.Fatalf("%s", d)
	}
}

// TLS is verified by default; a private CA can be trusted through cacert_file (or OS_CACERT),
// and insecure = true skips verification with a warning.
func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(emulator.New(nil))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &emu{URL: srv.URL}
	_, d := configured(t, e, nil, akskArgs).Read(cicd111)
	if !errRe(`TLS certificate could not be verified.*cacert_file \(HW_CACERT_FILE\)`).MatchString(d.String()) {
		t.Fatalf("%s", d)
	}
	wantEntries(t, configured(t, e, nil, merged(akskArgs, map[string]any{"cacert_file": caFile})).MustRead(cicd111), emulator.SpecDebian)
	wantEntries(t, configured(t, e, mapEnv{EnvOSCACert: caFile}, akskArgs).MustRead(cicd111), emulator.SpecDebian)
	p := newInproc(t, nil)
	if d := p.Configure(e.Config(merged(akskArgs, map[string]any{"insecure": true}))); d.Errors() != 0 || !strings.Contains(d.String(), "TLS verification is disabled") {
		t.Fatalf("%s", d)
	}
	wantEntries(t, p.MustRead(cicd111), emulator.SpecDebian)
}

// A client certificate reaches a gateway that requires one, read from a file or given as PEM
// text; without it the gateway refuses the connection.
func TestClientCertificate(t *testing.T) {
	m, err := emulator.ServeMutualTLS(emulator.New(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Server.Close)
	dir := t.TempDir()
	ca, cert := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem")
	_ = os.WriteFile(ca, m.CAPEM, 0o600)
	_ = os.WriteFile(cert, m.CertPEM, 0o600)
	e := &emu{URL: m.Server.URL}
	args := merged(akskArgs, map[string]any{"cacert_file": ca, "max_retries": 0})
	if _, d := configured(t, e, nil, args).Read(cicd111); d.Errors() != 1 || !strings.Contains(d.String(), "certificate") {
		t.Fatalf("%s", d)
	}
	wantEntries(t, configured(t, e, nil, merged(args, map[string]any{"cert": cert, "key": string(m.KeyPEM)})).MustRead(cicd111), emulator.SpecDebian)
}

// A server that answers with something other than a result never produces a list that looks
// right: each case is an error that says what happened.
func TestHostileServer(t *testing.T) {
	emptyList := `{"total_num":0,"data_list":[]}`
	many := map[string]any{"image_id": emulator.ManyImageID, "image_type": "cicd"}
	for name, c := range map[string]struct {
		fault emulator.Fault
		data  map[string]any
		want  string
	}{
		"redirect_to_login": {fault: emulator.Fault{Status: http.StatusFound, Location: "https://login.attacker.example/sso?next=hss", Body: emptyList},
			want: `unexpected HTTP 302 \(only 200 is a result\); the answer redirects to host "login.attacker.example", which is not followed.*A proxy, gateway or a wrong endpoint answered`},
		"non_authoritative_empty_list": {fault: emulator.Fault{Status: http.StatusNonAuthoritativeInfo, Body: emptyList}, want: `unexpected HTTP 203 \(only 200 is a result\)`},
		"list_never_settles": {fault: emulator.Fault{Page: emulator.PageFault{Churn: true}}, data: many,
			want: `the list changed while it was being read: total_num was \d+ on page 1 and \d+ on page 2; read 3 times from the start`},
		"echoed_credentials": {fault: emulator.Fault{Echo: true},
			want: `error_msg: Bad request. Received headers \[Authorization: SDK-HMAC-SHA256 Access=HSSEMULATORAK000001, SignedHeaders=\S+, Signature=\*\*\*\]`},
	} {
		e := newEmu(t)
		e.AddFault(c.fault)
		data := c.data
		if data == nil {
			data = cicd111
		}
		_, d := configured(t, e, nil, merged(akskArgs, map[string]any{"project_id": emulator.ProjectID, "max_retries": 1, "page_concurrency": 1})).Read(data)
		if d.Errors() != 1 || !errRe(c.want).MatchString(d.String()) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// Every way of giving a method's arguments works: environment variables, their OpenStack
// aliases, temporary keys, an agency from the environment, an ID token file with an agency.
func TestCredentialVariants(t *testing.T) {
	e := newEmu(t)
	idToken := e.SignIDToken("repo:hsslabs/app:ref:refs/heads/main", time.Hour, nil)
	for name, c := range map[string]struct {
		args map[string]any
		env  mapEnv
	}{
		"temporary":   {args: map[string]any{"access_key": emulator.TempAccessKeyID, "secret_key": emulator.TempSecretKey, "security_token": emulator.TempSecurityTok}},
		"env_aksk":    {env: mapEnv{EnvAccessKey: emulator.AccessKeyID, EnvSecretKey: emulator.SecretAccessKey}},
		"env_passwrd": {env: mapEnv{EnvUserName: emulator.UserName, EnvPassword: emulator.UserPassword, EnvDomainName: emulator.DomainName}},
		// The environment a Huawei Cloud provider user already has: AK/SK plus the user and
		// domain their IAM resources need.
		"mixed_env":  {args: akskArgs, env: mapEnv{EnvDomainName: emulator.DomainName, EnvUserName: emulator.UserName, "OS_PASSWORD": "x"}},
		"os_aliases": {env: mapEnv{"OS_ACCESS_KEY": emulator.AccessKeyID, "OS_SECRET_KEY": emulator.SecretAccessKey}},
		"sdk_env":    {env: mapEnv{EnvSDKAccessKey: emulator.AccessKeyID, EnvSDKSecretKey: emulator.SecretAccessKey}},
		"assume_role_env": {env: mapEnv{EnvAccessKey: emulator.ForeignAK, EnvSecretKey: emulator.ForeignSK,
			EnvAssumeRoleAgency: emulator.AgencyName, EnvAssumeRoleDomain: emulator.DomainName}},
		// The Huawei Cloud provider's legacy agency variables.
		"legacy_agency_env": {env: mapEnv{EnvAccessKey: emulator.ForeignAK, EnvSecretKey: emulator.ForeignSK,
			EnvLegacyAgencyName: emulator.AgencyName, EnvLegacyAgencyDomainName: emulator.DomainName, EnvLegacyDelegatedProject: emulator.Region}},
		"oidc_file_env_agency": {env: mapEnv{EnvIdpID: emulator.IdpID, EnvIDTokenFile: writeIDToken(t, idToken),
			EnvAssumeRoleAgency: emulator.AgencyName, EnvAssumeRoleDomainID: emulator.DomainID}},
	} {
		t.Run(name, func(t *testing.T) {
			wantEntries(t, configured(t, e, c.env, c.args).MustRead(cicd111), emulator.SpecDebian)
		})
	}
}

// Every credential method reads the same data, once each: the API page's example image of the
// default account, or the workload account's at the end of a chain.
func TestCredentialMethods(t *testing.T) {
	e := newEmu(t)
	token := e.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	idToken := e.SignIDToken("repo:hsslabs/app:ref:refs/heads/main", time.Hour, nil)
	podTokenFile := filepath.Join(t.TempDir(), "pod-token")
	if err := os.WriteFile(podTokenFile, []byte(emulator.PodToken), 0o600); err != nil {
		t.Fatal(err)
	}
	agency := map[string]any{"agency_name": emulator.AgencyName, "domain_name": emulator.DomainName}
	foreign := map[string]any{"access_key": emulator.ForeignAK, "secret_key": emulator.ForeignSK}
	for name, c := range map[string]struct {
		args map[string]any
		env  mapEnv
		want emulator.BasicImage
	}{
		"aksk":        {args: akskArgs},
		"sm3_signing": {args: merged(akskArgs, map[string]any{"signing_algorithm": "HmacSM3"})},
		"token":       {args: map[string]any{"token": token}},
		"password":    {args: passwordArgs},
		// Another account's keys assume this account's agency.
		"assume_role": {args: merged(foreign, map[string]any{"assume_role": []map[string]any{agency}})},
		"oidc": {args: map[string]any{"assume_role_with_oidc": map[string]any{"idp_id": emulator.IdpID, "id_token": idToken,
			"domain_id": emulator.DomainID}}},
		"ecs_metadata": {},
		"profile":      {args: map[string]any{"shared_config_file": writeProfile(t), "profile": "emulator"}},
		// CI keys into the audit account (IAM v3) into the workload account (IAM v5).
		"agency_chain": {args: merged(foreign, map[string]any{"assume_role": []map[string]any{agency,
			{"agency_name": emulator.WorkloadAgencyName, "domain_id": emulator.WorkloadDomainID}}}), want: emulator.WorkloadBase},
		"pod_identity": {env: mapEnv{EnvPodIdentityURI: e.URL + emulator.PodIdentityPath, EnvPodIdentityTokenFile: podTokenFile}},
	} {
		t.Run(name, func(t *testing.T) {
			want := c.want
			if want == (emulator.BasicImage{}) {
				want = emulator.SpecDebian
			}
			wantEntries(t, configured(t, e, c.env, c.args).MustRead(cicd111), want)
		})
	}
}

// A server that quotes the request's credentials back in its error never gets them to the
// user or the logs, for any credential method: the diagnostic is redacted, not only the log.
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	podToken := filepath.Join(t.TempDir(), "pod-token")
	if err := os.WriteFile(podToken, []byte(emulator.PodToken), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, method := range map[string]func(e *emu) (map[string]any, mapEnv, []string){
		"aksk": func(*emu) (map[string]any, mapEnv, []string) {
			return akskArgs, nil, []string{emulator.SecretAccessKey}
		},
		"temporary": func(*emu) (map[string]any, mapEnv, []string) {
			return map[string]any{"access_key": emulator.TempAccessKeyID, "secret_key": emulator.TempSecretKey, "security_token": emulator.TempSecurityTok},
				nil, []string{emulator.TempSecretKey, emulator.TempSecurityTok}
		},
		"token": func(e *emu) (map[string]any, mapEnv, []string) {
			tok := e.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
			return map[string]any{"token": tok}, nil, []string{tok}
		},
		"password": func(*emu) (map[string]any, mapEnv, []string) {
			return passwordArgs, nil, []string{emulator.UserPassword}
		},
		"assume_role": func(*emu) (map[string]any, mapEnv, []string) {
			return map[string]any{"access_key": emulator.ForeignAK, "secret_key": emulator.ForeignSK,
				"assume_role": []map[string]any{{"agency_name": emulator.AgencyName, "domain_name": emulator.DomainName}}}, nil, []string{emulator.ForeignSK}
		},
		"agency_chain": func(*emu) (map[string]any, mapEnv, []string) {
			return map[string]any{"access_key": emulator.ForeignAK, "secret_key": emulator.ForeignSK,
				"assume_role": []map[string]any{{"agency_name": emulator.AgencyName, "domain_name": emulator.DomainName},
					{"agency_name": emulator.WorkloadAgencyName, "domain_id": emulator.WorkloadDomainID}}}, nil, []string{emulator.ForeignSK}
		},
		"oidc": func(e *emu) (map[string]any, mapEnv, []string) {
			idToken := e.SignIDToken("ci", time.Hour, nil)
			return map[string]any{"assume_role_with_oidc": map[string]any{"idp_id": emulator.IdpID, "id_token": idToken, "domain_id": emulator.DomainID}}, nil, []string{idToken}
		},
		"ecs_metadata": func(e *emu) (map[string]any, mapEnv, []string) {
			e.SetMetadataMode(emulator.MetadataTokensRequired)
			return nil, nil, nil
		},
		"pod_identity": func(e *emu) (map[string]any, mapEnv, []string) {
			return nil, mapEnv{EnvPodIdentityURI: e.URL + emulator.PodIdentityPath, EnvPodIdentityTokenFile: podToken}, []string{emulator.PodToken}
		},
		"sm3_signing": func(*emu) (map[string]any, mapEnv, []string) {
			return merged(akskArgs, map[string]any{"signing_algorithm": transport.SigningHMACSM3}), nil, []string{emulator.SecretAccessKey}
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEmu(t)
			args, env, secrets := method(e)
			e.AddFault(emulator.Fault{Kind: emulator.KindHSS, Echo: true})
			e.AddFault(emulator.Fault{Kind: emulator.KindIAMToken, Echo: true})
			var logs bytes.Buffer
			p := configured(t, e, env, args)
			p.Ctx = tflogtest.RootLogger(context.Background(), &logs)
			_, d := p.Read(cicd111)
			out := d.String()
			if !strings.Contains(out, "Received headers") || !strings.Contains(out, "***") || !strings.Contains(logs.String(), "HSS provider HTTP response") {
				t.Fatalf("the echoing server's error did not come through redacted, or nothing was logged:\n%s", out)
			}
			secrets = append(secrets, e.Issued()...)
			for _, r := range e.Requests() {
				secrets = append(secrets, r.Secrets...)
			}
			for _, s := range secrets {
				for where, text := range map[string]string{"diagnostics": out, "logs": logs.String()} {
					if strings.Contains(text, s) {
						t.Errorf("%s hold secret %.12q…", where, s)
					}
				}
			}
		})
	}
}

// OS_DELEGATED_PROJECT names the project of an agency from the legacy variables, and only then.
func TestLegacyDelegatedProject(t *testing.T) {
	e := newEmu(t)
	legacy := mapEnv{EnvAccessKey: emulator.ForeignAK, EnvSecretKey: emulator.ForeignSK, EnvLegacyAgencyName: emulator.AgencyName,
		EnvLegacyAgencyDomainName: emulator.DomainName, EnvLegacyDelegatedProject: "cn-north-4_audit"}
	if _, d := configured(t, e, legacy, nil).Read(cicd111); d.Errors() != 1 || !strings.Contains(d.String(), "cn-north-4_audit") {
		t.Fatalf("%s", d)
	}
	wantEntries(t, configured(t, e, mapEnv{EnvAccessKey: emulator.AccessKeyID, EnvSecretKey: emulator.SecretAccessKey,
		EnvLegacyDelegatedProject: "cn-north-4_audit"}, nil).MustRead(cicd111), emulator.SpecDebian)
}
