package main

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// policyModule is the policy module as users wrote the gate before hss_image_gate: per image,
// hss_image_basic_image, hss_images and hss_image_vulnerabilities joined in HCL with
// provider::hss::os_lifecycle. It is the baseline -gate measures against, kept as it was.
//
//go:embed testdata/policy-module/main.tf
var policyModule []byte

// gateConfig is one way of writing the gate of n bench images.
type gateConfig struct {
	name string
	// module plans the policy module; otherwise one hss_image_gate.
	module bool
}

// gateRoutes name the HSS routes by the end of their path.
var gateRoutes = []struct{ name, suffix string }{
	{"registry images", "/image/registries/images"},
	{"registries", "/image/registries"},
	{"basic image", "/basic-image"},
	{"vulnerabilities", "/vulnerabilities"},
	{"CVEs", "/cve"},
}

// routeOf names the route of an HSS request path, "other" for none of gateRoutes.
func routeOf(path string) string {
	for _, r := range gateRoutes {
		if strings.HasSuffix(path, r.suffix) {
			return r.name
		}
	}
	return "other"
}

// gateSample is one plan of a gate configuration.
type gateSample struct {
	wall time.Duration
	// cpu is Terraform's CPU time and its providers' (reaped children count); emulatorCPU
	// this process's, which serves the emulator.
	cpu, emulatorCPU time.Duration
	// firstRead is when the first HSS answer came, and lastRead the last, from the start.
	firstRead, lastRead time.Duration
	hss, inFlight       int
	routes              map[string]int
	// providerCPU is the provider process's CPU, measured only when it is attached.
	providerCPU time.Duration
}

