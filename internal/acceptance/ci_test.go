package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

// The fixture's references a pipeline gates: app passes the default policy; web's scan failed;
// api, in the SWR Enterprise instance, has a vulnerability to repair at once and a malicious file.
const (
	ciApp = emulator.SWRHost + "/team/app:1.4.2"
	ciWeb = emulator.SWRHost + "/team/web:2.0"
	ciAPI = emulator.EnterpriseHost + "/team/api:2.0.0"
	// ciAt is the moment judged, so that support left does not move with the calendar.
	ciAt = "2026-09-01T00:00:00Z"
)

// ciJob is a pipeline job's directory and environment for examples/ci/gate.sh: no GitHub or
// GitLab variable leaks in from the machine running the tests.
type ciJob struct {
	dir string
	env []string
}

func newCIJob(t *testing.T, extra ...string) ciJob {
	t.Helper()
	dir := t.TempDir()
	var env []string
	for _, kv := range cleanEnv() {
		if !strings.HasPrefix(kv, "GITHUB_") && !strings.HasPrefix(kv, "HSS_") && !strings.HasPrefix(kv, "TF_VAR_") && !strings.HasPrefix(kv, "RUNNER_") {
			env = append(env, kv)
		}
	}
	return ciJob{dir: dir, env: append(append(env, "CHECKPOINT_DISABLE=1"), extra...)}
}

// run runs gate.sh with args in the job's directory and returns its output and exit code.
func (j ciJob) run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(exampleRoot(), "ci", "gate.sh")}, args...)...)
	cmd.Dir = j.dir
	cmd.Env = j.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	}
	t.Fatalf("gate.sh: %v\n%s", err, out.String())
	return "", 0
}

func (j ciJob) read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(j.dir, name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

func (j ciJob) exists(name string) bool {
	_, err := os.Stat(filepath.Join(j.dir, name))
	return err == nil
}

// The pipeline recipe as a CI job runs it, against the emulator: gate.sh builds the provider
// with `make install` into a mirror of the job's own, runs terraform init (from that mirror
// only), plan and show, and reads the verdict. A refusal names every refused image and each
// reason on a line of the job summary, and exits 1 without pinned references; a pass exits 0 and
// hands each image's pinned reference on, to a file, GitLab's dotenv and GitHub's step output;
// a read HSS denies is no verdict (exit 2), said in the summary, with the reason in the log.
func TestAccCIGate(t *testing.T) {
	buildProvider(t) // skips without TF_ACC
	for _, tool := range []string{"make", "jq", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
	}
	root := filepath.Join(exampleRoot(), "..")
	// Every terraform the script starts is the counting wrapper, so its launches count.
	path := filepath.Dir(os.Getenv("TF_ACC_TERRAFORM_PATH")) + string(os.PathListSeparator) + os.Getenv("PATH")
	pinnedApp := emulator.SWRHost + "/team/app@" + emulator.AppDigest
	for _, c := range []struct {
		name    string
		images  map[string]string
		code    int
		summary []string
		pinned  map[string]string
		denied  bool // HSS refuses every request: the gate cannot decide
	}{
		{"refused", map[string]string{"app": ciApp, "web": ciWeb, "api": ciAPI}, 1, []string{
			"## HSS deployment gate: 2 of 3 images refused",
			"",
			"- **api** `" + ciAPI + "`: vulnerability CVE-2023-4911 in libc6 2.35-0ubuntu3.3: repair necessity immediate_repair is refused (refuse_repair_necessity)",
			"- **api** `" + ciAPI + "`: 1 malicious file found (refuse_malicious_files)",
			"- **web** `" + ciWeb + "`" + `: scan status "failed" is not "success" (scan_failed_code "download_failed": download_failed)`,
			"- **web** `" + ciWeb + "`: no base image answer, so the base OS cannot be judged",
		}, nil, false},
		{"allowed", map[string]string{"app": ciApp}, 0, []string{
			"## HSS deployment gate: 1 image may be deployed",
			"",
			"- **app** `" + ciApp + "`: deploy `" + pinnedApp + "`",
		}, map[string]string{"app": pinnedApp}, false},
		{"no verdict", map[string]string{"app": ciApp}, 2, []string{
			"## HSS deployment gate: no verdict",
			"",
			"terraform could not plan the gate; the job log says why.",
		}, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEmu(t)
			if c.denied {
				e.AddFault(emulator.Fault{Status: http.StatusBadRequest, Code: "HSS.0010", Message: "Access denied."})
			}
			images, err := json.Marshal(c.images)
			if err != nil {
				t.Fatal(err)
			}
			job := newCIJob(t, "PATH="+path, "HSS_GATE_DIR="+copyExample(t, filepath.Join("ci", "gate")), "HSS_PROVIDER_SRC="+root,
				"GITHUB_STEP_SUMMARY=step-summary.md", "GITHUB_OUTPUT=step-output", "TF_VAR_images="+string(images), "TF_VAR_at="+ciAt,
				"TF_VAR_hss_endpoint="+e.URL, provider.EnvRegion+"="+emulator.Region, provider.EnvAccessKey+"="+emulator.AccessKeyID,
				provider.EnvSecretKey+"="+emulator.SecretAccessKey)
			job.env = append(job.env, "HSS_GATE_WORK="+filepath.Join(job.dir, "work"))
			out, code := job.run(t)
			if code != c.code {
				t.Fatalf("exit code %d, want %d\n%s", code, c.code, out)
			}
			// make install built into the job's mirror, and init took the provider from there.
			if !strings.Contains(out, "Installed terraform-provider-hss") || !strings.Contains(out, "Installing hsslabs/hss v") {
				t.Errorf("no install from the job's mirror:\n%s", out)
			}
			if c.denied && !strings.Contains(out, "HSS.0010") {
				t.Errorf("the job log does not say why:\n%s", out)
			}
			want := strings.Join(c.summary, "\n") + "\n"
			if got := job.read(t, "gate-report/summary.md"); got != want {
				t.Errorf("summary.md:\n%s\nwant:\n%s", got, want)
			}
			if got := job.read(t, "step-summary.md"); got != want {
				t.Errorf("the job summary:\n%s\nwant:\n%s", got, want)
			}
			if !strings.Contains(out, want) {
				t.Errorf("the job log lacks the summary:\n%s", out)
			}
			if c.pinned == nil {
				for _, f := range []string{"gate-report/pinned.json", "gate-report/pinned.env", "step-output"} {
					if job.exists(f) {
						t.Errorf("a refusal wrote %s:\n%s", f, job.read(t, f))
					}
				}
				return
			}
			var pinned map[string]string
			if err := json.Unmarshal([]byte(job.read(t, "gate-report/pinned.json")), &pinned); err != nil || fmt.Sprint(pinned) != fmt.Sprint(c.pinned) {
				t.Errorf("pinned.json = %v (%v), want %v", pinned, err, c.pinned)
			}
			compact, _ := json.Marshal(c.pinned)
			if got := job.read(t, "gate-report/pinned.env"); got != "HSS_GATE_PINNED="+string(compact)+"\n" {
				t.Errorf("pinned.env = %q", got)
			}
			if got := job.read(t, "step-output"); got != "pinned="+string(compact)+"\n" {
				t.Errorf("the step output = %q", got)
			}
		})
	}
}

