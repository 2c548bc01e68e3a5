package datasources_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hsslabs/terraform-provider-hss/internal/datasources"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// timeouts.read bounds the whole read, and the diagnostic names the request in flight.
func TestReadTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := emulator.New(nil)
		emu.SetLatency(30 * time.Second)
		p := inBubble(t, emu, merged(akskArgs, map[string]any{"project_id": emulator.ProjectID}))
		start := time.Now()
		_, d := p.Read(merged(cicd111, map[string]any{"timeouts": map[string]any{"read": "1s"}}))
		if !errRe(`did not finish within its timeout \(timeouts.read = 1s\): GET /v5/\{project_id\}/image/\{image_id\}/basic-image page 1 \(offset 0\) was in flight after 1 attempt`).MatchString(d.String()) ||
			time.Since(start) != time.Second {
			t.Fatalf("after %s: %s", time.Since(start), d)
		}
		// Without a timeouts block, the default holds: an answer that never comes ends the
		// read at exactly five minutes, not at the provider's per-request limit.
		emu.SetLatency(time.Hour)
		start = time.Now()
		_, d = p.Read(cicd111)
		if !strings.Contains(d.String(), "timeouts.read = 5m0s") || time.Since(start) != transport.DefaultReadTimeout || transport.DefaultReadTimeout != 5*time.Minute {
			t.Fatalf("after %s: %s", time.Since(start), d)
		}
	})
}

// A typo in image_type gets the "must be one of" error alone, not repository-image errors that
// would only apply to a valid repository type.
func TestImageTypeTypoReportsOnlyItself(t *testing.T) {
	ctx := context.Background()
	ds := datasources.NewImageBasicImageDataSource().(datasource.DataSourceWithValidateConfig)
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	for imageType, wantErrors := range map[string]int{"cidc": 0, "harbor": 3} {
		raw := nullsExcept(typ, map[string]tftypes.Value{
			"image_id": tftypes.NewValue(tftypes.String, "x"), "image_type": tftypes.NewValue(tftypes.String, imageType),
		})
		var resp datasource.ValidateConfigResponse
		ds.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: raw}}, &resp)
		if n := resp.Diagnostics.ErrorsCount(); n != wantErrors {
			t.Fatalf("image_type %q: %d errors, want %d: %v", imageType, n, wantErrors, resp.Diagnostics)
		}
	}
}

func TestEmptyResultWarns(t *testing.T) {
	e := newEmu(t)
	p := newInproc(t)
	if d := p.Configure(e.Config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey})); d.Errors() != 0 {
		t.Fatalf("%s", d)
	}
	for id, want := range map[string]string{"does-not-exist": "warning", "111": ""} {
		state, d := p.Read(map[string]any{"image_id": id, "image_type": "cicd"})
		s := d.String()
		if want == "" {
			// The id is the region, the image and the first 8 bytes of the query's hash.
			if len(d) != 0 || !regexp.MustCompile(`^cn-north-4/111/[0-9a-f]{16}$`).MatchString(str(t, state, "id")) {
				t.Fatalf("%s: %s", id, s)
			}
			continue
		}
		if len(d) != 1 || d[0].Summary != "HSS knows no base image for this query" ||
			!strings.Contains(s, `The query for image_id "does-not-exist" (image_type "cicd") in enterprise project "0" of region cn-north-4 matched nothing`) ||
			!strings.Contains(s, "HSS has not scanned the image yet") || !strings.Contains(s, "condition     = length(self.data_list) > 0") {
			t.Fatalf("%s", s)
		}
	}
}

func TestIAMFailureNamesTheService(t *testing.T) {
	e := newEmu(t)
	p := newInproc(t)
	if d := p.Configure(e.Config(map[string]any{"user_name": emulator.UserName, "password": "not-the-password", "domain_name": emulator.DomainName})); d.Errors() != 0 {
		t.Fatalf("%s", d)
	}
	_, d := p.Read(map[string]any{"image_id": "111", "image_type": "cicd"})
	s := d.String()
	if d.Errors() != 1 || d[0].Summary != "Unable to authenticate with IAM" || strings.Count(s, "The username or password is wrong") != 1 ||
		!strings.Contains(s, `Step: password authentication for user "hss-operator" in domain "hsslabs-dev" failed.`) {
		t.Fatalf("%s", s)
	}
}

// A provider that cannot read yet says why on every read, and reads nothing.
func TestReadWhenNotReady(t *testing.T) {
	e := newEmu(t)
	cfg := e.Config(akskArgs)
	delete(cfg, "region")
	p := newInproc(t)
	if d := p.Configure(cfg); d.Errors() != 0 {
		t.Fatalf("%s", d)
	}
	_, d := p.ReadData("hss_image", map[string]any{"reference": emulator.SWRHost + "/team/app:1.4.2"})
	if d.Errors() != 1 || d[0].Summary != "Missing region" || len(e.Requests()) != 0 {
		t.Fatalf("%d requests: %s", len(e.Requests()), d)
	}
}
