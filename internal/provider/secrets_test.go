package provider

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-log/tfsdklogtest"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

// A value given for an argument that names a file or carries a secret is never quoted: not in
// a diagnostic, not in a log line at trace level, whatever shape the secret has. PEM text with
// leading material is accepted as PEM.
func TestSecretArgumentsAreNeverQuoted(t *testing.T) {
	e := newEmu(t)
	for arg, place := range map[string]func(v string) (map[string]any, mapEnv){
		"key": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey, "key": v}), nil
		},
		"cert": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey, "cert": v}), nil
		},
		"OS_KEY": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey}), mapEnv{EnvKey: v}
		},
		"id_token_file": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"assume_role_with_oidc": map[string]any{"idp_id": emulator.IdpID, "id_token_file": v, "domain_id": emulator.DomainID}}), nil
		},
		"HW_ASSUME_ROLE_ID_TOKEN_FILE": func(v string) (map[string]any, mapEnv) {
			return e.Config(nil), mapEnv{EnvIdpID: emulator.IdpID, EnvIDTokenFile: v}
		},
		"shared_config_file": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"shared_config_file": v}), nil
		},
		"cacert_file": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey, "cacert_file": v}), nil
		},
		"token": func(v string) (map[string]any, mapEnv) {
			return e.Config(map[string]any{"token": v}), nil
		},
	} {
		for shape, sv := range providertest.SecretShapes() {
			t.Run(arg+"/"+shape, func(t *testing.T) {
				value, secret := sv[0], sv[1]
				var logs bytes.Buffer
				cfg, env := place(value)
				p := newInproc(t, env)
				p.Ctx = tfsdklogtest.RootLogger(tflogtest.RootLogger(context.Background(), &logs), &logs)
				d := p.Configure(cfg)
				if d.Errors() == 0 {
					_, rd := p.Read(cicd111)
					d = append(d, rd...)
				}
				if d.Errors() == 0 {
					t.Fatalf("no error for a secret in %s:\n%s", arg, d)
				}
				for where, text := range map[string]string{"diagnostics": d.String(), "logs": logs.String()} {
					if w := providertest.Leaks(text, secret); len(w) > 0 {
						t.Errorf("%s quote %d pieces of the value, e.g. %q:\n%s", where, len(w), w[0], text)
					}
				}
			})
		}
	}
}

// PEM text that openssl or a Windows editor wrote, with leading lines or a byte-order mark, is
// PEM: a client certificate given so is used.
func TestPEMWithLeadingMaterial(t *testing.T) {
	certPEM, keyPEM := clientCertificatePEM(t)
	for name, wrap := range map[string]func(string) string{
		"plain":          func(s string) string { return s },
		"bag_attributes": func(s string) string { return "Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=/CN=ci\n" + s },
		"bom":            func(s string) string { return "\uFEFF" + s },
	} {
		m := nullModel()
		m.Region = types.StringValue("cn-north-4")
		m.Cert, m.Key = types.StringValue(wrap(certPEM)), types.StringValue(wrap(keyPEM))
		cfg, d := resolve(t, m, mapEnv{EnvAccessKey: "a", EnvSecretKey: "b"})
		if d.HasError() || len(cfg.ClientCertPEM) == 0 || len(cfg.ClientKeyPEM) == 0 {
			t.Errorf("%s: %v", name, d)
		}
		// The key joins the redactor and the log masking, whole and line by line.
		secrets := cfg.Secrets()
		for _, line := range strings.Split(strings.TrimSpace(keyPEM), "\n")[1:3] {
			if !slices.Contains(secrets, line) {
				t.Errorf("%s: key line %.12q… is not among the secrets", name, line)
			}
		}
	}
}

// clientCertificatePEM is a client certificate and its key, as PEM text.
func clientCertificatePEM(t *testing.T) (cert, key string) {
	t.Helper()
	m, err := emulator.ServeMutualTLS(emulator.New(nil))
	if err != nil {
		t.Fatal(err)
	}
	m.Server.Close()
	return string(m.CertPEM), string(m.KeyPEM)
}
