package hss_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// synthetic is the query of an image of n generated entries.
func synthetic(n int) hss.BasicImageQuery {
	return hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", n), ImageType: "cicd"}
}

// factor is what the budget counts for a live byte in this process.
func factor(t *testing.T) float64 {
	return hss.HeapFactor(newClient(t, "http://unused.test", aksk()))
}

// sequence is every request the emulator saw, as "<kind> by <signer>[ domain <X-Domain-Id>]
// [ +st][ +mdt]": the signer is an access key, "temp1", "temp2"… for temporary keys in the
// order they first signed, "token" for X-Auth-Token, or "-".
func sequence(emu *emulator.Emulator) []string {
	temps := map[string]string{}
	var out []string
	for _, r := range emu.Requests() {
		who := r.Signer
		switch {
		case who == "":
			who = "-"
		case strings.HasPrefix(who, "TMPEMU"):
			if temps[who] == "" {
				temps[who] = "temp" + string(rune('0'+len(temps)+1))
			}
			who = temps[who]
		}
		s := string(r.Kind) + " by " + who
		if r.DomainID != "" {
			s += " domain " + r.DomainID
		}
		if r.SecurityToken {
			s += " +st"
		}
		if r.MetadataToken {
			s += " +mdt"
		}
		out = append(out, s)
	}
	return out
}

func chain(cr credentials.Config, hops ...credentials.AssumeRole) credentials.Config {
	cr.AssumeRoles = hops
	return cr
}

func newServer(t testing.TB) (*emulator.Emulator, string) { return emutest.Serve(t) }

func aksk() credentials.Config {
	return credentials.Config{Method: credentials.AuthAKSK, AccessKey: emulator.AccessKeyID, SecretKey: emulator.SecretAccessKey}
}

func newClient(t *testing.T, url string, cr credentials.Config, mod ...func(*hss.Config)) *hss.Client {
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

// movableClock is the client's clock, moved by a test: start (now when zero) plus an offset.
type movableClock struct {
	start time.Time
	ahead atomic.Int64
}

func (m *movableClock) now() time.Time {
	base := m.start
	if base.IsZero() {
		base = time.Now()
	}
	return base.Add(time.Duration(m.ahead.Load()))
}

func (m *movableClock) set(d time.Duration) { m.ahead.Store(int64(d)) }

func (m *movableClock) use(c *hss.Config) { c.Now = m.now }

// noCache makes every read reach the server, for tests about what happens between reads.
func noCache(c *hss.Config) { c.ResultCacheBytes = -1 }

func foreignAKSK() credentials.Config {
	return credentials.Config{Method: credentials.AuthAKSK, AccessKey: emulator.ForeignAK, SecretKey: emulator.ForeignSK}
}

func assume(cr credentials.Config) credentials.Config {
	cr.AssumeRoles = []credentials.AssumeRole{{AgencyName: emulator.AgencyName, DomainName: emulator.DomainName}}
	return cr
}

// readSpec reads the spec's example image and checks the answer.
func readSpec(t *testing.T, c *hss.Client) *hss.Result[hss.BasicImage] {
	t.Helper()
	res, err := c.ListBasicImages(context.Background(), cicd111)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].OSName != "Debian" || res.ProjectID != emulator.ProjectID {
		t.Fatalf("result %+v", res)
	}
	return res
}

func counts(emu *emulator.Emulator, kinds ...emulator.Kind) []int {
	var out []int
	for _, k := range kinds {
		out = append(out, emu.Count(k))
	}
	return out
}

func oidc(token, file string) credentials.Config {
	return credentials.Config{Method: credentials.AuthOIDC, OIDC: credentials.OIDC{IdpID: emulator.IdpID, IDToken: token, IDTokenFile: file, DomainID: emulator.DomainID}}
}

// offsetServer answers each basic-image request with body(offset).
type offsetServer struct {
	body  func(offset int) string
	calls atomic.Int32
}

func (s *offsetServer) RoundTrip(req *http.Request) (*http.Response, error) {
	s.calls.Add(1)
	var off int
	_, _ = fmt.Sscan(req.URL.Query().Get("offset"), &off)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: nopCloser{strings.NewReader(s.body(off))}, Request: req}, nil
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// outagePlan is 200 distinct reads of one entry each, ten at a time, each with timeout.
type outagePlan struct {
	emu      *emulator.Emulator
	tr       *emulator.Transport
	c        *hss.Client
	timeout  time.Duration
	errs     []error
	duration time.Duration
}

func newOutagePlan(t *testing.T, mod ...func(*hss.Config)) *outagePlan {
	t.Helper()
	emu := emulator.New(nil)
	emu.SetLatency(20 * time.Millisecond)
	tr := emulator.NewTransport(emu)
	cfg := hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "https://hss.emulator.test", IAM: "https://iam.emulator.test"},
		Credentials: aksk(), Transport: tr, MaxRetries: transport.DefaultMaxRetries}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := hss.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &outagePlan{emu: emu, tr: tr, c: c, timeout: transport.DefaultReadTimeout}
}

// run reads synthetic-1 … synthetic-200, ten at a time.
func (p *outagePlan) run() {
	start := time.Now()
	queries := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for i := range queries {
				ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
				_, err := p.c.ListBasicImages(ctx, hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", i), ImageType: "cicd"})
				cancel()
				if err != nil {
					mu.Lock()
					p.errs = append(p.errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := 1; i <= 200; i++ {
		queries <- i
	}
	close(queries)
	wg.Wait()
	p.duration = time.Since(start)
}

var cicd111 = hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"}

// fastRetries shortens the back-off and turns pacing off, which these tests do not exercise:
// after a throttle the limiter would otherwise slow the retries down.
func fastRetries(n int) func(*hss.Config) {
	return func(c *hss.Config) {
		c.ProjectID = emulator.ProjectID
		c.RateLimit = -1
		c.MaxRetries = n
		c.RetryWaitMin = time.Millisecond
		c.RetryWaitMax = 4 * time.Millisecond
	}
}

func hint(err error) string {
	var ae *transport.APIError
	if errors.As(err, &ae) {
		return ae.Hint()
	}
	return ""
}
