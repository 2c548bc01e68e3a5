package resolve_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// References are resolved through a client of each test's own, against an emulator of its own.

func newServer(t testing.TB) (*emulator.Emulator, string) { return emutest.Serve(t) }

func aksk() credentials.Config {
	return credentials.Config{Method: credentials.AuthAKSK, AccessKey: emulator.AccessKeyID, SecretKey: emulator.SecretAccessKey}
}

func newClient(t testing.TB, url string, cr credentials.Config, mod ...func(*hss.Config)) *hss.Client {
	t.Helper()
	cfg := hss.Config{Region: emulator.Region, Endpoints: endpoints.Set{HSS: url, IAM: url, STS: url}, Credentials: cr, UserAgent: "terraform-provider-hss/test"}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := hss.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fastRetries retries n times with millisecond back-off, unpaced.
func fastRetries(n int) func(*hss.Config) {
	return func(c *hss.Config) {
		c.ProjectID = emulator.ProjectID
		c.RateLimit = -1
		c.MaxRetries = n
		c.RetryWaitMin = time.Millisecond
		c.RetryWaitMax = 4 * time.Millisecond
	}
}

func noCache(c *hss.Config) { c.ResultCacheBytes = -1 }

// inBubble is a client whose requests reach an emulator of its own without a socket, each
// answered after 20 ms, so a testing/synctest bubble's virtual clock governs every wait.
type inBubble struct {
	emu *emulator.Emulator
	c   *hss.Client
}

func newBubble(t *testing.T, mod ...func(*hss.Config)) *inBubble {
	t.Helper()
	emu := emulator.New(nil)
	emu.SetLatency(20 * time.Millisecond)
	cfg := hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "https://hss.emulator.test", IAM: "https://iam.emulator.test"},
		Credentials: aksk(), Transport: emulator.NewTransport(emu), MaxRetries: transport.DefaultMaxRetries}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := hss.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &inBubble{emu: emu, c: c}
}

const swr = emulator.SWRHost

// resolved is what a test expects of one reference: the image bound, or the failure.
type resolved struct {
	kind     resolve.FailureKind
	imageID  string
	digest   string
	child    string
	host     string
	contains []string
}

// requests counts the emulator's requests to the registry image list and the registry list.
func requests(emu *emulator.Emulator) (images, registries int) {
	for _, r := range emu.Requests() {
		switch {
		case strings.HasSuffix(r.Path, "/image/registries/images"):
			images++
		case strings.HasSuffix(r.Path, "/image/registries"):
			registries++
		}
	}
	return images, registries
}
