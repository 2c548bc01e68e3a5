package endpoints_test

import (
	"strings"
	"testing"

	hssregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/region"
	stsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1/region"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
)

func TestValidateEndpoint(t *testing.T) {
	good := []string{"https://hss.example.com", "http://127.0.0.1:8080", "https://iam.example.com/v3", "https://[::1]:443/", "https://h-1.example.com/prefix/"}
	bad := []string{
		"hss.example.com", "ftp://example.com", "https://user:pw@example.com", "https://user@example.com", "https://example.com?x=1",
		"https://example.com/#frag", "https://example.com?", "https:///path", "https:example.com", "https://exa mple.com",
		"https://example.com/a/../b", "https://ex_ample.com", "https://attacker.example\\@good.example", "",
	}
	for _, s := range good {
		if err := endpoints.ValidateEndpoint(s); err != nil {
			t.Errorf("%q rejected: %v", s, err)
		}
	}
	for _, s := range bad {
		if err := endpoints.ValidateEndpoint(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// The STS hosts are the SDK's, and every HSS region the SDK knows has one it can reach.
func TestSTSRegionsAreTheSDKs(t *testing.T) {
	if strings.Join(endpoints.STSRegions, " ") != strings.Join(emulator.STSRegions, " ") {
		t.Fatal("the emulator's STS regions are not the client's")
	}
	for _, r := range endpoints.STSRegions {
		reg, err := stsregion.SafeValueOf(r)
		if err != nil || reg == nil || reg.Endpoints[0] != (endpoints.Set{}).STSURL(r) {
			t.Fatalf("%s: the SDK has %v (%v), the client builds %s", r, reg, err, (endpoints.Set{}).STSURL(r))
		}
	}
	if _, err := stsregion.SafeValueOf("cn-east-2"); err == nil {
		t.Fatal("the SDK now lists cn-east-2: the table is out of date")
	}
	for _, r := range endpoints.KnownRegions {
		host := strings.TrimPrefix((endpoints.Set{}).STSURL(r), "https://")
		if !emulator.PublicHosts(host) && !strings.HasSuffix(host, "."+endpoints.EuropeCloud) {
			t.Errorf("%s: STS at %s, which has no host", r, host)
		}
	}
	for region, want := range map[string]string{"cn-north-1": "cn-north-4", "cn-east-2": "cn-east-3", "la-north-2": "la-south-2",
		"me-east-1": "ap-southeast-1", "ap-southeast-3": "ap-southeast-3", "cn-southwest-3": "cn-southwest-2"} {
		if got := endpoints.STSRegion(region); got != want {
			t.Errorf("STS region of %s: %s, want %s", region, got, want)
		}
	}
}

// The regions suggested are the SDK's own HSS regions, at the endpoints the client builds.
func TestKnownRegionsAreTheSDKs(t *testing.T) {
	for _, r := range endpoints.KnownRegions {
		reg, err := hssregion.SafeValueOf(r)
		if err != nil || reg == nil || len(reg.Endpoints) == 0 {
			t.Fatalf("%s is not in the SDK's table: %v", r, err)
		}
		if want := (endpoints.Set{}).HSSURL(r); reg.Endpoints[0] != want {
			t.Errorf("%s: the SDK says %s, the client builds %s", r, reg.Endpoints[0], want)
		}
	}
	if _, err := hssregion.SafeValueOf("cn-north4"); err == nil {
		t.Fatal("the SDK knows cn-north4")
	}
}