// runGate plans a gate of n bench images written two ways — the policy module over the n
// images (for_each inside it) and one hss_image_gate — alternating, runs times each, then once
// more each with the provider attached to read its own CPU.
func runGate(runs, n int, latency time.Duration) error {
	if n < 1 || n > emulator.BenchImages {
		return fmt.Errorf("-gate: %d images, want 1 to %d", n, emulator.BenchImages)
	}
	load := loadAverage()
	tf, work, rc, err := prepare()
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	configs := []gateConfig{
		{name: fmt.Sprintf("policy module over %d images (for_each)", n), module: true},
		{name: fmt.Sprintf("one hss_image_gate of %d", n)},
	}
	fmt.Printf("terraform plan of a gate of %d images, emulator latency %s, %d runs each (medians, alternating), %s/%s, %d CPUs (%s), load average %s at the start\n\n",
		n, latency, runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), load)
	samples := make([][]gateSample, len(configs))
	for range runs {
		for i, c := range configs {
			s, err := gateOnce(tf, rc, work, c, n, latency, false)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			samples[i] = append(samples[i], s)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "configuration\twall\tTerraform+provider CPU\temulator CPU\tfirst HSS answer\tlast HSS answer\tHSS requests\tmost at once\t"
	for _, r := range gateRoutes {
		head += r.name + "\t"
	}
	fmt.Fprintln(tw, head)
	var walls []time.Duration
	for i, c := range configs {
		m := gateMedian(samples[i])
		walls = append(walls, m.wall)
		line := fmt.Sprintf("%s\t%.2fs\t%.2fs\t%.2fs\t%.2fs\t%.2fs\t%d\t%d\t", c.name, m.wall.Seconds(), m.cpu.Seconds(), m.emulatorCPU.Seconds(),
			m.firstRead.Seconds(), m.lastRead.Seconds(), m.hss, m.inFlight)
		for _, r := range gateRoutes {
			line += fmt.Sprintf("%d\t", m.routes[r.name])
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("\nthe gate takes %.2f× the time of the module (the goal for 1,000 images: at most 0.20×)\n\n", walls[1].Seconds()/walls[0].Seconds())

	fmt.Println("once more each, the provider attached (TF_REATTACH_PROVIDERS) so its CPU is read from /proc:")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "configuration\twall\tTerraform CPU\tprovider CPU\temulator CPU\tfirst HSS answer\tlast HSS answer\t")
	for _, c := range configs {
		s, err := gateOnce(tf, rc, work, c, n, latency, true)
		if err != nil {
			return fmt.Errorf("%s, attached: %w", c.name, err)
		}
		fmt.Fprintf(tw, "%s\t%.2fs\t%.2fs\t%.2fs\t%.2fs\t%.2fs\t%.2fs\t\n", c.name, s.wall.Seconds(), s.cpu.Seconds(), s.providerCPU.Seconds(),
			s.emulatorCPU.Seconds(), s.firstRead.Seconds(), s.lastRead.Seconds())
	}
	return tw.Flush()
}

// gateConfigText is the configuration of c for n bench images against the emulator at url.
func gateConfigText(c gateConfig, n int, url string) string {
	var b strings.Builder
	b.WriteString(akskHeader(url))
	if c.module {
		b.WriteString("\nmodule \"policy\" {\n  source = \"./policy-module\"\n  images = {\n")
		for i := range n {
			fmt.Fprintf(&b, "    %q = { id = %q, type = \"private_image\", reference = %q }\n", benchKey(i), emulator.BenchImageID(i), emulator.BenchReference(i))
		}
		b.WriteString(`  }
}

output "checked" {
  value = length(module.policy.base_os)
}

output "refused" {
  value = length([for k, r in module.policy.refused : k if length(r) > 0])
}
`)
		return b.String()
	}
	b.WriteString("\ndata \"hss_image_gate\" \"all\" {\n  images = {\n")
	for i := range n {
		fmt.Fprintf(&b, "    %q = %q\n", benchKey(i), emulator.BenchReference(i))
	}
	b.WriteString(`  }
}

output "checked" {
  value = length(data.hss_image_gate.all.results)
}

output "refused" {
  value = length([for k, r in data.hss_image_gate.all.results : k if !r.allowed])
}
`)
	return b.String()
}

func benchKey(i int) string { return fmt.Sprintf("img-%05d", i) }

// gateOnce plans c against a fresh emulator. With attach, this program starts the provider
// and reads its CPU from /proc before it exits; otherwise Terraform starts it through the CLI
// configuration rc, as a user's plan does.
func gateOnce(tf, rc, work string, c gateConfig, n int, latency time.Duration, attach bool) (gateSample, error) {
	emu := emulator.New(nil)
	emu.SetLatency(latency)
	// When the first and the last HSS answer went out.
	var mu sync.Mutex
	var first, last time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		emu.ServeHTTP(w, r)
		if routeOf(r.URL.Path) != "other" {
			mu.Lock()
			last = time.Now()
			if first.IsZero() {
				first = last
			}
			mu.Unlock()
		}
	}))
	defer srv.Close()
	dir, err := os.MkdirTemp(work, "gate")
	if err != nil {
		return gateSample{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(gateConfigText(c, n, srv.URL)), 0o600); err != nil {
		return gateSample{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if c.module {
		if err := os.MkdirAll(filepath.Join(dir, "policy-module"), 0o700); err != nil {
			return gateSample{}, err
		}
		if err := os.WriteFile(filepath.Join(dir, "policy-module", "main.tf"), policyModule, 0o600); err != nil {
			return gateSample{}, err
		}
		// Installs the local module; providers come from the CLI configuration, untimed.
		get := exec.CommandContext(ctx, tf, "get", "-no-color")
		get.Dir, get.Env = dir, env
		if out, err := get.CombinedOutput(); err != nil {
			return gateSample{}, fmt.Errorf("terraform get: %w\n%s", err, out)
		}
	}
	var prov *exec.Cmd
	if attach {
		var reattach string
		if prov, reattach, err = startProvider(ctx, work); err != nil {
			return gateSample{}, err
		}
		defer func() { _ = prov.Process.Kill(); _ = prov.Wait() }()
		env = append(env, "TF_REATTACH_PROVIDERS="+reattach)
	}

	cmd := exec.CommandContext(ctx, tf, "plan", "-input=false", "-lock=false", "-no-color")
	cmd.Dir, cmd.Env = dir, env
	before := selfCPU()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	s := gateSample{wall: wall, emulatorCPU: selfCPU() - before, hss: emu.Count(emulator.KindHSS), inFlight: emu.MaxInFlight(), routes: map[string]int{}}
	srv.Close() // waits for every answer
	if err != nil {
		return gateSample{}, fmt.Errorf("terraform plan: %w\n%s", err, tail(out))
	}
	for _, want := range []string{fmt.Sprintf("checked = %d", n), "refused = 0"} {
		if !strings.Contains(string(out), want) {
			return gateSample{}, fmt.Errorf("plan output lacks %q:\n%s", want, tail(out))
		}
	}
	if cmd.ProcessState != nil {
		s.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if !first.IsZero() {
		s.firstRead, s.lastRead = first.Sub(start), last.Sub(start)
	}
	for _, r := range emu.Requests() {
		if r.Kind == emulator.KindHSS {
			s.routes[routeOf(r.Path)]++
		}
	}
	if prov != nil {
		if s.providerCPU, _, err = procUsage(prov.Process.Pid); err != nil {
			return gateSample{}, err
		}
	}
	return s, nil
}

// startProvider starts the provider built in work with -debug, and returns it and the
// TF_REATTACH_PROVIDERS value it prints.
func startProvider(ctx context.Context, work string) (*exec.Cmd, string, error) {
	prov := exec.CommandContext(ctx, filepath.Join(work, "terraform-provider-hss"), "-debug") //nolint:gosec // our own build
	out, err := prov.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := prov.Start(); err != nil {
		return nil, "", err
	}
	reattach := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "TF_REATTACH_PROVIDERS='"); ok {
			reattach = strings.TrimSuffix(v, "'")
			break
		}
	}
	if reattach == "" {
		_ = prov.Process.Kill()
		_ = prov.Wait()
		return nil, "", fmt.Errorf("the provider printed no TF_REATTACH_PROVIDERS")
	}
	go func() {
		for sc.Scan() { //nolint:revive // drain the provider's output
		}
	}()
	return prov, reattach, nil
}

// gateMedian takes each column's median on its own.
func gateMedian(s []gateSample) gateSample {
	pick := func(f func(gateSample) int64) int64 {
		v := make([]int64, len(s))
		for i := range s {
			v[i] = f(s[i])
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	d := func(f func(gateSample) time.Duration) time.Duration {
		return time.Duration(pick(func(x gateSample) int64 { return int64(f(x)) }))
	}
	m := gateSample{
		wall:        d(func(x gateSample) time.Duration { return x.wall }),
		cpu:         d(func(x gateSample) time.Duration { return x.cpu }),
		emulatorCPU: d(func(x gateSample) time.Duration { return x.emulatorCPU }),
		firstRead:   d(func(x gateSample) time.Duration { return x.firstRead }),
		lastRead:    d(func(x gateSample) time.Duration { return x.lastRead }),
		hss:         int(pick(func(x gateSample) int64 { return int64(x.hss) })),
		inFlight:    int(pick(func(x gateSample) int64 { return int64(x.inFlight) })),
		routes:      map[string]int{},
	}
	for _, r := range gateRoutes {
		m.routes[r.name] = int(pick(func(x gateSample) int64 { return int64(x.routes[r.name]) }))
	}
	return m
}

// selfCPU is this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the 1-, 5- and 15-minute load averages, "unknown" without /proc.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// cpuModel is the first CPU's model name, "unknown" without /proc.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// tail is the end of a plan's output, where its errors are.
func tail(out []byte) []byte {
	const most = 8 << 10
	if len(out) > most {
		return append([]byte("…"), out[len(out)-most:]...)
	}
	return out
}
