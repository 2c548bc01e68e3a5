// Command hss-emulator serves the local HSS, IAM and ECS metadata emulator.
//
//	hss-emulator [-listen 127.0.0.1:8099] [-latency 20ms] [-rate-limit 25]  serve until interrupted
//	hss-emulator [flags] -- terraform -chdir=examples/quickstart plan  serve while a command runs
//
// Serving alone, it prints a provider block and export lines that point the provider at it.
// A command run under it gets HSS_EMULATOR_URL and TF_VAR_hss_endpoint (which the examples read)
// pointing at the emulator, plus the emulator's region and access key in HW_REGION_NAME,
// HW_ACCESS_KEY and HW_SECRET_KEY unless those are already set, and, unless TF_CLI_CONFIG_FILE
// names a file, a CLI configuration that makes Terraform use the provider built beside the
// emulator (bin/). The exit status is the command's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

func main() {
	os.Exit(run())
}

func run() int {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
	latency := flag.Duration("latency", 0, "delay added to every HSS response")
	rps := flag.Float64("rate-limit", 0, "HSS requests per second allowed per caller before 429 APIGW.0308 (0: unlimited)")
	retryAfter := flag.String("retry-after", "", "Retry-After header sent with rate-limit 429s (default: none, as the API gateway may)")
	quiet := flag.Bool("quiet", false, "do not print the request summary on exit")
	flag.Parse()

	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !net.ParseIP(host).IsLoopback() && host != "localhost" {
		fmt.Fprintf(os.Stderr, "hss-emulator: -listen must be a loopback address, got %q\n", *listen)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, listenError(*listen, err))
		return 1
	}
	emu := emulator.New(nil)
	if *latency > 0 {
		emu.SetLatency(*latency)
	}
	if *rps > 0 {
		emu.SetRateLimit(*rps, max(1, int(*rps)))
		emu.SetRateLimitRetryAfter(*retryAfter)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second, ConnState: emu.ConnState}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if !*quiet {
			fmt.Fprintf(os.Stderr, "hss-emulator: served %d HSS (%d throttled), %d IAM token and %d IAM project requests over %d connections\n",
				emu.Count(emulator.KindHSS), emu.Throttled(), emu.Count(emulator.KindIAMToken), emu.Count(emulator.KindIAMProjects), emu.Connections())
		}
	}()

	args := flag.Args()
	if len(args) == 0 {
		printUsage(os.Stdout, url, emu)
		<-ctx.Done()
		return 0
	}

	// The child gets Ctrl-C itself and decides; the emulator outlives it.
	stop()
	signal.Ignore(os.Interrupt)
	cmd := exec.CommandContext(context.Background(), args[0], args[1:]...) //nolint:gosec // running the given command is this mode's purpose
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "HSS_EMULATOR_URL="+url, "TF_VAR_hss_endpoint="+url)
	for k, v := range map[string]string{
		"HW_REGION_NAME": emulator.Region,
		"HW_ACCESS_KEY":  emulator.AccessKeyID,
		"HW_SECRET_KEY":  emulator.SecretAccessKey,
	} {
		if _, set := os.LookupEnv(k); !set {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	exe, _ := os.Executable()
	if tfrc, cleanup, err := devConfig(exe, os.Getenv("TF_CLI_CONFIG_FILE")); err != nil {
		fmt.Fprintf(os.Stderr, "hss-emulator: %v\n", err)
		return 1
	} else if tfrc != "" {
		defer cleanup()
		cmd.Env = append(cmd.Env, "TF_CLI_CONFIG_FILE="+tfrc)
	}
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "hss-emulator: %v\n", err)
		return 1
	}
	return 0
}

