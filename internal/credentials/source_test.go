package credentials

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// newTestSource is a source of cr against a fresh emulator.
func newTestSource(t *testing.T, cr Config) (*emulator.Emulator, *source) {
	t.Helper()
	emu, url := emutest.Serve(t)
	sender := transport.New(transport.Config{Pool: http.DefaultTransport, Redactor: &redact.Redactor{}})
	return emu, newSource(Options{Region: emulator.Region, Endpoints: endpoints.Set{HSS: url, IAM: url, STS: url},
		Credentials: cr, Sender: sender})
}

// One caller's short timeout does not fail a neighbour waiting for the same token.
func TestShortTimeoutDoesNotFailNeighbours(t *testing.T) {
	emu, s := newTestSource(t, Config{Method: AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName})
	arrived, hold := make(chan struct{}, 1), make(chan struct{})
	emu.AddFault(emulator.Fault{Kind: emulator.KindIAMToken, Times: 1, Arrived: arrived, Hold: hold})

	short, cancel := context.WithCancel(context.Background())
	shortErr := make(chan error, 1)
	go func() {
		_, _, err := s.For(short, emulator.Region)
		shortErr <- err
	}()
	<-arrived // the token request is on the wire, started by the short caller
	joined := make(chan struct{})
	s.tokens.OnJoin = func() { close(joined) }
	longErr := make(chan error, 1)
	go func() {
		_, _, err := s.For(context.Background(), emulator.Region)
		longErr <- err
	}()
	<-joined
	cancel()
	if err := <-shortErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("short caller: %v", err)
	}
	close(hold)
	if err := <-longErr; err != nil {
		t.Fatalf("the neighbour failed: %v", err)
	}
	if n := emu.Count(emulator.KindIAMToken); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
}

// project_name names the provider's region's project only: another region's project is named
// after the region, as IAM names them.
func TestProjectNameIsTheProviderRegionsOnly(t *testing.T) {
	s := newSource(Options{Region: "cn-north-4", ProjectName: "cn-north-4_finance", Sender: transport.New(transport.Config{Redactor: &redact.Redactor{}})})
	for region, want := range map[string]string{"cn-north-4": "cn-north-4_finance", "ap-southeast-1": "ap-southeast-1"} {
		if got := s.projectName(region); got != want {
			t.Errorf("projectName(%s) = %s, want %s", region, got, want)
		}
	}
	if got := newSource(Options{Region: "cn-north-4", Sender: s.sender}).projectName("cn-north-4"); got != "cn-north-4" {
		t.Errorf("without project_name: %s", got)
	}
}