// plan is the part of `terraform show -json` that gate.sh reads: the gate's two outputs.
func ciPlan(allowed any, results map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"planned_values": map[string]any{"outputs": map[string]any{
		"allowed": map[string]any{"value": allowed}, "results": map[string]any{"value": results},
	}}})
	if err != nil {
		panic(err)
	}
	return b
}

func ciResult(ref string, refusals ...string) map[string]any {
	return map[string]any{"reference": ref, "allowed": len(refusals) == 0, "refusals": refusals, "pinned_reference": ""}
}

// gate.sh's report, on plans written by hand: what HSS says stays one plain line per reason,
// the job summary is bounded, and a plan that is not the gate's, or a missing tool, is an error
// (exit 2) that says what to do, not a verdict. Nothing here launches the Terraform CLI.
func TestCIGateReport(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not on PATH")
	}
	many := make([]string, 1500)
	for i := range many {
		many[i] = fmt.Sprintf("vulnerability CVE-2025-%04d: repair necessity immediate_repair is refused (refuse_repair_necessity)", i)
	}
	huge := strings.Repeat("x", 1<<20)
	for _, c := range []struct {
		name       string
		plan       []byte
		code       int
		want       []string // lines of summary.md, in order
		stepLines  int      // lines in the job summary; 0: as many as summary.md
		logWants   string
		notInFiles []string
	}{
		{name: "control characters and markup", plan: ciPlan(false, map[string]any{
			"evil\nkey": ciResult("swr.example/a`b:1\r\n## injected", "scan status \"failed\"\n- **fake** line <script>alert(1)</script>\x1b[31m", "second\u0085reason"),
			"ok":        ciResult(ciApp),
		}), code: 1, want: []string{
			"## HSS deployment gate: 1 of 2 images refused",
			"",
			"- **evil key** `swr.example/a'b:1  ## injected`: scan status \"failed\" - **fake** line &lt;script&gt;alert(1)&lt;/script&gt; [31m",
			"- **evil key** `swr.example/a'b:1  ## injected`: second reason",
		}, notInFiles: []string{"<script>", "\x1b"}},
		{name: "a refused image without reasons", plan: ciPlan(false, map[string]any{"a": ciResult("r/a/b:1"), "b": map[string]any{"reference": "r/a/b:2", "allowed": false}}),
			code: 1, want: []string{"## HSS deployment gate: 1 of 2 images refused", "", "- **b** `r/a/b:2`: refused, no reason given"}},
		{name: "a reason a megabyte long", plan: ciPlan(false, map[string]any{"a": ciResult("r/a/b:1", huge)}), code: 1,
			want: []string{"## HSS deployment gate: 1 of 1 image refused", "", "- **a** `r/a/b:1`: " + huge[:2000] + "…"}},
		{name: "more reasons than the job summary takes", plan: ciPlan(false, map[string]any{"a": ciResult("r/a/b:1", many...)}), code: 1,
			stepLines: 1000 + 2},
		{name: "a pass whose references hold line breaks", plan: ciPlan(true, map[string]any{
			"a\nb": map[string]any{"reference": "r/a/b:1", "allowed": true, "refusals": []string{}, "pinned_reference": "r/a/b@sha256:1\nEVIL=1"},
		}), code: 0, want: []string{"## HSS deployment gate: 1 image may be deployed", "", "- **a b** `r/a/b:1`: deploy `r/a/b@sha256:1 EVIL=1`"}},
		{name: "not a plan", plan: []byte("{not json"), code: 2, logWants: "is not a plan's JSON"},
		{name: "another configuration's plan", plan: []byte(`{"planned_values":{"outputs":{}}}`), code: 2, logWants: `no known output "allowed"`},
		{name: "a verdict not yet known", plan: []byte(`{"planned_values":{"outputs":{"allowed":{"sensitive":false}}}}`), code: 2, logWants: `no known output "allowed"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			job := newCIJob(t, "GITHUB_STEP_SUMMARY=step-summary.md", "GITHUB_OUTPUT=step-output")
			if err := os.WriteFile(filepath.Join(job.dir, "plan.json"), c.plan, 0o600); err != nil {
				t.Fatal(err)
			}
			out, code := job.run(t, "report", "plan.json")
			if code != c.code || !strings.Contains(out, c.logWants) {
				t.Fatalf("exit code %d, want %d; want %q in\n%.3000s", code, c.code, c.logWants, out)
			}
			summary, step := job.read(t, "gate-report/summary.md"), job.read(t, "step-summary.md")
			if c.code == 2 {
				if summary != "" || step != "" || job.exists("step-output") {
					t.Fatalf("no verdict, yet a report: %q %q", summary, step)
				}
				return
			}
			if c.want != nil && summary != strings.Join(c.want, "\n")+"\n" {
				t.Errorf("summary.md:\n%.3000s\nwant:\n%.3000s", summary, strings.Join(c.want, "\n"))
			}
			if want := strings.Count(summary, "\n"); c.stepLines != 0 {
				if got := strings.Count(step, "\n"); got != c.stepLines || !strings.HasSuffix(step, "… more in gate-report/summary.md\n") || want != len(many)+2 {
					t.Errorf("the job summary has %d lines (want %d), summary.md %d", got, c.stepLines, want)
				}
			} else if step != summary {
				t.Errorf("the job summary differs from summary.md:\n%s", step)
			}
			for _, bad := range c.notInFiles {
				if strings.Contains(summary, bad) || strings.Contains(step, bad) {
					t.Errorf("%q reached the summary:\n%s", bad, summary)
				}
			}
			if c.code != 0 {
				if job.exists("step-output") || job.exists("gate-report/pinned.json") {
					t.Error("a refusal handed references on")
				}
				return
			}
			// What HSS sent stays inside one JSON value: one line each, nothing more set.
			const pinned = `{"a\nb":"r/a/b@sha256:1\nEVIL=1"}`
			if got := job.read(t, "step-output"); got != "pinned="+pinned+"\n" {
				t.Errorf("the step output = %q", got)
			}
			if got := job.read(t, "gate-report/pinned.env"); got != "HSS_GATE_PINNED="+pinned+"\n" {
				t.Errorf("pinned.env = %q", got)
			}
		})
	}
}

// gate.sh says what it is missing before it does anything, and refuses to guess the images.
func TestCIGatePreconditions(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no tools", []string{"PATH=" + empty, "TF_VAR_images={}"}, nil, "not on PATH: terraform jq. GitHub's runners have jq"},
		{"another CLI named", []string{"PATH=" + empty, "TERRAFORM=tofu", "TF_VAR_images={}"}, nil, "not on PATH: tofu jq."},
		{"no images", []string{"TF_VAR_images="}, nil, "TF_VAR_images is not set"},
		{"a stray argument", nil, []string{"plan"}, "usage: gate.sh, or gate.sh report PLAN.json"},
		{"report without a plan", nil, []string{"report"}, "usage: gate.sh report PLAN.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.env == nil || c.name == "no images" {
				if _, err := exec.LookPath("jq"); err != nil {
					t.Skip("jq is not on PATH")
				}
				if _, err := exec.LookPath("terraform"); err != nil && c.name == "no images" {
					t.Skip("terraform is not on PATH")
				}
			}
			job := newCIJob(t, c.env...)
			out, code := job.run(t, c.args...)
			if code != 2 || !strings.Contains(out, "gate.sh: "+c.want) {
				t.Fatalf("exit code %d, want 2 and %q:\n%s", code, c.want, out)
			}
			if entries, _ := os.ReadDir(job.dir); len(entries) != 0 {
				t.Errorf("it wrote %v before it could run", entries)
			}
		})
	}
}
