package endpoints_test

import (
	"slices"
	"strings"
	"testing"

	hssregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/region"
	iamregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/region"
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

// Every override is checked and named: a bad one fails Validate under its argument's name, and
// a host made from it is traced back to that argument.
func TestOverridesAreValidatedAndNamed(t *testing.T) {
	bad := "ftp://bad.example"
	for name, set := range map[string]endpoints.Set{
		"endpoints.hss":      {HSS: bad},
		"endpoints.iam":      {IAM: bad},
		"endpoints.sts":      {STS: bad},
		"endpoints.metadata": {Metadata: bad},
		"auth_url":           {AuthURL: bad},
	} {
		if err := set.Validate(); err == nil || !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("%s: %v", name, err)
		}
	}
	good := endpoints.Set{HSS: "https://hss.private.example", IAM: "https://iam.private.example", STS: "https://sts.private.example",
		Metadata: "http://169.254.169.254", AuthURL: "https://auth.private.example/v3"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]string{
		"https://hss.private.example/v5/x": "endpoints.hss", "https://iam.private.example": "endpoints.iam",
		"https://sts.private.example": "endpoints.sts", "http://169.254.169.254/meta": "endpoints.metadata",
		"https://auth.private.example": "auth_url",
	} {
		if got := good.Origin(url); got != want {
			t.Errorf("Origin(%s) = %q, want %q", url, got, want)
		}
	}
	if err := (endpoints.Set{Cloud: "not a cloud"}).Validate(); err == nil || !strings.HasPrefix(err.Error(), "cloud: ") {
		t.Errorf("cloud: %v", err)
	}
}

