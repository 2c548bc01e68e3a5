// Command planbench measures `terraform plan` of many hss_image_basic_image instances against
// the emulator: wall time, HSS and IAM requests, 429s and connections, as medians over runs;
// -big, -batch and -gate measure single large reads, batch reads and the gate.
//
//	go run ./internal/planbench [-runs 3] [-instances 200] [-latency 20ms]
//	go run ./internal/planbench -gate 1000 [-runs 3] [-latency 20ms]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

type scenario struct {
	name string
	// auth is the provider block's credentials.
	auth string
	// rateLimit is the provider's rate_limit line, empty for the default; serverRPS the
	// emulator's per-caller limit (0: none), answered without Retry-After.
	rateLimit string
	serverRPS float64
	// identical makes every instance the same query.
	identical bool
	// outage, when set, breaks the emulator for the run: faults, or refused connections.
	outage func(*emulator.Emulator, *emulator.Server)
	// fails is set when the plan is meant to fail.
	fails bool
}

// onlyRe selects the scenarios to run.
var onlyRe *regexp.Regexp

type sample struct {
	wall                             time.Duration
	hss, iam, throttled, connections int
	// failed counts the reads that failed.
	failed int
}

func main() {
	runs := flag.Int("runs", 3, "runs per scenario (medians are reported)")
	instances := flag.Int("instances", 200, "hss_image_basic_image instances, each a distinct query")
	latency := flag.Duration("latency", 20*time.Millisecond, "latency the emulator adds to every HSS response")
	big := flag.String("big", "", "comma-separated result sizes: plan one read of each, measuring the provider process (CPU, peak RSS)")
	only := flag.String("only", "", "run only the scenarios whose name matches this regular expression")
	batch := flag.Int("batch", 0, "plan this many distinct images as a for_each and as one hss_image_basic_images")
	gate := flag.Int("gate", 0, "plan a gate of this many images as the policy module (for_each) and as one hss_image_gate")
	flag.Parse()
	var err error
	if onlyRe, err = regexp.Compile(*only); err != nil {
		fmt.Fprintln(os.Stderr, "planbench: -only:", err)
		os.Exit(2)
	}
	if *gate > 0 {
		if err := runGate(*runs, *gate, *latency); err != nil {
			fmt.Fprintln(os.Stderr, "planbench:", err)
			os.Exit(1)
		}
		return
	}
	if *batch > 0 {
		if err := runBatch(*runs, *batch, *latency); err != nil {
			fmt.Fprintln(os.Stderr, "planbench:", err)
			os.Exit(1)
		}
		return
	}
	if *big != "" {
		if err := runBig(*runs, *big, *latency); err != nil {
			fmt.Fprintln(os.Stderr, "planbench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*runs, *instances, *latency); err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		os.Exit(1)
	}
}

// devRC writes a CLI configuration that points Terraform at the provider built in work.
func devRC(work string) (string, error) {
	rc := filepath.Join(work, "dev.tfrc")
	return rc, os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"hsslabs/hss\" = %q\n  }\n  direct {}\n}\n", work)), 0o600)
}

// prepare finds the Terraform CLI, builds the provider into a scratch directory, which the
// caller removes, and writes the CLI configuration that uses it there.
func prepare() (tf, work, rc string, err error) {
	if tf, err = exec.LookPath("terraform"); err != nil {
		return "", "", "", errors.New("the Terraform CLI is not on PATH")
	}
	if work, err = os.MkdirTemp("", "planbench"); err != nil {
		return "", "", "", err
	}
	if err = buildProvider(work); err == nil {
		rc, err = devRC(work)
	}
	if err != nil {
		_ = os.RemoveAll(work)
		return "", "", "", err
	}
	return tf, work, rc, nil
}