// printUsage shows how to point the provider at the emulator from any directory: a main.tf
// that works when pasted, the CLI configuration that makes Terraform use the provider built
// here, and the other credentials the emulator accepts.
func printUsage(w io.Writer, url string, emu *emulator.Emulator) {
	tfrc := "<repository>/bin/dev.tfrc (make demo writes it)"
	if exe, err := os.Executable(); err == nil {
		if f := filepath.Join(filepath.Dir(exe), "dev.tfrc"); fileExists(f) {
			tfrc = f
		}
	}
	fmt.Fprintf(w, `HSS emulator listening on %[1]s (HSS, IAM, IAM v5 and the ECS metadata service). Stop it with Ctrl-C.

In another shell, in a directory of your own:

export TF_CLI_CONFIG_FILE=%[12]s

cat > main.tf <<'HCL'
terraform {
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}

provider "hss" {
  region     = %[2]q
  access_key = %[3]q
  secret_key = %[4]q
  endpoints  = { hss = %[1]q, iam = %[1]q, sts = %[1]q, metadata = %[1]q }
}

data "hss_image_basic_image" "ci" {
  image_id   = "111"
  image_type = "cicd"
}

output "ci_base_os" {
  value = [for b in data.hss_image_basic_image.ci.data_list : "${b.os_name} ${b.os_version}"]
}
HCL

terraform plan

No terraform init is needed: the CLI configuration points Terraform at the provider built in bin/.
The examples read the endpoint from a variable instead: export TF_VAR_hss_endpoint=%[1]s
and HW_REGION_NAME=%[2]s HW_ACCESS_KEY=%[3]s HW_SECRET_KEY=%[4]s, then run
terraform -chdir=examples/quickstart plan from the repository.

Other credentials it accepts:
  password      HW_USER_NAME=%[5]s HW_USER_PASSWORD=%[6]s HW_DOMAIN_NAME=%[7]s
  OIDC          HW_ASSUME_ROLE_IDP_ID=%[8]s HW_ASSUME_ROLE_ID_TOKEN=%[9]s
  assume_role   HW_ASSUME_ROLE_AGENCY_NAME=%[10]s HW_ASSUME_ROLE_DOMAIN_NAME=%[7]s (with any of the above)
Project %[11]s; images 111 (Debian 9), 222 (AlmaLinux 9.4), multi-os-0001, synthetic-N (N entries) and the rest of the fixture.
`, url, emulator.Region, emulator.AccessKeyID, emulator.SecretAccessKey, emulator.UserName, emulator.UserPassword,
		emulator.DomainName, emulator.IdpID, emu.SignIDToken("local", 12*time.Hour, nil), emulator.AgencyName, emulator.ProjectID, tfrc)
}

// listenError says what to do when the address cannot be had, most often a port in use.
func listenError(addr string, err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Sprintf("hss-emulator: %s is already in use (another emulator, or another program). "+
			"Stop it, or run with -listen 127.0.0.1:0 for a free port: the emulator prints the address it got, "+
			"and the lines to paste name it.", addr)
	}
	return fmt.Sprintf("hss-emulator: cannot listen on %s: %v", addr, err)
}

// devConfig writes a CLI configuration whose dev_overrides point hsslabs/hss at the provider
// built beside the emulator's executable exe, when there is one and the caller's configuration
// (TF_CLI_CONFIG_FILE, current) names no file: the commands of the docs then run as pasted. ""
// when the caller's configuration stands.
func devConfig(exe, current string) (path string, cleanup func(), err error) {
	if (current != "" && fileExists(current)) || exe == "" {
		return "", nil, nil
	}
	bin := filepath.Dir(exe)
	if !fileExists(filepath.Join(bin, "terraform-provider-hss")) {
		return "", nil, nil
	}
	dir, err := os.MkdirTemp("", "hss-emulator")
	if err != nil {
		return "", nil, err
	}
	path = filepath.Join(dir, "dev.tfrc")
	content := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"hsslabs/hss\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	return path, func() { _ = os.RemoveAll(dir) }, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p) //nolint:gosec // a path the user gave (TF_CLI_CONFIG_FILE) or beside this executable, only looked at
	return err == nil && st.Mode().IsRegular()
}
