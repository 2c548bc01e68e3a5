package hss_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// In the HSS regions the SDK's IAM table leaves out, the project is looked up at the global
// IAM, as the SDK does; the emulator's DNS has no iam.<region> there, so a client that built
// one would fail.
func TestIAMHostOfRegionsWithoutOne(t *testing.T) {
	for _, region := range []string{"cn-north-11", "cn-south-4", "cn-southwest-3", "cn-north-4"} {
		f := emulator.DefaultFixture()
		if region != emulator.Region {
			f.Domains[0].Projects[region] = "0b5c1a2f9e8d4c7b8a6f5e4d3c2b1a99"
		}
		emu := emulator.New(f)
		var hosts []string
		tr := emulator.NewTransport(emu)
		tr.Resolves = func(host string) bool {
			hosts = append(hosts, host)
			return emulator.PublicHosts(host)
		}
		c, err := hss.New(hss.Config{Region: region, Credentials: aksk(), Transport: tr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		iam := emulator.GlobalIAMHost
		if region == "cn-north-4" {
			iam = "iam.cn-north-4.myhuaweicloud.com"
		}
		if want := []string{iam, "hss." + region + ".myhuaweicloud.com"}; !slices.Equal(hosts, want) {
			t.Errorf("%s: hosts %v, want %v", region, hosts, want)
		}
		// The regional name the client used to build does not resolve.
		c, err = hss.New(hss.Config{Region: region, Credentials: aksk(), Transport: tr,
			Endpoints: endpoints.Set{IAM: "https://iam." + region + ".myhuaweicloud.com"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListBasicImages(context.Background(), cicd111)
		var ue *transport.UnresolvedHostError
		if (region != "cn-north-4") != errors.As(err, &ue) {
			t.Errorf("%s: regional IAM host: %v", region, err)
		}
	}
}

// A denial by an IAM v5 policy says which policy in encoded_authorization_message; the error
// shows it, and the hint says how to decode it: bounded, and safe to print.
func TestEncodedAuthorizationMessageIsShown(t *testing.T) {
	emu, url := newServer(t)
	hop := credentials.AssumeRole{AgencyName: "nobody", DomainID: emulator.WorkloadDomainID}
	_, err := newClient(t, url, chain(aksk(), hop), fastRetries(0)).ListBasicImages(context.Background(), cicd111)
	want := emulator.EncodedAuthorizationMessage("sts:agencies:assume", "iam::"+emulator.WorkloadDomainID+":agency:nobody")
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 || ae.EncodedAuthorizationMessage != want ||
		!strings.Contains(err.Error(), "encoded_authorization_message "+want) || !strings.Contains(ae.Hint(), want) ||
		!strings.Contains(ae.Hint(), "DecodeAuthorizationMessage") {
		t.Fatalf("error %v, hint %q", err, hint(err))
	}
	long := strings.Repeat("QUJD", 3000)
	for name, c := range map[string]struct {
		body, want string
	}{
		"at the top":   {`{"error_code":"HSS.0013","error_msg":"denied","encoded_authorization_message":"` + want + `"}`, want},
		"in an object": {`{"error":{"code":"IAM.0002","message":"denied","encoded_authorization_message":"` + want + `"}}`, want},
		"escapes":      {`{"error_code":"HSS.0013","error_msg":"denied","encoded_authorization_message":"ab\u001b[2Jc"}`, `ab\x1b[2Jc`},
		"too long":     {`{"error_code":"HSS.0013","error_msg":"denied","encoded_authorization_message":"` + long + `"}`, long[:transport.MaxEncodedAuthorizationMessage] + "…"},
		"none":         {`{"error_code":"HSS.0013","error_msg":"denied"}`, ""},
	} {
		emu.AddFault(emulator.Fault{Status: 403, Body: c.body, Times: 1})
		_, err := newClient(t, url, aksk(), fastRetries(0)).ListBasicImages(context.Background(), cicd111)
		var ae *transport.APIError
		if !errors.As(err, &ae) || ae.EncodedAuthorizationMessage != c.want || strings.Contains(err.Error(), "\x1b") ||
			strings.Contains(err.Error(), "encoded_authorization_message") != (c.want != "") || strings.Contains(ae.Hint(), "DecodeAuthorizationMessage") != (c.want != "") {
			t.Errorf("%s: %q, hint %q", name, err, hint(err))
		}
	}
	// A hint keyed by the code keeps its place before the decoding advice.
	if ae := (&transport.APIError{ErrorCode: "HSS.0013", EncodedAuthorizationMessage: "x"}); !strings.HasPrefix(ae.Hint(), "The caller lacks HSS permission") {
		t.Errorf("hint %q", ae.Hint())
	}
}