func run(runs, instances int, latency time.Duration) error {
	tf, work, rc, err := prepare()
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	aksk := fmt.Sprintf("access_key = %q\n  secret_key = %q", emulator.AccessKeyID, emulator.SecretAccessKey)
	password := fmt.Sprintf("user_name = %q\n  password = %q\n  domain_name = %q", emulator.UserName, emulator.UserPassword, emulator.DomainName)
	scenarios := []scenario{
		{name: "distinct, defaults", auth: aksk},
		{name: "distinct, rate_limit = 0", auth: aksk, rateLimit: "rate_limit = 0"},
		{name: "distinct, password, defaults", auth: password},
		{name: "distinct, server 25/s (no Retry-After), defaults", auth: aksk, serverRPS: 25},
		{name: "distinct, server 25/s, rate_limit = 20", auth: aksk, rateLimit: "rate_limit = 20", serverRPS: 25},
		{name: "distinct, server 25/s, rate_limit = 0", auth: aksk, rateLimit: "rate_limit = 0", serverRPS: 25},
		{name: "identical, defaults", auth: aksk, identical: true},
		{name: "distinct, every request 500, defaults", auth: aksk, fails: true, outage: func(e *emulator.Emulator, _ *emulator.Server) {
			e.AddFault(emulator.Fault{Status: 500, Code: "HSS.0500", Message: "Internal error."})
		}},
		{name: "distinct, every 10th request 500, defaults", auth: aksk, outage: func(e *emulator.Emulator, _ *emulator.Server) {
			e.AddFault(emulator.Fault{Every: 10, Status: 500, Code: "HSS.0500", Message: "Internal error."})
		}},
		{name: "distinct, first 30 requests 503 (Retry-After: 1), defaults", auth: aksk, outage: func(e *emulator.Emulator, _ *emulator.Server) {
			e.AddFault(emulator.Fault{Times: 30, Status: 503, Code: "APIGW.0503", RetryAfter: "1"})
		}},
		{name: "distinct, connections refused for the first 5 s, defaults", auth: aksk, outage: func(_ *emulator.Emulator, s *emulator.Server) {
			s.Refuse()
			time.AfterFunc(5*time.Second, func() { _ = s.Accept() })
		}},
	}
	fmt.Printf("terraform plan of %d hss_image_basic_image instances (for_each), emulator latency %s, %d runs each (medians), %s/%s, %d CPUs\n\n",
		instances, latency, runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\twall (median)\tHSS requests\tIAM requests\t429s\tconnections\tfailed reads\t")
	for _, sc := range scenarios {
		if !onlyRe.MatchString(sc.name) {
			continue
		}
		var samples []sample
		for i := 0; i < runs; i++ {
			s, err := once(tf, rc, work, sc, instances, latency)
			if err != nil {
				return fmt.Errorf("%s: %w", sc.name, err)
			}
			samples = append(samples, s)
		}
		m := median(samples)
		fmt.Fprintf(tw, "%s\t%.2fs\t%d\t%d\t%d\t%d\t%d\t\n", sc.name, m.wall.Seconds(), m.hss, m.iam, m.throttled, m.connections, m.failed)
	}
	return tw.Flush()
}

// maxRetries lets throttled scenarios retry as often as a busy account needs; the others
// keep the default.
func maxRetries(sc scenario) string {
	if sc.serverRPS > 0 {
		return "max_retries = 20"
	}
	return ""
}

// imageExpr names instance i's image: synthetic-i entries each, or all the same query.
func imageExpr(identical bool, instances int) string {
	if identical {
		return fmt.Sprintf("%q", fmt.Sprintf("synthetic-%d", instances))
	}
	return `"synthetic-${i}"`
}

func buildProvider(dir string) error {
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.CommandContext(context.Background(), "go", "build", "-trimpath", "-o", filepath.Join(dir, "terraform-provider-hss"), ".") //nolint:gosec // our own temporary directory
	cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return nil
}

func once(tf, rc, work string, sc scenario, instances int, latency time.Duration) (sample, error) {
	emu := emulator.New(nil)
	srv, err := emulator.Serve(emu, "127.0.0.1:0")
	if err != nil {
		return sample{}, err
	}
	defer srv.Close()
	if latency > 0 {
		emu.SetLatency(latency)
	}
	if sc.serverRPS > 0 {
		emu.SetRateLimit(sc.serverRPS, int(sc.serverRPS))
	}
	dir, err := os.MkdirTemp(work, "run")
	if err != nil {
		return sample{}, err
	}
	config := fmt.Sprintf(`terraform {
  required_providers {
    hss = { source = "hsslabs/hss" }
  }
}

provider "hss" {
  region      = %q
  endpoints   = { hss = %q, iam = %q }
  %s
  %s
  %s
}

locals {
  images = { for i in range(1, %d) : "image-${i}" => %s }
}

data "hss_image_basic_image" "all" {
  for_each   = local.images
  image_id   = each.value
  image_type = "cicd"
}

output "entries" {
  value = sum([for d in data.hss_image_basic_image.all : d.total_num])
}
`, emulator.Region, srv.URL, srv.URL, maxRetries(sc), sc.rateLimit, sc.auth, instances+1, imageExpr(sc.identical, instances))
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return sample{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf, "plan", "-input=false", "-lock=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if sc.outage != nil {
		sc.outage(emu, srv)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	failed := strings.Count(string(out), "Error: Unable to read")
	switch {
	case sc.fails && err == nil:
		return sample{}, fmt.Errorf("terraform plan was meant to fail:\n%s", out)
	case sc.fails && failed == 0:
		return sample{}, fmt.Errorf("terraform plan failed (%w), but no read did:\n%s", err, out)
	case sc.fails:
	case err != nil:
		return sample{}, fmt.Errorf("terraform plan: %w\n%s", err, out)
	default:
		want := fmt.Sprintf("entries = %d", instances*(instances+1)/2)
		if sc.identical {
			want = fmt.Sprintf("entries = %d", instances*instances)
		}
		if !strings.Contains(string(out), want) {
			return sample{}, fmt.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	return sample{
		failed:      failed,
		wall:        wall,
		hss:         emu.Count(emulator.KindHSS),
		iam:         emu.Count(emulator.KindIAMToken) + emu.Count(emulator.KindIAMProjects),
		throttled:   emu.Throttled(),
		connections: emu.Connections(),
	}, nil
}

// median takes each column's median on its own.
func median(s []sample) sample {
	pick := func(f func(sample) int) int {
		v := make([]int, len(s))
		for i := range s {
			v[i] = f(s[i])
		}
		sort.Ints(v)
		return v[len(v)/2]
	}
	return sample{
		wall:        time.Duration(pick(func(x sample) int { return int(x.wall) })),
		hss:         pick(func(x sample) int { return x.hss }),
		iam:         pick(func(x sample) int { return x.iam }),
		throttled:   pick(func(x sample) int { return x.throttled }),
		connections: pick(func(x sample) int { return x.connections }),
		failed:      pick(func(x sample) int { return x.failed }),
	}
}

func runBig(runs int, sizes string, latency time.Duration) error {
	tf, work, _, err := prepare()
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fmt.Printf("terraform plan of one read, emulator latency %s, %d runs each (medians), %s/%s, %d CPUs\n\n",
		latency, runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "entries\tplan wall\tprovider CPU\tprovider peak RSS\tHSS requests\tmost at once\t")
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("-big: %w", err)
		}
		var ss []bigSample
		for i := 0; i < runs; i++ {
			s, err := bigRead(tf, work, n, latency)
			if err != nil {
				return err
			}
			ss = append(ss, s)
		}
		pick := func(f func(bigSample) int64) int64 {
			v := make([]int64, len(ss))
			for i := range ss {
				v[i] = f(ss[i])
			}
			sort.Slice(v, func(a, b int) bool { return v[a] < v[b] })
			return v[len(v)/2]
		}
		fmt.Fprintf(tw, "%d\t%.2fs\t%.2fs\t%.0f MB\t%d\t%d\t\n", n,
			time.Duration(pick(func(s bigSample) int64 { return int64(s.wall) })).Seconds(),
			time.Duration(pick(func(s bigSample) int64 { return int64(s.providerCPU) })).Seconds(),
			float64(pick(func(s bigSample) int64 { return s.peakRSS }))/1e6,
			pick(func(s bigSample) int64 { return int64(s.hss) }), pick(func(s bigSample) int64 { return int64(s.inFlight) }))
	}
	return tw.Flush()
}
