package acceptance

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

// With TF_LOG=trace, no secret of any credential method reaches the logs, the output or the
// state: not the secret key, security token, token or password, nor any Authorization,
// X-Auth-Token, X-Security-Token or X-Subject-Token value seen on the wire. The same holds
// when the server quotes the request's credentials back in its error ("echo"): Terraform shows
// and logs the diagnostic, so the diagnostic is redacted too.
func TestAccSecretsStaySecret(t *testing.T) {
	plugins := buildProvider(t)
	// Each case has an emulator of its own, so they run in parallel.
	cases := map[string]func(e *emu) (auth string, secrets []string){
		"aksk": func(*emu) (string, []string) { return authAKSK, []string{emulator.SecretAccessKey} },
		"temporary": func(*emu) (string, []string) {
			return authTemp, []string{emulator.TempSecretKey, emulator.TempSecurityTok}
		},
		"token": func(e *emu) (string, []string) {
			token := e.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
			return fmt.Sprintf("token = %q", token), []string{token}
		},
		"password": func(*emu) (string, []string) { return authPassword, []string{emulator.UserPassword} },
		"assume_role": func(*emu) (string, []string) {
			return authForeign + "\n  " + assumeRoleBlock, []string{emulator.ForeignSK}
		},
		"oidc": func(e *emu) (string, []string) {
			idToken := e.SignIDToken("ci", time.Hour, nil)
			return oidcBlock(idToken), []string{idToken}
		},
		"oidc_file": func(e *emu) (string, []string) {
			idToken := e.SignIDToken("ci", time.Hour, nil)
			return fmt.Sprintf("assume_role_with_oidc {\n    idp_id = %q\n    id_token_file = %q\n  }", emulator.IdpID, writeIDToken(t, idToken)), []string{idToken}
		},
		"ecs_metadata": func(e *emu) (string, []string) {
			e.SetMetadataMode(emulator.MetadataTokensRequired)
			return "", nil
		},
		"agency_chain": func(*emu) (string, []string) {
			return authForeign + "\n  " + assumeRoleBlock + fmt.Sprintf("\n  assume_role {\n    agency_name = %q\n    domain_id   = %q\n  }",
				emulator.WorkloadAgencyName, emulator.WorkloadDomainID), []string{emulator.ForeignSK}
		},
		"pod_identity": func(e *emu) (string, []string) {
			file := filepath.Join(t.TempDir(), "pod-token")
			if err := os.WriteFile(file, []byte(emulator.PodToken), 0o600); err != nil {
				t.Fatal(err)
			}
			e.Env = []string{provider.EnvPodIdentityURI + "=" + e.URL + emulator.PodIdentityPath, provider.EnvPodIdentityTokenFile + "=" + file}
			return "", []string{emulator.PodToken}
		},
		"sm3_signing": func(*emu) (string, []string) {
			return authAKSK + "\n  signing_algorithm = \"HmacSM3\"", []string{emulator.SecretAccessKey}
		},
		"profile": func(*emu) (string, []string) {
			return fmt.Sprintf("shared_config_file = %q\n  profile = \"emulator\"", writeProfile(t)), []string{emulator.SecretAccessKey}
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEmu(t)
			auth, secrets := c(e)
			secretsStaySecret(t, e, plugins, auth, secrets, false)
		})
	}
}