// The eu-west-1xx regions are on the Europe cloud, every one of them, as the Huawei Cloud
// provider has it; other regions, and a cloud that is set, are not.
func TestEuropeCloud(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-101": "https://hss.eu-west-101.myhuaweicloud.eu",
		"eu-west-111": "https://hss.eu-west-111.myhuaweicloud.eu",
		"eu-west-2":   "https://hss.eu-west-2.myhuaweicloud.com",
		"cn-north-4":  "https://hss.cn-north-4.myhuaweicloud.com",
	} {
		if got := (endpoints.Set{}).HSSURL(region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
	if got := (endpoints.Set{Cloud: "example.internal"}).IAMURL("eu-west-111"); got != "https://iam.eu-west-111.example.internal" {
		t.Errorf("a set cloud: %s", got)
	}
	if got := (endpoints.Set{}).STSURL("eu-west-111"); got != "https://sts.eu-west-111.myhuaweicloud.eu" {
		t.Errorf("STS on the Europe cloud: %s", got)
	}
}

// The IAM hosts are the SDK's: its table's regional host where it has one; for the HSS regions
// it leaves out, the global IAM, as the SDK falls back to it; the emulator's DNS resolves
// exactly those, so a client calling iam.cn-north-11 fails there as it would in the cloud.
func TestIAMRegionsAreTheSDKs(t *testing.T) {
	var public []string
	for _, r := range endpoints.IAMRegions {
		reg, err := iamregion.SafeValueOf(r)
		if err != nil || reg == nil || reg.Endpoints[0] != (endpoints.Set{}).IAMURL(r) {
			t.Fatalf("%s: the SDK has %v (%v), the client builds %s", r, reg, err, (endpoints.Set{}).IAMURL(r))
		}
		if !strings.HasSuffix(reg.Endpoints[0], "."+endpoints.EuropeCloud) {
			public = append(public, r)
		}
	}
	if !slices.Equal(public, emulator.IAMRegions) {
		t.Fatalf("the emulator's IAM regions %v are not the client's %v", emulator.IAMRegions, public)
	}
	var global []string
	for _, r := range endpoints.KnownRegions {
		host := strings.TrimPrefix((endpoints.Set{}).IAMURL(r), "https://")
		if !emulator.PublicHosts(host) && !strings.HasSuffix(host, "."+endpoints.EuropeCloud) {
			t.Errorf("%s: IAM at %s, which has no host", r, host)
		}
		if host == endpoints.GlobalIAMHost {
			global = append(global, r)
			if _, err := iamregion.SafeValueOf(r); err == nil {
				t.Errorf("%s: the SDK now has an IAM host there", r)
			}
		}
	}
	if want := []string{"cn-north-11", "cn-south-4", "cn-southwest-3"}; !slices.Equal(global, want) {
		t.Errorf("regions on the global IAM: %v, want %v", global, want)
	}
	for host, resolves := range map[string]bool{
		"iam.cn-north-11.myhuaweicloud.com": false, "iam.cn-north-4.myhuaweicloud.com": true, "iam.myhuaweicloud.com": true,
		"iam.myhuaweicloud.com.evil.example": false, "hss.cn-north-11.myhuaweicloud.com": true,
	} {
		if emulator.PublicHosts(host) != resolves {
			t.Errorf("%s resolves: %v", host, !resolves)
		}
	}
	for set, want := range map[endpoints.Set]string{
		{}:                                   "https://iam.ap-southeast-l.myhuaweicloud.com", // a typo keeps its own name
		{Cloud: "example.internal"}:          "https://iam.ap-southeast-l.example.internal",
		{IAM: "https://iam.private.example"}: "https://iam.private.example",
	} {
		if got := set.IAMURL("ap-southeast-l"); got != want {
			t.Errorf("%+v: %s, want %s", set, got, want)
		}
	}
	if got := (endpoints.Set{Cloud: "example.internal"}).IAMURL("cn-north-11"); got != "https://iam.cn-north-11.example.internal" {
		t.Errorf("a set cloud: %s", got)
	}
}

// Only swr.<region>.<that region's cloud> is SWR: look-alikes, other clouds' suffixes and
// ports are not.
func TestSWRRegion(t *testing.T) {
	for host, want := range map[string]string{
		"swr.cn-north-4.myhuaweicloud.com":                      "cn-north-4",
		"swr.ap-southeast-1.myhuaweicloud.com":                  "ap-southeast-1",
		"swr.eu-west-101.myhuaweicloud.eu":                      "eu-west-101",
		"swr.eu-west-101.myhuaweicloud.com":                     "",
		"swr.cn-north-4.myhuaweicloud.eu":                       "",
		"swr.cn-north-4.myhuaweicloud.com.evil.example":         "",
		"swr.cn-north-4.myhuaweicloud.com:8443":                 "",
		"swr.cn-north-4.myhuaweicloud.com:443":                  "",
		"SWR.CN-NORTH-4.MYHUAWEICLOUD.COM":                      "",
		"swr.cn-north-4.myhuaweicloud.com.":                     "",
		"evilswr.cn-north-4.myhuaweicloud.com":                  "",
		"swr.cn-north-4.evil.myhuaweicloud.com":                 "",
		"swr.cn-north-4":                                        "",
		"swr..myhuaweicloud.com":                                "",
		"swr.cn_north_4.myhuaweicloud.com":                      "",
		"prod.swr-ee.cn-north-4.myhuaweicloud.com":              "",
		"swr.cn-north-4.myhuaweicloud.com/x":                    "",
		"swr." + strings.Repeat("a", 64) + ".myhuaweicloud.com": "",
		"": "",
	} {
		if got := (endpoints.Set{}).SWRRegion(host); got != want {
			t.Errorf("%q: %q, want %q", host, got, want)
		}
	}
	private := endpoints.Set{Cloud: "example.internal"}
	if got := private.SWRRegion("swr.cn-north-4.example.internal"); got != "cn-north-4" {
		t.Errorf("a set cloud: %q", got)
	}
	if got := private.SWRRegion("swr.cn-north-4.myhuaweicloud.com"); got != "" {
		t.Errorf("the public cloud's SWR with a set cloud: %q", got)
	}
	if got := (endpoints.Set{}).SWRHost("cn-north-4"); got != "swr.cn-north-4.myhuaweicloud.com" {
		t.Error(got)
	}
}