func secretsStaySecret(t *testing.T, e *emu, plugins, auth string, known []string, echo bool) {
	dir := t.TempDir()
	config := requiredProviders + e.Provider(auth) + `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}

resource "terraform_data" "base" {
  input = data.hss_image_basic_image.test.data_list
}

output "base" {
  value = data.hss_image_basic_image.test.data_list[0].os_name
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "trace.log")
	e.Reset()
	e.ClearFaults()
	env := append([]string{"TF_LOG=trace", "TF_LOG_PATH=" + logPath}, e.Env...)
	var out, state string
	if echo {
		e.AddFault(emulator.Fault{Kind: emulator.KindHSS, Echo: true})
		e.AddFault(emulator.Fault{Kind: emulator.KindIAMToken, Echo: true})
		var err error
		out, err = terraformExec(t, dir, plugins, env, "plan", "-input=false", "-lock=false", "-no-color")
		if err == nil || !strings.Contains(out, "Received headers") || !strings.Contains(out, "***") {
			t.Fatalf("the echoing server's error did not come through redacted (err %v):\n%s", err, out)
		}
	} else {
		out = terraformRun(t, dir, plugins, env, "apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
		b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		state = string(b)
		if !strings.Contains(state, "layer_digest") {
			t.Fatal("state lacks the result")
		}
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// The capture works: provider trace lines are there.
	if !bytes.Contains(logs, []byte("HSS provider HTTP response")) {
		t.Fatal("trace log lacks the provider's HTTP lines: logging was not captured")
	}
	// Everything the emulator handed out counts too: tokens, temporary keys, security tokens.
	secrets := append(append([]string{}, known...), e.Issued()...)
	for _, r := range e.Requests() {
		secrets = append(secrets, r.Secrets...)
	}
	if len(secrets) <= len(known) && !echo {
		t.Fatal("the emulator saw no credential headers")
	}
	for _, s := range secrets {
		for where, text := range map[string]string{"trace log": string(logs), "output": out, "state": state} {
			if strings.Contains(text, s) {
				t.Errorf("%s contains secret %.12q…", where, s)
			}
		}
	}
}

// A plan reads each distinct query once, however many instances ask for it: 200 instances of
// one query cost one HSS request.
func TestAccPlanReadsEachQueryOnce(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := t.TempDir()
	config := requiredProviders + e.Provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "same" {
  for_each   = toset([for i in range(200) : tostring(i)])
  image_id   = "multi-os-0001"
  image_type = "cicd"
}

output "entries" {
  value = sum([for d in data.hss_image_basic_image.same : length(d.data_list)])
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out := terraformRun(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if !strings.Contains(out, "entries = 600") {
		t.Fatalf("plan output:\n%s", out)
	}
	if n := e.Count(emulator.KindHSS); n != 1 {
		t.Fatalf("%d HSS requests for 200 instances of one query, want 1", n)
	}
}

// Through the CLI at TF_LOG=trace: a secret written where a file name belongs is named by its
// argument only, in the output and in Terraform's log.
func TestAccSecretGivenAsFileName(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	for _, arg := range []string{"key", "cert", "cacert_file", "shared_config_file", "id_token_file"} {
		t.Run(arg, func(t *testing.T) {
			shapes := providertest.SecretShapes()
			value, secret := shapes["jwt"][0], shapes["jwt"][1]
			block := authAKSK + fmt.Sprintf("\n  %s = %q", arg, value)
			switch arg {
			case "shared_config_file":
				block = fmt.Sprintf("shared_config_file = %q", value)
			case "id_token_file":
				block = fmt.Sprintf("assume_role_with_oidc {\n    idp_id = %q\n    id_token_file = %q\n    domain_id = %q\n  }", emulator.IdpID, value, emulator.DomainID)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(requiredProviders+e.Provider(block)+dataCICD111), 0o600); err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(dir, "trace.log")
			out, err := terraformExec(t, dir, plugins, []string{"TF_LOG=trace", "TF_LOG_PATH=" + logPath}, "plan", "-input=false", "-lock=false", "-no-color")
			if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "does not look like a file name") {
				t.Fatalf("err %v\n%s", err, out)
			}
			logs, err := os.ReadFile(logPath)
			if err != nil || !bytes.Contains(logs, []byte("provider")) {
				t.Fatalf("no trace log: %v", err)
			}
			for where, text := range map[string]string{"output": out, "trace log": string(logs)} {
				if w := providertest.Leaks(text, secret); len(w) > 0 {
					t.Errorf("%s quotes %d pieces of the token, e.g. %q", where, len(w), w[0])
				}
			}
		})
	}
}
